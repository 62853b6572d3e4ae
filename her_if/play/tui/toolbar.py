"""The bar under the choices: where the player is, then the keys of the commands.

The keys are those of `her_if.play.command_table`, as the help screen's are, so the bar names
what the keys do in this game (no save keys without saving, `r` only when the story can be
read again).
"""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.utils import get_cwidth

from her_if.core.engine import View
from her_if.core.sanitize import clean
from her_if.core.wording import roman
from her_if.play.choices import stuck
from her_if.play.command_table import keyed
from her_if.play.tui.markup import cut


def toolbar(
    shown: View,
    width: int,
    *,
    slot: str | None = None,
    saves: bool = True,
    reload: bool = False,
) -> StyleAndTextTuples:
    """Where the player is (act, scene, slot), then the keys; as the terminal narrows, the keys
    shrink first, then the place, down to what a 40-column terminal holds."""
    act = f"Act {roman(shown.act.number)}"
    title = clean(shown.title)
    where = f" · {clean(slot)}" if slot else ""
    places = [
        f" {act}: {clean(shown.act.title)} · {title}{where} ",
        f" {act} · {title}{where} ",
        f" {act} · {title} ",
        f" {title} ",
    ]
    commands = [f"{c.key}: {c.name}" for c in keyed(saves=saves, reload=reload) if c.on_bar]
    letters = "/".join(c[0] for c in commands[:-2])
    take = "arrows/digits: choose  Enter: take"
    if stuck(shown):
        take = "nothing on offer"
    elif shown.pause:
        take = "Enter: continue"
    keys = [
        f"{take}  {'  '.join(commands)}",
        "  ".join(commands),
        f"{letters}  ?: help  q: quit",
        "?: help  q: quit",
        "?:help q:quit",
    ]
    for place, key in [
        (places[0], keys[0]),
        (places[0], keys[1]),
        (places[0], keys[2]),
        (places[1], keys[2]),
        (places[0], keys[3]),
        (places[1], keys[3]),
        (places[2], keys[3]),
        (places[2], keys[4]),
        (places[3], keys[3]),
        (places[3], keys[4]),
    ]:
        if get_cwidth(place) + get_cwidth(key) + 2 <= width:
            break
    else:  # the title alone, cut to what is left (in display columns), with an ellipsis
        room = width - get_cwidth(key) - 4
        place = f" {cut(title, room)} " if room >= 2 else ""
    gap = " " * max(width - get_cwidth(place) - get_cwidth(key) - 2, 0)
    return [("class:toolbar", place + gap), ("class:toolbar.key", cut(f" {key} ", max(width, 0)))]
