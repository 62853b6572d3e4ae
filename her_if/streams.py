"""Characters the reader of an output stream can read.

A stream that cannot carry a character (an ASCII pipe, `PYTHONIOENCODING=ascii`, a C locale)
gets the ASCII stand-ins of `her_if.sanitize.encodable` from `use_stand_ins`, instead of a
`UnicodeEncodeError` or bytes the terminal shows as mojibake. It works at the stream, so every
line written, by whichever module, is covered. Cheap to import: every command uses it.
"""

from __future__ import annotations

import codecs
import io
import os
from typing import TextIO

from her_if.sanitize import encodable

STAND_INS = "her-if-stand-ins"
"""The codec error handler that writes a stand-in for what the encoding lacks."""


def _stand_in(problem: UnicodeError) -> tuple[str, int]:
    if not isinstance(problem, UnicodeEncodeError):
        raise problem
    text = problem.object[problem.start : problem.end]
    return encodable(text, problem.encoding), problem.end


codecs.register_error(STAND_INS, _stand_in)


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
