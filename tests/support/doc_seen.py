"""What the player sees, in the notation of the docs' ` ```text shows ` blocks: read from a
block (`expected`) and from the game (`seen`), to be compared (`as_compared`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from her_if.core.engine import choose, start, view
from her_if.core.model import CONTINUE, Story
from tests.support.doc_examples import Block

_MENU_LINE = re.compile(r"(\d+\.|-) ")


@dataclass(frozen=True)
class Seen:
    """What a ` ```text shows act.scene [seed N] [after ID ...] ` block says the player sees: in
    a game begun at the scene (with seed N, 0 by default), after taking the choices named
    (`continue` for a pause), if any. Its parts, separated by blank lines:

    - `> words`, first, if given: what the transcript says the last choice taken was (its echo);
    - the scene's paragraphs as the game shows them, each folded onto one line;
    - the menu, last, if given: `1. text` for each choice on offer, `- text (closed: reason)`
      for each shown closed. Without a menu, the menu is not compared.
    """

    echo: str | None
    paragraphs: tuple[str, ...]
    menu: tuple[str, ...] | None


def _fold(text: str) -> str:
    return " ".join(text.split())


def expected(block: Block) -> Seen:
    chunks = [c for c in re.split(r"\n\s*\n", block.body) if c.strip()]
    echo = None
    if chunks and chunks[0].startswith("> "):
        echo = _fold(chunks.pop(0)[2:])
    menu = None
    if chunks and all(_MENU_LINE.match(line) for line in chunks[-1].strip().splitlines()):
        menu = tuple(_fold(line) for line in chunks.pop().strip().splitlines())
    return Seen(echo, tuple(_fold(c) for c in chunks), menu)


def seen(story: Story, block: Block) -> Seen:
    """What the game shows at the end of the block's path, in the block's notation."""
    scene, *rest = block.tags[1:]
    seed = int(rest[rest.index("seed") + 1]) if "seed" in rest else 0
    steps = rest[rest.index("after") + 1 :] if "after" in rest else []
    state = start(story, scene, seed=seed)
    echo = None
    for step in steps:
        shown = view(story, state)
        offer = shown.offer(step)
        echo = offer.echoed if offer is not None else step
        if step == CONTINUE and shown.pause:
            echo = "Continue"
        state = choose(story, state, step)
    shown = view(story, state)
    menu = [f"{o.number}. {o.text}" for o in shown.choices]
    menu += [f"- {c.text} (closed: {c.reason})" for c in shown.closed]
    return Seen(echo, tuple(_fold(p) for p in shown.paragraphs), tuple(_fold(m) for m in menu))


def as_compared(want: Seen, got: Seen) -> Seen:
    """`got` with what `want` leaves out (no echo, no menu) left out too."""
    return Seen(
        got.echo if want.echo is not None else None,
        got.paragraphs,
        got.menu if want.menu is not None else None,
    )
