"""The commands of the terminal's keys that ask the player something first (a slot's name,
which save, whether to replace a game) or show a screen of their own (history, help).

Every other key runs its command from `her_if.play.command_table` as it is; these gather what
their command needs, run it (`her_if.play.commands`), and hand its outcome back to the loop to
show. A command the terminal must ask for, or show a screen for, is one entry in `ASKS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from her_if.persistence.saves import Unreadable, list_saves
from her_if.play.command_table import by_key, key_of
from her_if.play.commands import Outcome, Playing, default_slot, holds_line, load, save
from her_if.play.tui.endings_screen import endings_key
from her_if.play.tui.help import help_fragments
from her_if.play.tui.map_screen import show_map
from her_if.play.tui.pager import page
from her_if.play.tui.screen import Screen
from her_if.play.tui.settings_screen import settings_screen
from her_if.play.tui.slot_dialog import change_slot
from her_if.play.tui.slots import Change, ask_slot, confirm, pick_or_change
from her_if.play.tui.views_screen import journal_key, stats_key


def run_key(key: str, playing: Playing, screen: Screen) -> Outcome:
    """The command of a key: asked for what it needs on a screen of its own, or run as is."""
    command = by_key(key)
    asks = ASKS.get(command.name)
    if asks is not None:
        return asks(playing, screen)
    assert command.run is not None, f"{command.name} needs a screen of the terminal's own"
    return command.run(playing, "")


def _history(playing: Playing, screen: Screen) -> Outcome:
    page(screen.everything, "History", at_end=True)
    return Outcome(playing)


def _help(playing: Playing, screen: Screen) -> Outcome:
    saves, reload = playing.saving is not None, playing.reloading is not None
    page(partial(help_fragments, saves=saves, reload=reload), "Help")
    return Outcome(playing)


def _save(playing: Playing, screen: Screen) -> Outcome:
    """Ask for a slot (offering the game's own, or a new one) and save there; a slot holding
    another game is replaced only if the player says so."""
    assert playing.saving is not None
    listing = list_saves(playing.saving.folder, playing.story)
    slot = ask_slot(default_slot(playing, listing), sorted(e.slot for e in listing.entries))
    if slot is None:
        return Outcome(playing, ("Not saved.",))
    outcome = save(playing, slot)
    if outcome.occupied is None:
        return outcome
    screen.note(holds_line(outcome.occupied))
    if not confirm("Replace it", "Keep it (do not save)"):
        return Outcome(playing, ("Not saved.",))
    return save(playing, slot, replacing=True, agreed=outcome.occupied.save)


def _load(playing: Playing, screen: Screen) -> Outcome:
    """The load list; the save the player picks, or nothing to stay in this game. When its
    history no longer applies in full, what changed is told and the player asked first."""
    assert playing.saving is not None
    while True:  # until a pick: `d` and `n` delete and rename, then show the list again
        listing = list_saves(playing.saving.folder, playing.story)
        if not listing.entries and not listing.unreadable:
            return Outcome(playing, (f"No saves yet: press {key_of('save')} to save.",))
        chosen = pick_or_change(listing)
        if not isinstance(chosen, Change):
            break
        playing = change_slot(playing, chosen, screen.note)
    if chosen is None:
        return Outcome(playing)
    if isinstance(chosen, Unreadable):
        return Outcome(playing, (chosen.problem,))
    outcome = load(playing, chosen.slot)
    if outcome.loaded is None or outcome.loaded.stop is None:
        return outcome
    for line in (*outcome.said, *outcome.news):
        screen.note(line)
    if not confirm("Go on from there", "Back"):
        return Outcome(playing)
    return replace(outcome, said=(), news=())


ASKS: dict[str, Callable[[Playing, Screen], Outcome]] = {
    "save": _save,
    "load": _load,
    "history": _history,
    "help": _help,
    "endings": endings_key,
    "map": show_map,
    "stats": stats_key,
    "journal": journal_key,
    "settings": settings_screen,
}
"""The commands that ask for something first, or show a screen of their own."""
