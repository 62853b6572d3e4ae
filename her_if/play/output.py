"""The streams plain and piped play write to, and the one place their text is cleaned.

Everything those front ends tell the player (a scene, a message quoting a save or a line
typed, a save's problem) is written to a stream made by `cleaned`, which passes it through
`her_if.core.sanitize.clean` on its way out: no caller cleans what it writes, and no message
can reach the terminal uncleaned, whoever words it.
"""

from __future__ import annotations

from typing import TextIO, cast

from her_if.core.sanitize import clean


def cleaned(stream: TextIO) -> TextIO:
    """`stream`, with every escape sequence and control character (but newline) taken out of
    what is written to it (a stream already cleaned is given back as it is)."""
    if isinstance(stream, _Cleaned):
        return stream
    return cast(TextIO, _Cleaned(stream))


def tee(screen: TextIO, record: TextIO) -> TextIO:
    """A stream writing to the terminal and to the transcript at once."""
    return cast(TextIO, _Tee(screen, record))


class _Cleaned:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(clean(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


class _Tee:
    def __init__(self, screen: TextIO, record: TextIO) -> None:
        self.screen = screen
        self.record = record

    def write(self, text: str) -> int:
        self.record.write(text)
        return self.screen.write(text)

    def flush(self) -> None:
        self.record.flush()
        self.screen.flush()
