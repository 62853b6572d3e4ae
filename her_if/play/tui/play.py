"""The interactive loop: a title screen, then show a scene, offer its choices, apply the one
taken, repeat; with keys beside the choices to save, load, undo, reload the story, look back
through the history, read the help and quit.

Leaving is the same from anywhere (q at the choices; Ctrl-C or Ctrl-D on any screen, which
raise; the terminal hanging up or the process being told to stop, which raise `Hangup`): the
loop that holds the game saves it and says where, in one line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import partial

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.utils import get_cwidth

from her_if.core.engine import GameState, Offer, View, choose, start, view
from her_if.core.model import Story
from her_if.core.replay import undo
from her_if.core.sanitize import clean
from her_if.core.wording import roman
from her_if.persistence.saves import SaveError, Unreadable, list_saves, slot_path
from her_if.play.hangup import Hangup
from her_if.play.layout import CONTINUE, HELP, NEW, QUIT, Transcript, describe_save, paths_of
from her_if.play.reload import Broken, Reloading, broken_lines, reload_story, reloaded_lines
from her_if.play.session import (
    Game,
    Loaded,
    Occupied,
    Saving,
    autosave_game,
    lives_in,
    load_game,
    new_game,
    played,
    progress_line,
    save_over,
    save_to,
    saved_line,
    saved_notes,
    suggest_slot,
)
from her_if.play.tui.help import help_fragments
from her_if.play.tui.markup import cut
from her_if.play.tui.menu import ChoiceMenu, Command, Resized
from her_if.play.tui.pace import Pace
from her_if.play.tui.pager import page
from her_if.play.tui.screen import Screen
from her_if.play.tui.slots import ask_slot, confirm, pick_save, title_menu
from her_if.play.tui.terminal import terminal
from her_if.play.watch import Watch

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
    pace: Pace | None = None,
) -> GameState:
    """Play until an ending or until the player quits; return the last state.

    With `saving`, the title screen comes first (unless `slot` names a save to resume, or `new`
    asks for a fresh game), the game autosaves after every choice and on quitting, and the `s`
    and `l` keys save and load. Without it nothing touches the disk; `u` undoes either way.
    With `reloading`, `r` reads the story again, keeping the player's place, and so does any
    change to the files it watches while the choices are up. With `pace`, each scene reached
    by a choice is revealed a paragraph at a time. `Hangup` is re-raised after the save.
    """
    with terminal():
        return _interactive(story, transcript, saving, slot, new, reloading, clock, pace)


def _interactive(
    story: Story,
    transcript: Transcript | None,
    saving: Saving | None,
    slot: str | None,
    new: bool,
    reloading: Reloading | None,
    clock: Clock,
    pace: Pace | None,
) -> GameState:
    keep = paths_of(story, saving.folder if saving is not None else None)
    screen = Screen(story, transcript, pace, keep=keep)
    watch = Watch(reloading.watch) if reloading is not None and reloading.watch else None
    while True:
        opened: tuple[Game, Loaded | None] | None = None
        try:
            opened = (
                (new_game(story), None)
                if saving is None
                else _open(story, saving, slot, new, screen, reload=reloading is not None)
            )
        except (KeyboardInterrupt, EOFError):
            pass
        except Hangup:
            _goodbye(screen, [])  # nothing played yet: nothing to save
            raise
        if opened is None:
            _goodbye(screen, [])
            return start(story)
        game, loaded = opened
        ended = _play(story, game, loaded, screen, saving, reloading, watch, clock)
        if not isinstance(ended, _ToTitle):
            return ended
        story, slot, new = ended.story, None, False  # from the ending, back to the title


def _open(
    story: Story, saving: Saving, slot: str | None, new: bool, screen: Screen, *, reload: bool
) -> tuple[Game, Loaded | None] | None:
    """The game to play: the named slot, a new one, or what the title screen picks; None to
    quit."""
    if new:
        return new_game(story, slot=slot), None
    if slot is not None:
        if not os.path.lexists(slot_path(saving.folder, slot)):
            return new_game(story, slot=slot), None
        loaded = _load(story, saving, slot, screen)
        if loaded is not None:
            return loaded.game, loaded
    screen.title(story)
    selected = 0
    while True:
        listing = list_saves(saving.folder, story)
        picked = title_menu(listing, story, selected=selected, laid_out_at=screen.laid_out_at)
        selected = 0
        if isinstance(picked, Resized):
            screen.again()
            selected = picked.selected
            continue
        if picked == HELP:
            page(partial(help_fragments, saves=True, reload=reload), "Help")
            continue
        if picked == QUIT:
            return None
        if picked == NEW:
            screen.chosen("New game")
            return new_game(story, slot=slot), None
        chosen = listing.entries[0] if picked == CONTINUE else pick_save(listing)
        if chosen is None:
            continue
        if isinstance(chosen, Unreadable):
            screen.note(chosen.problem)
            continue
        what = "Continue" if picked == CONTINUE else f"Load {chosen.slot}"
        screen.chosen(f"{what}: {describe_save(chosen.save)}")
        loaded = _load(story, saving, chosen.slot, screen)
        if loaded is not None:
            return loaded.game, loaded


def _play(
    story: Story,
    game: Game,
    loaded: Loaded | None,
    screen: Screen,
    saving: Saving | None,
    reloading: Reloading | None,
    watch: Watch | None,
    clock: Clock,
) -> GameState | _ToTitle:
    """The game from `game` on: the state it is left in, or `_ToTitle` when the player
    goes back to the title screen from an ending."""
    act: str | None = None
    written = game.state  # what the autosave (or the loaded file) already holds
    show, paced, selected = True, True, 0
    since: float | None = None  # when the choices went up, while they are up
    commands: tuple[str, ...] = ("s", "l", "u") if saving is not None else ("u",)
    if reloading is not None:
        commands += ("r",)
    commands += ("h", "?")
    poll = None if watch is None else lambda: "r" if watch.changed() else None
    try:
        if loaded is not None:
            screen.resumed(story, loaded.game.state, loaded.recap)
        while True:
            shown = view(story, game.state)
            if show:
                screen.scene(shown, new_act=shown.act.id != act, paced=paced)
                act = shown.act.id
            show, paced = True, False
            if saving is not None and game.state != written:
                game = _autosave(story, saving, game, screen)
                written = game.state
            since = clock()
            bar = partial(
                toolbar,
                shown,
                slot=lives_in(saving, game) if saving is not None else None,
                saves=saving is not None,
                reload=reloading is not None,
            )
            offers = shown.choices if shown.ending is None else _ending_offers(saving is not None)
            picked = ChoiceMenu(
                offers,
                bar,
                commands=commands,
                poll=poll,
                selected=selected,
                laid_out_at=screen.laid_out_at,
                settled_at=screen.settled_at,
            ).run()
            game, since, selected = played(game, clock() - since), None, 0
            if picked is None:
                _goodbye(screen, _save_progress(story, saving, game))
                return game.state
            if isinstance(picked, Resized):
                screen.again()
                show, selected = False, picked.selected
                continue
            if picked == _UNDO:
                picked = Command("u")
            if picked in (_TITLE, _QUIT):
                screen.chosen(next(o.text for o in offers if o.id == picked), story=False)
                if picked == _TITLE:
                    return _ToTitle(story)
                _goodbye(screen, _save_progress(story, saving, game))
                return game.state
            if isinstance(picked, Command):
                after = _command(picked.key, story, game, screen, saving, reloading, watch)
                story, game, show = after.story, after.game, after.show
                if after.other:  # another game: its scene begins an act, and it is on disk
                    act, written = None, game.state
                continue
            offer = shown.offer(picked)
            assert offer is not None  # the menu offers only these choices
            game = replace(game, state=choose(story, game.state, picked))
            screen.chosen(offer.text)  # after the choice is taken: should this fail, it is saved
            paced = True
    except (KeyboardInterrupt, EOFError):
        if since is not None:
            game = played(game, clock() - since)
        _goodbye(screen, _save_progress(story, saving, game))
        return game.state
    except (Hangup, OSError):  # an OSError: the transcript (or the terminal) failed
        _goodbye(screen, _save_progress(story, saving, game))
        raise


@dataclass(frozen=True)
class _ToTitle:
    """From an ending, back to the title screen, with the story as it now reads."""

    story: Story


_TITLE, _UNDO, _QUIT = "ending:title", "ending:undo", "ending:quit"
_ENDING_CHOICES = {
    _TITLE: "Back to the title screen",
    _UNDO: "Undo the last choice",
    _QUIT: "Quit",
}


def _ending_offers(saves: bool) -> tuple[Offer, ...]:
    """What an ending offers instead of choices: the title screen (without saves there is
    none, so a new game), undoing the choice that led here, or quitting."""
    texts = {**_ENDING_CHOICES, **({} if saves else {_TITLE: "Play again from the start"})}
    return tuple(Offer(key, text, n) for n, (key, text) in enumerate(texts.items(), 1))


@dataclass(frozen=True)
class _After:
    """What a command key leaves: the story and game to go on with, whether to show the
    scene again, and whether the game is another one (loaded)."""

    story: Story
    game: Game
    show: bool = False
    other: bool = False


def _command(
    key: str,
    story: Story,
    game: Game,
    screen: Screen,
    saving: Saving | None,
    reloading: Reloading | None,
    watch: Watch | None,
) -> _After:
    if key == "h":
        page(screen.everything, "History", at_end=True)
    elif key == "?":
        helped = partial(help_fragments, saves=saving is not None, reload=reloading is not None)
        page(helped, "Help")
    elif key == "u":
        before = undo(story, game.state)
        if before is None:
            screen.note("Nothing to undo: this is the start of the story.")
        else:
            screen.note(f"Undone: back to {clean(story.scenes[before.scene].title)}.")
            return _After(story, replace(game, state=before), show=True)
    elif key == "s" and saving is not None:
        return _After(story, _save(story, saving, game, screen))
    elif key == "l" and saving is not None:
        chosen = _pick(story, saving, screen)
        if chosen is not None:
            screen.resumed(story, chosen.game.state, chosen.recap)
            return _After(story, chosen.game, show=True, other=True)
    elif key == "r" and reloading is not None:
        reloaded = _reload(reloading, watch, story, game, screen)
        if reloaded is not None:  # the scene is shown again, as it reads now
            screen.story_is(reloaded[0])
            return _After(*reloaded, show=True)
    return _After(story, game)


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
    commands = ["s: save", "l: load"] if saves else []
    commands.append("u: undo")
    if reload:
        commands.append("r: reload")
    commands += ["h: history", "?: help", "q: quit"]
    letters = "/".join(c[0] for c in commands[:-2])
    take = "Enter: continue" if shown.pause else "arrows/digits: choose  Enter: take"
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


def _reload(
    reloading: Reloading, watch: Watch | None, story: Story, game: Game, screen: Screen
) -> tuple[Story, Game] | None:
    """The story read again and the game carried onto it; None, with the errors shown, when
    it does not load (the caller goes on with the story it has)."""
    if watch is not None:
        watch.mark()  # what is read now must not be reloaded a second time by the watch
    outcome = reload_story(reloading.load, story, game.state)
    if isinstance(outcome, Broken):
        for line in broken_lines(outcome):
            screen.note(line)
        return None
    for line in reloaded_lines(outcome):
        screen.note(line)
    return outcome.story, replace(game, state=outcome.state)


def _save(story: Story, saving: Saving, game: Game, screen: Screen) -> Game:
    """Ask for a slot (offering the game's own, or a new one) and save there."""
    listing = list_saves(saving.folder, story)
    existing = {entry.slot: entry for entry in listing.entries}
    taken = existing.keys() | {u.slot for u in listing.unreadable}
    slot = ask_slot(suggest_slot(game, taken), sorted(existing))
    if slot is None:
        screen.note("Not saved.")
        return game
    try:
        saved = save_to(story, saving, game, slot)
        if isinstance(saved, Occupied):  # another game: replaced only if the player says so
            screen.note(f"{slot} already holds {describe_save(saved.save)}.")
            if not confirm("Replace it", "Keep it (do not save)"):
                screen.note("Not saved.")
                return game
            saved = save_over(story, saving, game, slot, agreed=saved.save)
    except SaveError as err:
        screen.note(f"Not saved: {err}")
        return game
    for note in saved_notes(saved):
        screen.note(note)
    screen.note(saved_line(saved.path))
    return saved.game


def _pick(story: Story, saving: Saving, screen: Screen) -> Loaded | None:
    """The load list; a save the player picks and accepts, or None to stay in this game."""
    listing = list_saves(saving.folder, story)
    if not listing.entries and not listing.unreadable:
        screen.note("No saves yet: press s to save.")
        return None
    chosen = pick_save(listing)
    if chosen is None:
        return None
    if isinstance(chosen, Unreadable):
        screen.note(chosen.problem)
        return None
    return _load(story, saving, chosen.slot, screen)


def _load(story: Story, saving: Saving, slot: str, screen: Screen) -> Loaded | None:
    """Load a slot, telling the player what changed; when the history no longer applies in
    full, ask before going on from the furthest point it reaches."""
    try:
        loaded = load_game(story, saving.folder, slot)
    except SaveError as err:
        screen.note(str(err))
        return None
    if loaded.change is not None:
        screen.note(loaded.change)
    if loaded.stop is not None and not confirm("Go on from there", "Back"):
        return None
    return loaded


def _autosave(story: Story, saving: Saving, game: Game, screen: Screen) -> Game:
    """Save after a choice; the game comes back marked as autosaved once it is."""
    try:
        autosaved = autosave_game(story, saving, game)
    except SaveError as err:
        screen.note(f"Not saved: {err}")
        return game
    for note in saved_notes(autosaved):
        screen.note(note)
    return autosaved.game


def _save_progress(story: Story, saving: Saving | None, game: Game) -> list[str]:
    """On leaving: save, and the lines saying where (none when there was nothing to save: no
    saving, or a game that has not moved)."""
    if saving is None or not game.state.history:
        return []
    try:
        autosaved = autosave_game(story, saving, game)
    except SaveError as err:
        return [f"Not saved: {err}"]
    return [*saved_notes(autosaved), progress_line(autosaved.path)]


def _goodbye(screen: Screen, said: list[str]) -> None:
    """The last lines, if the terminal can still take them (after a hangup it may be gone:
    the save is made by then, and a failed write must not become a traceback)."""
    with suppress(OSError):
        for line in [*said, "Goodbye."]:
            screen.note(line)
