"""The benchmark harness (see run.py); not part of the installed game."""
