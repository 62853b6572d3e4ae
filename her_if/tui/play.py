"""The interactive loop: a title menu, then show a scene, offer its choices, apply the one
taken, repeat; with keys beside the choices to save, load, undo, reload the story and quit."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from prompt_toolkit import print_formatted_text
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples

from her_if.engine import GameState, View, choose, start, view
from her_if.model import Story
from her_if.plain import Transcript, describe_save, roman
from her_if.reload import Broken, Reloading, broken_lines, reload_story, reloaded_lines
from her_if.replay import undo
from her_if.sanitize import clean
from her_if.saves import SaveError, Unreadable, list_saves, slot_path
from her_if.session import (
    Game,
    Loaded,
    Saving,
    load_game,
    new_game,
    played,
    progress_line,
    save_game,
    saved_line,
    suggest_slot,
)
from her_if.tui.menu import ChoiceMenu, Command
from her_if.tui.render import chosen_fragments, note_fragments, recap_fragments, scene_fragments
from her_if.tui.slots import CONTINUE, NEW, QUIT, ask_slot, confirm, pick_save, title_menu
from her_if.tui.style import STYLE
from her_if.watch import Watch

Clock = Callable[[], float]


def play_interactive(
    story: Story,
    *,
    transcript: Transcript | None = None,
    saving: Saving | None = None,
    slot: str | None = None,
    new: bool = False,
    reloading: Reloading | None = None,
    clock: Clock = time.monotonic,
) -> GameState:
    """Play until an ending or until the player quits; return the last state.

    With `saving`, the title menu comes first (unless `slot` names a save to resume, or `new`
    asks for a fresh game), the game autosaves after every choice and on quitting, and the `s`
    and `l` keys save and load. Without it nothing touches the disk; `u` undoes either way.
    With `reloading`, `r` reads the story again, keeping the player's place, and so does any
    change to the files it watches while the choices are up.
    """
    watch = Watch(reloading.watch) if reloading is not None and reloading.watch else None
    if saving is None:
        return _play(story, new_game(story), None, transcript, saving, reloading, watch, clock)
    opened = _open(story, saving, slot, new)
    if opened is None:
        _print(note_fragments("Goodbye."))
        return start(story)
    game, loaded = opened
    return _play(story, game, loaded, transcript, saving, reloading, watch, clock)


def _open(
    story: Story, saving: Saving, slot: str | None, new: bool
) -> tuple[Game, Loaded | None] | None:
    """The game to play: the named slot, a new one, or what the title menu picks; None to quit."""
    if new:
        return new_game(story, slot=slot), None
    if slot is not None:
        if not os.path.lexists(slot_path(saving.folder, slot)):
            return new_game(story, slot=slot), None
        loaded = _load(story, saving, slot)
        if loaded is not None:
            return loaded.game, loaded
    _print([("", "\n"), ("class:heading", clean(story.full_title).upper()), ("", "\n\n")])
    while True:
        listing = list_saves(saving.folder, story)
        picked = title_menu(listing)
        if picked == QUIT:
            return None
        if picked == NEW:
            return new_game(story, slot=slot), None
        chosen = listing.entries[0] if picked == CONTINUE else pick_save(listing)
        if chosen is None:
            continue
        if isinstance(chosen, Unreadable):
            _print(note_fragments(chosen.problem))
            continue
        loaded = _load(story, saving, chosen.slot)
        if loaded is not None:
            return loaded.game, loaded


def _play(
    story: Story,
    game: Game,
    loaded: Loaded | None,
    transcript: Transcript | None,
    saving: Saving | None,
    reloading: Reloading | None,
    watch: Watch | None,
    clock: Clock,
) -> GameState:
    act: str | None = None
    if loaded is not None and loaded.recap is not None:
        _print(recap_fragments(loaded.recap, _width()))
    written = game.state  # what the autosave (or the loaded file) already holds
    show = True
    commands: tuple[str, ...] = ("s", "l", "u") if saving is not None else ("u",)
    if reloading is not None:
        commands += ("r",)
    poll = None if watch is None else lambda: "r" if watch.changed() else None
    while True:
        shown = view(story, game.state)
        if show:
            _print(scene_fragments(shown, _width(), new_act=shown.act.id != act))
            act = shown.act.id
            if transcript is not None:
                transcript.scene(shown)
        show = True
        if saving is not None and game.state != written:
            _autosave(story, saving, game)
            written = game.state
        if shown.ending is not None:
            return game.state
        since = clock()
        bar = partial(toolbar, shown, saves=saving is not None, reload=reloading is not None)
        picked = ChoiceMenu(shown.choices, bar, commands=commands, poll=poll).run()
        game = played(game, clock() - since)
        if picked is None:
            _quit(story, saving, game)
            return game.state
        if isinstance(picked, Command):
            if picked.key == "u":
                before = undo(story, game.state)
                if before is None:
                    _print(note_fragments("Nothing to undo: this is the start of the story."))
                    show = False
                else:
                    title = story.scenes[before.scene].title
                    _print(note_fragments(f"Undone: back to {title}."))
                    game = replace(game, state=before)
            elif picked.key == "s" and saving is not None:
                game = _save(story, saving, game)
                show = False
            elif picked.key == "l" and saving is not None:
                chosen = _pick(story, saving)
                if chosen is None:
                    show = False
                else:
                    game, act, written = chosen.game, None, chosen.game.state
                    if chosen.recap is not None:
                        _print(recap_fragments(chosen.recap, _width()))
            elif picked.key == "r" and reloading is not None:
                reloaded = _reload(reloading, watch, story, game)
                if reloaded is None:
                    show = False
                else:  # the scene is shown again, as it reads now
                    story, game = reloaded
            continue
        offer = shown.offer(picked)
        assert offer is not None  # the menu offers only these choices
        _print(chosen_fragments(offer.text))
        if transcript is not None:
            transcript.chosen(offer.text)
        game = replace(game, state=choose(story, game.state, picked))


def toolbar(
    shown: View, width: int, *, saves: bool = True, reload: bool = False
) -> StyleAndTextTuples:
    """Where the player is, then the keys; the keys shrink first when the terminal is narrow."""
    place = f" Act {roman(shown.act.number)}: {clean(shown.act.title)} | {clean(shown.title)} "
    commands = "s: save  l: load  u: undo" if saves else "u: undo"
    letters = "s/l/u" if saves else "u"
    if reload:
        commands += "  r: reload"
        letters += "/r"
    for keys in (
        f"{'Enter: continue' if shown.pause else 'arrows/digits: choose  Enter: take'}  "
        f"{commands}  q: quit",
        f"{'Enter' if shown.pause else '1-9  Enter'}  {commands}  q: quit",
        f"{'u: undo' if letters == 'u' else letters}  q: quit",
        "q: quit",
    ):
        if len(place) + len(keys) + 3 <= width:
            break
    gap = " " * max(1, width - len(place) - len(keys) - 2)
    return [
        ("class:toolbar", place[: max(width - len(keys) - 3, 8)] + gap),
        ("class:toolbar.key", f" {keys} "),
    ]


def _reload(
    reloading: Reloading, watch: Watch | None, story: Story, game: Game
) -> tuple[Story, Game] | None:
    """The story read again and the game carried onto it; None, with the errors shown, when
    it does not load (the caller goes on with the story it has)."""
    if watch is not None:
        watch.mark()  # what is read now must not be reloaded a second time by the watch
    outcome = reload_story(reloading.load, story, game.state)
    if isinstance(outcome, Broken):
        for line in broken_lines(outcome):
            _print(note_fragments(line))
        return None
    for line in reloaded_lines(outcome):
        _print(note_fragments(line))
    return outcome.story, replace(game, state=outcome.state)


def _save(story: Story, saving: Saving, game: Game) -> Game:
    """Ask for a slot (offering the game's own, or a new one) and save there."""
    listing = list_saves(saving.folder, story)
    existing = {entry.slot: entry for entry in listing.entries}
    taken = existing.keys() | {u.slot for u in listing.unreadable}
    slot = ask_slot(suggest_slot(game, taken), sorted(existing))
    if slot is None:
        _print(note_fragments("Not saved."))
        return game
    if slot in existing and slot != game.slot:
        _print(note_fragments(f"{slot} already holds {describe_save(existing[slot].save)}."))
        if not confirm("Replace it", "Keep it (do not save)"):
            _print(note_fragments("Not saved."))
            return game
    try:
        path = save_game(story, saving.folder, slot, game)
    except SaveError as err:
        _print(note_fragments(f"Not saved: {err}"))
        return game
    _print(note_fragments(saved_line(path)))
    return replace(game, slot=slot)


def _pick(story: Story, saving: Saving) -> Loaded | None:
    """The load list; a save the player picks and accepts, or None to stay in this game."""
    listing = list_saves(saving.folder, story)
    if not listing.entries and not listing.unreadable:
        _print(note_fragments("No saves yet: press s to save."))
        return None
    chosen = pick_save(listing)
    if chosen is None:
        return None
    if isinstance(chosen, Unreadable):
        _print(note_fragments(chosen.problem))
        return None
    return _load(story, saving, chosen.slot)


def _load(story: Story, saving: Saving, slot: str) -> Loaded | None:
    """Load a slot, telling the player what changed; when the history no longer applies in
    full, ask before going on from the furthest point it reaches."""
    try:
        loaded = load_game(story, saving.folder, slot)
    except SaveError as err:
        _print(note_fragments(str(err)))
        return None
    if loaded.change is not None:
        _print(note_fragments(loaded.change))
    if loaded.stop is not None and not confirm("Go on from there", "Back"):
        return None
    return loaded


def _autosave(story: Story, saving: Saving, game: Game) -> None:
    try:
        save_game(story, saving.folder, saving.autosave, game)
    except SaveError as err:
        _print(note_fragments(f"Not saved: {err}"))


def _quit(story: Story, saving: Saving | None, game: Game) -> None:
    """Save progress (a game that has not moved has none) and say where."""
    if saving is not None and game.state.history:
        try:
            _print(
                note_fragments(
                    progress_line(save_game(story, saving.folder, saving.autosave, game))
                )
            )
        except SaveError as err:
            _print(note_fragments(f"Not saved: {err}"))
    _print([("", "Goodbye.\n")])


def _width() -> int:
    return min(get_app_session().output.get_size().columns, 100)


def _print(fragments: StyleAndTextTuples) -> None:
    print_formatted_text(FormattedText(fragments), style=STYLE, end="")
