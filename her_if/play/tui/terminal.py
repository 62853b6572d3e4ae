"""The real terminal as the full-screen game writes to it: in characters the terminal can show,
and in colour only when colour is wanted.

Everything the game shows, printed scenes and drawn menus alike, reaches the terminal through
one `Output.write`, so that is where a terminal that cannot show `·`, `─`, `—` or `…` (a C
locale, `PYTHONIOENCODING=ascii`) gets the ASCII stand-ins of `her_if.core.sanitize.encodable`
instead of mojibake or a `UnicodeEncodeError`. `NO_COLOR` (no-color.org) keeps the game as it
is, with bold, italics and the highlight, and drops the colours.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prompt_toolkit.application import create_app_session
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.utils import get_cwidth

from her_if.core.sanitize import encodable
from her_if.play.streams import carried_encoding


class Terminal(Vt100_Output):
    """A VT100 terminal that is written only what its reader's `encoding` can carry."""

    carries: str | None = None
    """The encoding its reader expects (None: UTF-8)."""

    def write(self, data: str) -> None:
        super().write(shown(data, self.carries))


def shown(data: str, encoding: str | None) -> str:
    """`data` as a terminal in `encoding` can show it.

    A stand-in may be longer than what it stands for (`…` is `...`). Printed text is written
    a run at a time and can take that; but a drawn screen (a menu, the bar, the pager) is
    written a cell at a time, each cell where the layout put it, so a single character keeps
    its width: the start of its stand-in, or the stand-in padded.
    """
    text = encodable(data, encoding)
    if len(data) != 1 or text == data:
        return text
    width = get_cwidth(data)
    return text[:width].ljust(width)


def colour_depth() -> ColorDepth | None:
    """One bit (no colours: bold, italic and reverse stay) when `NO_COLOR` is set to anything;
    otherwise whatever prompt_toolkit works out from the terminal."""
    return ColorDepth.DEPTH_1_BIT if os.environ.get("NO_COLOR") else ColorDepth.from_env()


@contextmanager
def terminal() -> Iterator[None]:
    """The game's screens written through a `Terminal`, when they go to a real one (an output
    a test or a caller set up is left as it is)."""
    session = get_app_session()
    output = session.output
    if isinstance(output, Terminal) or type(output) is not Vt100_Output:
        yield
        return
    wrapped = Terminal(
        output.stdout,
        output.get_size,
        term=output.term,
        default_color_depth=colour_depth(),
        enable_bell=output.enable_bell,
        enable_cpr=output.enable_cpr,
    )
    wrapped.carries = carried_encoding(output.stdout)
    with create_app_session(input=session.input, output=wrapped):
        yield
