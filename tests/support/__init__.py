"""What more than one test module needs, each module named for what it helps with.

Test modules import from here (and their fixtures come from tests/conftest.py), never from
one another: a test module can then be moved, split or deleted without breaking another one,
and a helper two suites share is written once. tests/test_suite_layout.py holds the suite to it.
"""
