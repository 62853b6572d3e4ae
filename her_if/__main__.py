"""`python -m her_if`, and the `her-if` command (`run`), pausing the cycle collector while
the command starts (`her_if.loading.gc_pause.pause_for_start_up`): nothing else is loaded
before this, so nothing else could pause it soon enough. The command's process ends as soon
as its streams are flushed, without the interpreter's teardown."""

import os
import sys

from her_if.loading.gc_pause import pause_for_start_up


def run() -> int:
    pause_for_start_up()
    from her_if.cli import main

    status = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return status  # a profiler or coverage writes its figures as the interpreter exits
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # told by the guard in `main`; the interpreter exits as ever
        return status
    # Nothing is left to do: every file was written and closed where it was written, nothing
    # registers `atexit`, and tearing down the interpreter's objects costs a start 3-5 ms.
    os._exit(status)


if __name__ == "__main__":
    sys.exit(run())
