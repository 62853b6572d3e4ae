"""The installed `her-if` in a real pseudo-terminal, driven with pexpect as a person plays it.

PROMPT_TOOLKIT_NO_CPR tells prompt_toolkit that no terminal emulator sits on the other side to
answer its cursor-position questions (pexpect does not), so it does not wait for them.
"""

from __future__ import annotations

import io
import os
import sys
import termios
from pathlib import Path

import pexpect

HER_IF = Path(sys.executable).with_name("her-if")
"""The console script next to this Python: tests that need it skip where it is not installed."""
TIMEOUT = 20


def spawn(
    *args: str, columns: int = 80, rows: int = 24, env: dict[str, str] | None = None
) -> pexpect.spawn[str]:
    environment = {
        **os.environ,
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "",  # the pty's own size, not the one pytest ran in
        "LINES": "",
        "LC_ALL": "C.UTF-8",  # a UTF-8 terminal, whatever locale pytest ran in
        **(env or {}),
    }
    for name in ("NO_COLOR", "COLUMNS", "LINES", "PYTHONIOENCODING", "PYTHONUTF8"):
        if not environment.get(name):
            environment.pop(name, None)
    child = pexpect.spawn(
        str(HER_IF),
        list(args),
        env=environment,
        dimensions=(rows, columns),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    child.logfile_read = io.StringIO()  # everything the game wrote, to look through after
    child.delaybeforesend = None  # every send waits for what it answers already
    return child


def written(child: pexpect.spawn[str]) -> str:
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def ended(child: pexpect.spawn[str]) -> int:
    """Wait for the game to exit; its exit status. It must leave the terminal in line mode,
    as it found it, not in the raw mode its screens use."""
    child.expect(pexpect.EOF)
    assert termios.tcgetattr(child.child_fd)[3] & termios.ICANON
    child.close()
    assert child.signalstatus is None and child.exitstatus is not None
    return child.exitstatus
