"""`python -m her_if`, and the `her-if` command (`run`), pausing the cycle collector while
the command starts (`her_if.loading.gc_pause.pause_for_start_up`): nothing else is loaded
before this, so nothing else could pause it soon enough."""

import sys

from her_if.loading.gc_pause import pause_for_start_up


def run() -> int:
    pause_for_start_up()
    from her_if.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
