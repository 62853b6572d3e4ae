"""The help screen: every key, and the commands typed instead in `--plain` or piped play.

Shown in the pager (`?` during play, Help on the title screen), so it never buries the story
in the scrollback. The keys and the typed commands both come from the table of commands
(`her_if.play.command_table`), as piped play's `help` and the bar do, so none can drift.
"""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples

from her_if.play.command_table import help_rows, keyed
from her_if.play.tui.markup import wrap_fragments
from her_if.play.tui.render import NEWLINE

_KEY_COLUMN = 18


def help_fragments(width: int, *, saves: bool = True, reload: bool = False) -> StyleAndTextTuples:
    keys = [
        ("↑ ↓  j k  Tab", "move between the choices"),
        ("1 to 9", "take that choice at once"),
        ("Enter  Space", "take the highlighted choice (at a pause: go on)"),
    ]
    keys += [
        (str(c.key), c.key_help + (c.saving_adds if saves else ""))
        for c in keyed(saves=saves, reload=reload)
    ]
    keys += [
        ("Ctrl-C  Ctrl-D", "quit from anywhere" + (", saving your progress" if saves else "")),
        ("Ctrl-Z", "suspend the game (the shell's fg brings it back), where the system can"),
        (
            "any key",
            "while a scene is being revealed: show the rest of it at once (keys typed "
            "before the choices appear are dropped, never taken as a choice)",
        ),
    ]
    out: StyleAndTextTuples = [("class:help.heading", "Keys"), NEWLINE, NEWLINE]
    for key, what in keys:
        out += _row(key, what, width)
    out += [NEWLINE]
    out += _paragraph(
        "In the history and in this help, ↑ ↓, PgUp PgDn, Home and End scroll; q or Esc "
        "closes. In a list (loading, a question) Esc or q goes back. Where you type a save's "
        "name, Esc cancels (q there is just a letter), Tab completes the name of a slot, and "
        "Enter alone saves under the name offered.",
        width,
    )
    out += [NEWLINE, ("class:help.heading", "Typed commands"), NEWLINE, NEWLINE]
    out += _paragraph(
        "With --plain (or TERM=dumb), or with input from a pipe, the game reads a line at a "
        "time instead of keys (NO_COLOR keeps this screen and only drops its colours):",
        width,
    )
    out.append(NEWLINE)
    for command, what in help_rows():
        out += _row(command, what, width)
    out += [NEWLINE]
    out += _paragraph("--no-pace shows each scene at once instead of a paragraph at a time.", width)
    return out


def _row(key: str, what: str, width: int) -> StyleAndTextTuples:
    """A key in its column, then what it does, wrapped under itself."""
    column = min(_KEY_COLUMN, max(width // 3, 4))
    body = wrap_fragments([("", what)], width, " " * column)
    label = f"  {key}"
    if len(label) >= column:  # too wide for the column: the key on a line of its own
        return [("class:help.key", label), NEWLINE, *body, NEWLINE]
    return [("class:help.key", label.ljust(column)), *body[1:], NEWLINE]


def _paragraph(text: str, width: int) -> StyleAndTextTuples:
    return [*wrap_fragments([("", text)], width), NEWLINE]
