"""The interactive loop: a title screen, then show a scene, offer its choices, apply the one
taken, repeat; with keys beside the choices for the commands of `her_if.play.command_table`
(save, load, undo, reload, history, help, quit), which `her_if.play.commands` carry out. This
loop reads the keys, asks what a command needs asked (a slot's name, which save, whether to
replace a game), and shows the outcome.

Leaving is the same from anywhere (q at the choices; Ctrl-C or Ctrl-D on any screen, which
raise; the terminal hanging up or the process being told to stop, which raise `Hangup`): the
loop that holds the game saves it and says where, in one line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import partial

from her_if.core.engine import GameState, Offer, View, start, view
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.persistence.profile import Profile
from her_if.persistence.saves import Unreadable, list_saves
from her_if.play.chapters import chapters, start_chapter
from her_if.play.command_table import COMMANDS, key_of, keyed
from her_if.play.commands import (
    GOODBYE,
    Outcome,
    Playing,
    quit_game,
    take,
)
from her_if.play.endings import ending_lines, gallery_lines
from her_if.play.hangup import Hangup
from her_if.play.progress import moved, open_profile
from her_if.play.reload import Reloading
from her_if.play.session import Game, Loaded, Saving, lives_in, new_game, played
from her_if.play.settings import settings_of
from her_if.play.title import (
    TITLE_CHAPTER,
    TITLE_CONTINUE,
    TITLE_ENDINGS,
    TITLE_HELP,
    TITLE_NEW,
    TITLE_QUIT,
    Opened,
    new_game_line,
    open_save,
    picked_line,
    resume,
    unfinished,
)
from her_if.play.transcript import Transcript
from her_if.play.tui.endings_screen import pick_chapter, screen_fragments
from her_if.play.tui.help import help_fragments
from her_if.play.tui.key_commands import run_key
from her_if.play.tui.menu import ChoiceMenu, Command, Resized
from her_if.play.tui.pace import Pace
from her_if.play.tui.pager import page
from her_if.play.tui.screen import Screen
from her_if.play.tui.slots import confirm, pick_save, title_menu
from her_if.play.tui.terminal import terminal
from her_if.play.tui.toolbar import toolbar
from her_if.play.watch import Watch
from her_if.play.wrapping import paths_of

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
        keep = paths_of(story, saving.folder if saving is not None else None)
        screen = Screen(story, transcript, pace, keep=keep)
        watch = Watch(reloading.watch) if reloading is not None and reloading.watch else None
        profile, said = open_profile(story, saving)
        playing = Playing(story, new_game(story), saving, reloading, watch, profile)
        _say(screen, said)
        screen.look(settings_of(playing))
        return _sessions(playing, screen, clock, slot, new)


def _sessions(
    playing: Playing, screen: Screen, clock: Clock, slot: str | None, new: bool
) -> GameState:
    """Games from the title screen, one after another, until the player leaves."""
    while True:
        opened: tuple[Game, Loaded | None] | None = None
        try:
            opened = (
                (playing.game, None)
                if playing.saving is None
                else _open(playing, screen, slot, new)
            )
        except (KeyboardInterrupt, EOFError):
            pass
        except Hangup:
            _goodbye(screen, (GOODBYE,))  # nothing played yet: nothing to save
            raise
        if opened is None:
            _goodbye(screen, (GOODBYE,))
            return start(playing.story)
        game, loaded = opened
        ended = _play(replace(playing, game=game), loaded, screen, clock)
        if not isinstance(ended, _ToTitle):
            return ended
        # from the ending, back to the title, with the story as it now reads
        playing = replace(
            playing, story=ended.story, game=new_game(ended.story), profile=ended.profile
        )
        slot, new = None, False


def _open(
    playing: Playing, screen: Screen, slot: str | None, new: bool
) -> tuple[Game, Loaded | None] | None:
    """The game to play: the named slot, a new one, or what the title screen picks; None to
    quit."""
    story, saving = playing.story, playing.saving
    assert saving is not None
    if new:
        return new_game(story, slot=slot), None
    if slot is not None:
        opened = resume(story, saving, slot)
        if opened is None:
            return new_game(story, slot=slot), None
        loaded = _accepted(opened, screen)
        if loaded is not None:
            return loaded.game, loaded
    return _title(playing, screen, slot)


def _title(playing: Playing, screen: Screen, slot: str | None) -> tuple[Game, Loaded | None] | None:
    """The title screen's menu, until it gives a game to play (None: quit)."""
    story, saving, profile = playing.story, playing.saving, playing.profile
    assert saving is not None
    screen.title(story)
    selected = 0
    while True:
        listing = list_saves(saving.folder, story)
        picked = title_menu(
            listing, story, selected=selected, laid_out_at=screen.laid_out_at, profile=profile
        )
        selected = 0
        if isinstance(picked, Resized):
            screen.again()
            selected = picked.selected
            continue
        if picked == TITLE_HELP:
            page(partial(help_fragments, saves=True, reload=playing.reloading is not None), "Help")
            continue
        if picked == TITLE_QUIT:
            return None
        if picked == TITLE_ENDINGS:
            page(lambda width: screen_fragments(gallery_lines(story, profile), width), "Endings")
            continue
        if picked == TITLE_CHAPTER and profile is not None:
            act = pick_chapter(chapters(story, profile))
            if act is not None:
                screen.chosen(f"Chapter select: {story.act(act).title}")
                return start_chapter(story, saving, profile, act), None
            continue
        if picked == TITLE_NEW:
            going_on = unfinished(listing, story)
            if going_on is not None:  # said before it starts: Continue will be the new game
                screen.note(new_game_line(going_on))
                if not confirm("Start a new game", "Back"):
                    continue
            screen.chosen("New game")
            return new_game(story, slot=slot), None
        chosen = listing.entries[0] if picked == TITLE_CONTINUE else pick_save(listing)
        if chosen is None:
            continue
        if isinstance(chosen, Unreadable):
            screen.note(chosen.problem)
            continue
        screen.chosen(picked_line(picked, chosen))
        loaded = _accepted(open_save(story, saving, chosen.slot), screen)
        if loaded is not None:
            return loaded.game, loaded


def _accepted(opened: Opened, screen: Screen) -> Loaded | None:
    """A save opened, telling the player what changed; when the history no longer applies
    in full, asking before going on from the furthest point it reaches."""
    _say(screen, opened.said)
    loaded = opened.loaded
    if loaded is None:
        return None
    if loaded.change is not None:
        screen.note(loaded.change)
    if loaded.stop is not None and not confirm("Go on from there", "Back"):
        return None
    return loaded


@dataclass
class _Shown:
    """What the screen shows of the game as the loop goes round: the act of the scene shown
    last, whether to show the scene (not after a resize, which shows it again itself) and to
    pace it (a scene reached by a choice), and the choice highlighted."""

    act: str | None = None
    scene: bool = True
    paced: bool = True
    selected: int = 0
    ended: GameState | None = None
    """The ending whose screen has been told (it is told once per arrival)."""


def _play(
    playing: Playing, loaded: Loaded | None, screen: Screen, clock: Clock
) -> GameState | _ToTitle:
    """The game from `playing` on: the state it is left in, or `_ToTitle` when the player
    goes back to the title screen from an ending."""
    shown = _Shown()
    written = playing.game.state  # what the autosave (or the loaded file) already holds
    since: float | None = None  # when the choices went up, while they are up
    try:
        if loaded is not None:
            screen.resumed(playing.story, loaded.game.state, loaded.recap)
        while True:
            scene = view(playing.story, playing.game.state)
            _show(screen, scene, shown)
            if playing.saving is not None and playing.game.state != written:
                playing = _tell(screen, moved(playing, written)).playing  # saved, profile too
                written = playing.game.state
            if scene.ending is not None and shown.ended is not playing.game.state:
                _say(screen, ending_lines(playing))  # the ending screen, once per arrival
                shown.ended = playing.game.state
            since = clock()
            picked = _menu(playing, scene, screen, shown)
            playing = replace(playing, game=played(playing.game, clock() - since))
            since, shown.selected = None, 0
            if isinstance(picked, Resized):
                screen.again()
                shown.scene, shown.selected = False, picked.selected
                continue
            if picked in (_TITLE, _QUIT):
                offers = _ending_offers(playing.saving is not None)
                screen.chosen(next(o.text for o in offers if o.id == picked), story=False)
                if picked == _TITLE:
                    return _ToTitle(playing.story, playing.profile)
                return _leave(screen, playing)
            if picked in _ENDING_KEYS or isinstance(picked, Command):
                key = picked.key if isinstance(picked, Command) else key_of(_ENDING_KEYS[picked])
                outcome = run_key(key, playing, screen)
                if outcome.stop:
                    _goodbye(screen, (*outcome.progress, *outcome.said))
                    return playing.game.state
                playing = _tell(screen, outcome).playing
                shown.scene = outcome.moved
                if outcome.loaded is not None:  # another game: it begins an act, and is on disk
                    shown.act, written = None, playing.game.state
                continue
            offer = scene.offer(str(picked))
            assert offer is not None  # the menu offers only these choices
            playing = take(playing, offer.id)
            screen.chosen(offer.echoed)  # after the choice is taken: should this fail, it is saved
            shown.paced = True
    except (KeyboardInterrupt, EOFError):
        if since is not None:
            playing = replace(playing, game=played(playing.game, clock() - since))
        return _leave(screen, playing)
    except (Hangup, OSError):  # an OSError: the transcript (or the terminal) failed
        _leave(screen, playing)
        raise


def _show(screen: Screen, scene: View, shown: _Shown) -> None:
    if shown.scene:
        screen.scene(scene, new_act=scene.act.id != shown.act, paced=shown.paced)
        shown.act = scene.act.id
    shown.scene, shown.paced = True, False


def _menu(playing: Playing, scene: View, screen: Screen, shown: _Shown) -> str | Command | Resized:
    """The choices (or an ending's offers) with the command keys beside them."""
    saves, reload = playing.saving is not None, playing.reloading is not None
    watch = playing.watch
    bar = partial(
        toolbar,
        scene,
        slot=lives_in(playing.saving, playing.game) if playing.saving is not None else None,
        saves=saves,
        reload=reload,
    )
    picked = ChoiceMenu(
        scene.choices if scene.ending is None else _ending_offers(saves),
        bar,
        closed=scene.closed if scene.ending is None else (),
        commands=tuple(str(c.key) for c in keyed(saves=saves, reload=reload)),
        poll=None if watch is None else lambda: key_of("reload") if watch.changed() else None,
        selected=shown.selected,
        laid_out_at=screen.laid_out_at,
        settled_at=screen.settled_at,
        back=(),  # q is the quit command's key
    ).run()
    assert picked is not None  # with no key to go back, only a command leaves the game
    return picked


@frozen
class _ToTitle:
    """From an ending, back to the title screen, with the story as it now reads (and the
    profile as the game left it)."""

    story: Story
    profile: Profile | None = None


_TITLE, _UNDO, _QUIT = "ending:title", "ending:undo", "ending:quit"
_ENDINGS, _MAP = "ending:endings", "ending:map"
_ENDING_CHOICES = {
    _TITLE: "Back to the title screen",
    _UNDO: "Undo the last choice",
    _QUIT: "Quit",  # third, as it always was: the offers a player knows keep their numbers
    **({_MAP: "The map of your paths"} if any(c.name == "map" for c in COMMANDS) else {}),
    _ENDINGS: "The endings you have found",
}
_ENDING_KEYS = {_UNDO: "undo", _ENDINGS: "endings", _MAP: "map"}
"""The ending's offers that run a command of a key, by the command's name."""


def _ending_offers(saves: bool) -> tuple[Offer, ...]:
    """What an ending offers instead of choices: the title screen (without saves there is
    none, so a new game), undoing the choice that led here, or quitting."""
    texts = {**_ENDING_CHOICES, **({} if saves else {_TITLE: "Play again from the start"})}
    return tuple(Offer(key, text, n) for n, (key, text) in enumerate(texts.items(), 1))


def _tell(screen: Screen, outcome: Outcome) -> Outcome:
    """A command's outcome on the screen: its messages, then a game loaded or a story read
    again."""
    screen.look(settings_of(outcome.playing))  # the settings may have changed
    _say(screen, (*outcome.said, *outcome.news))
    loaded = outcome.loaded
    if loaded is not None:
        screen.resumed(outcome.playing.story, loaded.game.state, loaded.recap)
    elif outcome.moved:  # a reload (or an undo): the story's characters may have changed
        screen.story_is(outcome.playing.story)
    return outcome


def _say(screen: Screen, lines: Iterable[str]) -> None:
    for line in lines:
        screen.note(line)


def _leave(screen: Screen, playing: Playing) -> GameState:
    """Quit: save, say where and goodbye; the state the game is left in."""
    outcome = quit_game(playing)
    _goodbye(screen, (*outcome.progress, *outcome.said))
    return playing.game.state


def _goodbye(screen: Screen, said: Iterable[str]) -> None:
    """The last lines, if the terminal can still take them (after a hangup it may be gone:
    the save is made by then, and a failed write must not become a traceback)."""
    with suppress(OSError):
        _say(screen, said)
