"""`python -m her_if` does what the `her-if` command does."""

import sys

from her_if.cli import main

sys.exit(main())
