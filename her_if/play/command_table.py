"""The table of the player's commands: what each is called, typed and keyed, and its help.

Typed play's `help`, the terminal's help screen and its bar are all made from this table, and
typed play and the terminal's keys both find the command to run in it. Adding a command is
one function (`her_if.play.commands`) and one row here; with a key, the terminal binds it from
the row, and a command that shows a screen of its own (history, help) gets that screen in
`her_if.play.tui.play`.
"""

from __future__ import annotations

from collections.abc import Callable

from her_if.core.frozen import frozen
from her_if.play import commands, endings, paths, settings, slot_changes, views
from her_if.play.commands import Outcome, Playing

SAVES, RELOAD = "saves", "reload"
"""What a command `needs`: saving on, or a story that can be read again."""
OFF = {SAVES: "Saving is off in this game.", RELOAD: "Reloading is off in this game."}


@frozen
class Command:
    name: str
    run: Callable[[Playing, str], Outcome] | None
    """The command, given the game and what follows its word on a typed line; None for a key
    of the terminal's alone, which shows a screen of its own."""
    words: tuple[str, ...] = ()
    """What typed play takes for it (the name first), none when it is not typed."""
    usage: tuple[tuple[str, str], ...] = ()
    """Typed play's help: each form of the command and what it does (none: left unlisted)."""
    key: str | None = None
    """The terminal's key for it, if it has one."""
    key_help: str = ""
    saving_adds: str = ""
    """Said after `key_help` when the game is saved (quitting saves)."""
    needs: str | None = None
    on_bar: bool = True
    """Named on the terminal's bar. The screens between playthroughs (stats, the journal, the
    endings, the map, the settings) and redo are not: with them the bar would not fit 80
    columns, and the help screen (`?`, on the bar) lists every key."""

    def available(self, *, saves: bool, reload: bool) -> bool:
        return self.needs is None or (saves if self.needs == SAVES else reload)


COMMANDS = (
    Command(
        "save",
        commands.save_typed,
        ("save",),
        (
            ("save [NAME]", "save to a slot (letters, digits, - and _)"),
            ("save NAME!", "the same, replacing another game that the slot holds"),
        ),
        "s",
        "save to a slot you name (Tab completes a name, Enter takes the one offered)",
        needs=SAVES,
    ),
    Command(
        "load",
        commands.load,
        ("load",),
        (("load NAME", "load a slot"),),
        "l",
        "load a saved game",
        needs=SAVES,
    ),
    Command(
        "undo",
        lambda playing, _rest: commands.undo(playing),
        ("undo",),
        (("undo", "take back the last choice"),),
        "u",
        "undo the last choice, again and again, back to the start",
    ),
    Command(
        "redo",
        lambda playing, _rest: commands.redo(playing),
        ("redo",),
        (("redo", "take again the choice last undone"),),
        "U",
        "redo: take again the choice last undone, until you choose another",
        on_bar=False,
    ),
    Command(
        "map",
        paths.map_command,
        ("map",),
        (("map", "the map of your paths: scenes and decisions seen, this game's numbered"),),
        "m",
        "the map of your paths, and going back to a decision to choose again",
        on_bar=False,
    ),
    Command(
        "back",
        paths.back_command,
        ("back",),
        (("back N", "go back to decision N of this game to choose again (see 'map')"),),
    ),
    Command(
        "endings",
        endings.endings,
        ("endings",),
        (("endings", "the endings you have found, and those still locked"),),
        "e",
        "endings: those you have found, and those still locked",
        on_bar=False,
    ),
    Command(
        "stats",
        views.stats,
        ("stats",),
        (("stats", "what the story shows of where you stand"),),
        "t",
        "stats: what the story shows of where you stand",
        on_bar=False,
    ),
    Command(
        "journal",
        views.journal,
        ("journal",),
        (("journal", "the journal: what you have written so far"),),
        "w",  # j and k move through the choices
        "journal: what you have written so far",
        on_bar=False,
    ),
    Command(
        "saves",
        lambda playing, _rest: commands.list_slots(playing),
        ("saves",),
        (("saves", "list the slots"),),
        needs=SAVES,
    ),
    Command(
        "delete",
        slot_changes.delete_typed,
        ("delete",),
        (("delete NAME", "say what a slot holds; 'delete NAME!' deletes it, for good"),),
        needs=SAVES,
    ),
    Command(
        "rename",
        slot_changes.rename_typed,
        ("rename",),
        (("rename A B", "rename the save in slot A to B (never over another)"),),
        needs=SAVES,
    ),
    Command(
        "settings",
        settings.settings_command,
        ("settings",),
        (("settings", "list them; 'settings speed slow' (measure, margin, theme) changes one"),),
        "o",
        "settings: text speed, measure, margins, theme",
        on_bar=False,
    ),
    Command(
        "reload",
        lambda playing, _rest: commands.reload(playing),
        ("reload",),
        (("reload", "read the story again from disk, keeping your place"),),
        "r",
        "read the story again from disk, keeping your place",
        needs=RELOAD,
    ),
    Command(
        "history",
        None,
        key="h",
        key_help="history: this game's story from its start, to scroll back through",
    ),
    Command(
        "help", lambda playing, _rest: typed_help(playing), ("help",), key="?", key_help="this help"
    ),
    Command(
        "quit",
        lambda playing, _rest: commands.quit_game(playing),
        ("q", "quit", "exit"),
        (("quit", "save progress and stop"),),
        "q",
        "quit",
        saving_adds=", saving your progress",
    ),
)


def help_rows() -> list[tuple[str, str]]:
    """Typed play's commands as (form, what it does), in the table's order."""
    return [row for command in COMMANDS for row in command.usage]


def help_text() -> str:
    """Typed play's `help`."""
    rows = help_rows()
    column = max(len(form) for form, _what in rows)
    return "Type a choice's number or id, or a command:\n" + "".join(
        f"  {form:<{column}}  {what}\n" for form, what in rows
    )


HELP = help_text()
"""Typed play's `help`, as the table stands at start-up."""


def typed_help(playing: Playing) -> Outcome:
    return Outcome(playing, tuple(help_text().splitlines()))


def keyed(*, saves: bool, reload: bool) -> tuple[Command, ...]:
    """The commands with keys in a game with (or without) saving and reloading."""
    return tuple(
        c for c in COMMANDS if c.key is not None and c.available(saves=saves, reload=reload)
    )


def by_key(key: str) -> Command:
    return next(c for c in COMMANDS if c.key == key)


def key_of(name: str) -> str:
    """The key of the command called `name` (one that has a key)."""
    key = next(c.key for c in COMMANDS if c.name == name)
    assert key is not None
    return key


def typed(playing: Playing, line: str) -> Outcome | None:
    """A typed line that is not a choice, as a command: its outcome, or None when it names
    none. A command the game has not switched on (saving, reloading) says so."""
    word, _, rest = line.strip().partition(" ")
    found = next((c for c in COMMANDS if word.lower() in c.words), None)
    if found is None or found.run is None:
        return None
    saves, reload = playing.saving is not None, playing.reloading is not None
    if not found.available(saves=saves, reload=reload):
        return Outcome(playing, (OFF[found.needs or ""],))
    return found.run(playing, rest.strip())
