"""Timing a whole process: to its exit, or (in a pseudo-terminal) to the first time a marker
appears on its screen; with the process's own peak memory.

Peak memory is the child's ru_maxrss as GNU time (`/usr/bin/time -f %M`) reports it. Reading
it with wait4 from here would be wrong: a child's ru_maxrss counts the copy of its parent it
was forked from, so every figure would be at least the harness's own size. GNU time is a
small C program, so what its child inherits is small; it costs every command measured the
same fraction of a millisecond, floors included. Without it, memory is not reported.

Kept apart from what is measured, so the harness reads as a list of measurements.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ANSI = re.compile(
    rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)
CURSOR_QUERY = b"\x1b[6n"
"""prompt_toolkit asks where the cursor is; a real terminal answers at once, and so do we."""
GNU_TIME = "/usr/bin/time"
TIMED_OUT = -1000


@dataclass(frozen=True)
class Run:
    seconds: float
    status: int
    stdout: str
    stderr: str
    rss_kb: int | None
    """The process's peak resident memory (ru_maxrss, KiB); None without GNU time."""


class RunError(RuntimeError):
    """A measured process failed: its command, status and the end of what it said."""


@cache
def has_gnu_time() -> bool:
    try:
        probe = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True, timeout=10)
    except OSError:
        return False
    return "GNU" in probe.stdout + probe.stderr


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    ok: Sequence[int] = (0,),
    timeout: float = 600.0,
) -> Run:
    """Run `argv` to its exit, with no input: wall time from spawn to exit, and peak memory."""
    with (
        tempfile.TemporaryDirectory(prefix="her-if-bench-run-") as folder,
        open(Path(folder) / "out", "w+b") as out,
        open(Path(folder) / "err", "w+b") as err,
    ):
        rss_file = Path(folder) / "rss"
        began = time.perf_counter()
        proc = subprocess.Popen(
            _timed(argv, rss_file),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
        )
        status = _wait(proc, timeout)
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        result = Run(
            seconds,
            status,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            _rss(rss_file),
        )
    if status == TIMED_OUT:
        raise RunError(f"{' '.join(argv)}: still running after {timeout:.0f} s; stopped")
    if status not in ok:
        raise RunError(_failure(argv, result))
    return result


def run_to_marker(
    argv: Sequence[str],
    marker: str,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    size: tuple[int, int] = (50, 120),
) -> Run:
    """Start `argv` in a pseudo-terminal of `size` (rows, columns) and time it until `marker`
    appears on the screen (escape sequences stripped); then kill it."""
    master, slave = os.openpty()
    rows, columns = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    with tempfile.TemporaryDirectory(prefix="her-if-bench-run-") as folder:
        rss_file = Path(folder) / "rss"
        began = time.perf_counter()
        proc = subprocess.Popen(
            _timed(argv, rss_file),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
        os.close(slave)
        try:
            seconds, seen = _watch(master, proc, marker.encode(), began, timeout)
        finally:
            _stop(proc)
            os.close(master)
        rss = _rss(rss_file)
    screen = ANSI.sub(b"", seen).decode("utf-8", "replace")
    if seconds is None:
        raise RunError(
            f"{' '.join(argv)}: {marker!r} never appeared on the screen; the end of it:\n"
            + screen[-800:]
        )
    return Run(seconds, 0, screen, "", rss)


def _watch(
    master: int, proc: subprocess.Popen[bytes], wanted: bytes, began: float, timeout: float
) -> tuple[float | None, bytes]:
    seen = b""
    while time.perf_counter() - began < timeout:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        if CURSOR_QUERY in chunk:
            os.write(master, b"\x1b[1;1R")
        seen += chunk
        if wanted in ANSI.sub(b"", seen):
            return time.perf_counter() - began, seen
    return None, seen


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill what `proc` runs; GNU time itself is left to write its report and exit."""
    if has_gnu_time():
        for child in _children(proc.pid):
            os.kill(child, signal.SIGKILL)
    if proc.poll() is None:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything the child left behind


def _children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(p) for p in listed.split()]


def _timed(argv: Sequence[str], rss_file: Path) -> list[str]:
    if not has_gnu_time():
        return list(argv)
    return [GNU_TIME, "-f", "%M", "-o", str(rss_file), *argv]


def _rss(rss_file: Path) -> int | None:
    try:
        lines = rss_file.read_text(encoding="utf-8").split()
        return int(lines[-1])
    except (OSError, ValueError, IndexError):
        return None


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """Wait for `proc`, killing it after `timeout` seconds: its exit status."""
    late = threading.Event()

    def stop() -> None:
        late.set()
        proc.kill()

    timer = threading.Timer(timeout, stop)
    timer.start()
    try:
        status = proc.wait()
    finally:
        timer.cancel()
    return TIMED_OUT if late.is_set() else status


def _failure(argv: Sequence[str], result: Run) -> str:
    said = (result.stderr or result.stdout).strip().splitlines()[-8:]
    return f"{' '.join(argv)}: exit status {result.status}\n" + "\n".join(said)
