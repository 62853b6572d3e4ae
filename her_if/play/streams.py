"""Characters the reader of an output stream can read.

A stream that cannot carry a character (an ASCII pipe, `PYTHONIOENCODING=ascii`, a C locale)
gets the ASCII stand-ins of `her_if.core.sanitize.encodable` from `use_stand_ins`, instead of a
`UnicodeEncodeError` or bytes the terminal shows as mojibake. It works at the stream, so every
line written, by whichever module, is covered. Cheap to import: every command uses it.

A stream that is closed (`>&-`, `<&-`), full (`/dev/full`) or whose reader has gone (a closed
pipe) is a `StreamLost` where it is read or written, or a plain `OSError` from standard output;
either way it unwinds to the one guard in `her_if.cli`, which says so in one line
(`lost_line`), after the game on the way has been saved.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, cast

from her_if.core.errors import HerIfError
from her_if.core.sanitize import encodable

STAND_INS = "her-if-stand-ins"
"""The codec error handler that writes a stand-in for what the encoding lacks."""


def _stand_in(problem: UnicodeError) -> tuple[str, int]:
    if not isinstance(problem, UnicodeEncodeError):
        raise problem
    text = problem.object[problem.start : problem.end]
    shown = encodable(text, problem.encoding)
    try:
        shown.encode(problem.encoding)
    except UnicodeEncodeError:  # what no encoding carries: a lone surrogate, from bad input
        shown = "?" * len(text)
    return shown, problem.end


codecs.register_error(STAND_INS, _stand_in)


def take_any_bytes(stream: TextIO) -> None:
    """Make `stream` (standard input) read bytes its encoding cannot decode as U+FFFD, rather
    than end play in a `UnicodeDecodeError`: a line typed in UTF-8 at an ASCII locale, or
    bytes that are no text at all, are answered as any line that is not a choice is."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="replace")


def carried_encoding(stream: TextIO) -> str | None:
    """The encoding the reader of `stream` expects.

    That is the stream's own, except in a C or POSIX locale chosen outright (`LC_ALL=C`),
    where Python writes UTF-8 (PEP 538, 540) to a reader that expects ASCII. A locale left
    unset entirely is taken as Python takes it (a bare container, most often behind a UTF-8
    terminal), and `PYTHONIOENCODING` or `PYTHONUTF8` set by hand is believed.
    """
    if os.environ.get("PYTHONIOENCODING") or os.environ.get("PYTHONUTF8"):
        return stream.encoding
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ascii" if value in ("C", "POSIX") else stream.encoding
    return stream.encoding


def use_stand_ins(stream: TextIO) -> None:
    """Make `stream` write ASCII stand-ins for what its reader's encoding cannot carry.

    Only a real text stream over bytes can be told (a `StringIO` carries everything)."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    wanted = carried_encoding(stream) or stream.encoding
    if codecs.lookup(wanted).name == codecs.lookup(stream.encoding).name:
        stream.reconfigure(errors=STAND_INS)
    else:
        stream.reconfigure(encoding=wanted, errors=STAND_INS)


STDIN, STDOUT = "standard input", "standard output"


class StreamLost(OSError, HerIfError):
    """Reading or writing one of the command's own streams failed: standard input, or a
    transcript (standard output needs no wrapping: any other OSError that reaches the guard
    without a file name is its). An OSError, so that every `except OSError` on the way (a
    front end saving the game, a last message that may fail) treats it as one."""

    def __init__(self, stream: str, cause: OSError | None = None, *, reading: bool = False):
        super().__init__(
            errno.EBADF if cause is None else cause.errno,
            "closed" if cause is None else cause.strerror,
        )
        self.stream = stream
        self.reading = reading


def lost_line(err: OSError) -> str:
    """The one line that says which stream failed, why, and what to do about it."""
    lost = err if isinstance(err, StreamLost) else StreamLost(STDOUT, err)
    doing = "read" if lost.reading else "write to"
    return f"her-if: cannot {doing} {lost.stream}: {_why(lost)}"


def _why(lost: StreamLost) -> str:
    if lost.errno == errno.EBADF:
        if lost.reading:
            return "it is closed (<&-); give the choices there, or </dev/null for none"
        return "it is closed (>&-); send it somewhere, if only to >/dev/null"
    if lost.errno == errno.EPIPE:
        return "the program reading it has stopped (a closed pipe)"
    if lost.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "no space is left on the device; free some, or write elsewhere"
    return (lost.strerror or "failed").lower()


def lines_read(stream: Iterable[str], name: str = STDIN) -> Iterator[str]:
    """The lines of `stream`, a failure to read them (EIO, EBADF) being a `StreamLost`."""
    try:
        yield from stream
    except StreamLost:
        raise
    except OSError as err:
        raise StreamLost(name, err, reading=True) from err


def read_line(stream: TextIO, name: str = STDIN) -> str:
    """A line of `stream` ("" at its end), a failure to read it being a `StreamLost`."""
    try:
        return stream.readline()
    except StreamLost:
        raise
    except OSError as err:
        raise StreamLost(name, err, reading=True) from err


def named(stream: TextIO, name: str) -> TextIO:
    """`stream`, each failure to write, flush or close it being a `StreamLost` named `name`
    (a transcript file: `the transcript out.txt`), so the guard says which output failed."""
    return cast(TextIO, _Named(stream, name))


class _Named:
    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream = stream
        self.name = name
        self.encoding = stream.encoding

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as err:
            raise StreamLost(self.name, err) from err

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as err:
            raise StreamLost(self.name, err) from err

    def close(self) -> None:
        try:
            self.stream.close()  # the file is closed even when this last flush fails
        except OSError as err:
            raise StreamLost(self.name, err) from err

    def isatty(self) -> bool:
        return False


def hold_closed_streams() -> None:
    """Stand in for the standard streams the process was started without (`>&-`, `<&-`,
    `2>&-`), which Python leaves as None, so that nothing fails on an attribute of None.

    Reading standard input or writing standard output then raises `StreamLost` ("it is
    closed"); standard error takes what is written and drops it, since a closed stderr is
    asked for and the exit status still tells. Each closed descriptor is also filled with
    /dev/null, so that no file the game opens (a save being written) becomes descriptor 1 or
    2, where a stray write meant for the terminal would land in it.
    """
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is not None:
            continue
        _fill(fd)
        if name == "stderr":
            sys.stderr = _dropping(fd)
        else:
            setattr(sys, name, _Closed(STDIN if fd == 0 else STDOUT, reading=fd == 0))


def _dropping(fd: int) -> TextIO:
    """A stream onto `fd` (/dev/null by now), open for the process's life as stderr is."""
    return open(fd, "w", encoding="utf-8", errors="replace", closefd=False)


def _fill(fd: int) -> None:
    try:
        os.fstat(fd)
        return  # something of the process's own holds it already
    except OSError:
        pass
    nothing = os.open(os.devnull, os.O_RDWR)
    if nothing != fd:
        os.dup2(nothing, fd)
        os.close(nothing)


class _Closed:
    """A standard stream that is not there: every read or write is a `StreamLost`."""

    encoding = "utf-8"

    def __init__(self, name: str, *, reading: bool) -> None:
        self.name = name
        self.reading = reading

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no descriptor: the stream is closed")

    def flush(self) -> None:
        pass  # nothing is ever held to flush

    def write(self, text: str) -> int:
        raise StreamLost(self.name, reading=self.reading)

    def readline(self, size: int = -1) -> str:
        raise StreamLost(self.name, reading=self.reading)

    def __iter__(self) -> _Closed:
        return self

    def __next__(self) -> str:
        return self.readline()


def terminal_columns(fallback: int) -> int:
    """The columns of the terminal on standard output, as `shutil.get_terminal_size` counts
    them ($COLUMNS first), or `fallback`; written here because shutil costs every start 2 ms
    of imports (its archive formats) for these few lines."""
    with_env = os.environ.get("COLUMNS", "")
    if with_env.isdigit() and int(with_env) > 0:
        return int(with_env)
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return fallback
    return columns or fallback
