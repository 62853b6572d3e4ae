"""The player's commands, written once for every front end.

Each command takes the game in progress (`Playing`) and returns an `Outcome`: the game to go
on with and what to tell the player. The front ends only read input (a line typed, a key, the
answer to a dialog), call the command, and render its outcome; none of them words a message
or touches a save itself. Which commands there are, with their words, keys and help, is the
table in `her_if.play.command_table`.

Nothing here cleans what it says, though a message may quote a save or the story: the outputs
do, once (`her_if.play.output.cleaned` for plain and piped play, the notes of the terminal's
screen, the transcript's notes).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from her_if.core.engine import ChoiceError, choose
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, Story
from her_if.core.replay import undo as undone
from her_if.loading.diagnostics import display_path
from her_if.persistence.profile import Profile
from her_if.persistence.saves import Listing, Save, SaveError, check_slot, list_saves
from her_if.play.listings import describe_save, render_listing
from her_if.play.reload import Broken, Reloading, broken_lines, reload_story, reloaded_lines
from her_if.play.session import (
    Game,
    Loaded,
    Occupied,
    Saved,
    Saving,
    autosave_game,
    save_over,
    save_to,
    suggest_slot,
)
from her_if.play.watch import Watch

GOODBYE = "Goodbye."
REPLACE = "!"
"""Ends `save NAME!`: the player's yes to replacing another game in the slot."""


@frozen
class Playing:
    """The game in progress, as every command takes it: the story as it reads now, the game,
    where saves go (None: saving is off) and how the story is read again (None: reloading is
    off), with the watch on its files under `--watch`."""

    story: Story
    game: Game
    saving: Saving | None = None
    reloading: Reloading | None = None
    watch: Watch | None = None
    profile: Profile | None = None
    """What this player has found across playthroughs, and their settings (None: not kept,
    as when saving is off)."""


@frozen
class Outcome:
    """What a command did, for a front end to render."""

    playing: Playing
    """The game to go on with (the same one when nothing changed)."""
    said: tuple[str, ...] = ()
    """Messages, a line each, never broken by the plain front ends (they often name a file)."""
    news: tuple[str, ...] = ()
    """What changed in the story (a reload, a save brought onto an edited story), told as
    prose: the plain front ends wrap it to the width."""
    moved: bool = False
    """The player is somewhere else (an undo, a load, a reload): show the scene again."""
    loaded: Loaded | None = None
    """Another game, loaded: its recap to tell; with `stop`, the terminal asks first."""
    occupied: Occupied | None = None
    """A save refused: the slot holds another game the player has not agreed to replace."""
    stop: bool = False
    """The player leaves."""
    progress: tuple[str, ...] = ()
    """What became of the save on leaving (piped play tells it on standard error)."""
    title: str = ""
    """The heading of `screen`."""
    screen: tuple[str, ...] = ()
    """A screen of its own to show (stats, the journal, the endings, the map, the settings):
    plain lines, printed as they are by typed play and paged by the terminal."""


def take(playing: Playing, choice: str) -> Playing:
    """A choice on offer taken. The moves undone stay to be redone while this is the next of
    them; any other choice drops them, since the game has gone another way."""
    story, game = playing.story, playing.game
    redo = game.redo[1:] if game.redo[:1] == (choice,) else ()
    state = choose(story, game.state, choice)
    return replace(playing, game=replace(game, state=state, redo=redo))


def undo(playing: Playing) -> Outcome:
    game = playing.game
    before = undone(playing.story, game.state)
    if before is None:
        return Outcome(playing, ("Nothing to undo: this is the start of the story.",))
    title = playing.story.scenes[before.scene].title
    redo = game.state.history[len(before.history) :] + game.redo
    game = replace(game, state=before, redo=redo)
    return Outcome(replace(playing, game=game), (f"Undone: back to {title}.",), moved=True)


def redo(playing: Playing) -> Outcome:
    """Take again the choice undone last, and the pauses after it, up to the next decision:
    where the undo left from. Nothing when no choice has been undone since the last one
    taken."""
    story, start = playing.story, playing
    if not playing.game.redo:
        return Outcome(playing, ("Nothing to redo: no choice has been undone since the last.",))
    try:
        playing = take(playing, playing.game.redo[0])
        while playing.game.redo[:1] == (CONTINUE,) and story.scenes[playing.game.state.scene].pause:
            playing = take(playing, CONTINUE)
    except ChoiceError:  # the story was read again since the undo, and goes another way
        game = replace(start.game, redo=())
        said = "Nothing to redo: the story has changed since the undo."
        return Outcome(replace(start, game=game), (said,))
    title = story.scenes[playing.game.state.scene].title
    return Outcome(playing, (f"Redone: on to {title}.",), moved=True)


def save(
    playing: Playing, name: str = "", *, replacing: bool = False, agreed: Save | None = None
) -> Outcome:
    """Save to the slot `name` (the one offered when it is empty). A slot holding another game
    is `occupied`, with nothing written, unless `replacing` (the player said yes); with
    `agreed`, the game they were shown, replaced only while the slot still holds it."""
    saving = saving_of(playing)
    story, game = playing.story, playing.game
    try:
        slot = check_slot(name) if name else default_slot(playing)
        saved: Saved | Occupied
        if replacing:
            saved = save_over(story, saving, game, slot, agreed=agreed)
        else:
            saved = save_to(story, saving, game, slot)
    except SaveError as err:
        return Outcome(playing, (f"Not saved: {err}",))
    if isinstance(saved, Occupied):
        return Outcome(playing, occupied=saved)
    said = (*saved_notes(saved), saved_line(saved.path))
    return Outcome(replace(playing, game=saved.game), said)


def save_typed(playing: Playing, name: str) -> Outcome:
    """`save [NAME]`; `save NAME!` (or `save !`) replaces another game in the slot."""
    confirmed = name.endswith(REPLACE)
    name = name.removesuffix(REPLACE).strip()
    outcome = save(playing, name, replacing=confirmed)
    if outcome.occupied is None:
        return outcome
    return replace(outcome, said=(replace_hint(outcome.occupied),))


def replace_hint(occupied: Occupied) -> str:
    """Why a typed save was refused, and how to confirm replacing what is there."""
    return (
        f"Not saved: {display_path(occupied.path)} holds a game this one does not go "
        f"on from ({describe_save(occupied.save)}); type 'save {occupied.slot}{REPLACE}' to "
        "replace it, or save under another name."
    )


def holds_line(occupied: Occupied) -> str:
    """What the slot holds, said before the terminal asks whether to replace it."""
    return f"{occupied.slot} already holds {describe_save(occupied.save)}."


def default_slot(playing: Playing, listing: Listing | None = None) -> str:
    """The slot a save with no name goes to (`her_if.play.session.suggest_slot`), among the
    slots of `listing` (the saves folder's, read now, if not given)."""
    listing = listing or list_saves(saving_of(playing).folder, playing.story)
    taken = {e.slot for e in listing.entries} | {u.slot for u in listing.unreadable}
    return suggest_slot(playing.game, taken)


def load(playing: Playing, slot: str) -> Outcome:
    """Another game, from a slot: what changed in the story since it was saved is news."""
    if not slot:
        return Outcome(playing, ("Load which slot? Type 'load NAME'; 'saves' lists them.",))
    from her_if.play.title import open_save  # the title screen's own module, needed only here

    opened = open_save(playing.story, saving_of(playing), slot)
    loaded = opened.loaded
    if loaded is None:
        return Outcome(playing, opened.said)
    news = () if loaded.change is None else (loaded.change,)
    said = (f"Loaded {display_path(loaded.path)}.",)
    playing = replace(playing, game=loaded.game)
    return Outcome(playing, said, news, moved=True, loaded=loaded)


def list_slots(playing: Playing) -> Outcome:
    """`saves`: the slots, newest first."""
    listing = list_saves(saving_of(playing).folder, playing.story)
    return Outcome(playing, tuple(render_listing(listing).splitlines()))


def reload(playing: Playing) -> Outcome:
    """The story read again and the game carried onto it; when it does not load, its errors
    (and play goes on with the story it has)."""
    if playing.watch is not None:
        playing.watch.mark()  # what is read now must not be reloaded a second time by the watch
    assert playing.reloading is not None, "the table offers reload only with reloading"
    outcome = reload_story(playing.reloading.load, playing.story, playing.game.state)
    if isinstance(outcome, Broken):
        return Outcome(playing, tuple(broken_lines(outcome)))
    game = replace(playing.game, state=outcome.state)
    playing = replace(playing, story=outcome.story, game=game)
    return Outcome(playing, news=tuple(reloaded_lines(outcome)), moved=True)


def quit_game(playing: Playing) -> Outcome:
    """Save progress, say where, and stop."""
    return Outcome(playing, (GOODBYE,), stop=True, progress=save_progress(playing))


def autosave(playing: Playing) -> Outcome:
    """Save after a choice; the game comes back marked as autosaved once it is."""
    try:
        autosaved = autosave_game(playing.story, saving_of(playing), playing.game)
    except SaveError as problem:
        return Outcome(playing, (f"Not saved: {problem}",))
    return Outcome(replace(playing, game=autosaved.game), tuple(saved_notes(autosaved)))


def save_progress(playing: Playing) -> tuple[str, ...]:
    """On leaving: save, and the lines saying where (none when there was nothing to save: no
    saving, or a game that has not moved)."""
    if playing.saving is None or not playing.game.state.history:
        return ()
    try:
        autosaved = autosave_game(playing.story, playing.saving, playing.game)
    except SaveError as problem:
        return (f"Not saved: {problem}",)
    return (*saved_notes(autosaved), progress_line(autosaved.path))


def saving_of(playing: Playing) -> Saving:
    assert playing.saving is not None, "the table offers saving commands only with saving"
    return playing.saving


def progress_line(path: Path) -> str:
    return f"Progress saved to {display_path(path)}."


def saved_line(path: Path) -> str:
    return f"Saved to {display_path(path)}."


def kept_line(slot: str, kept: Path) -> str:
    return f"The game that was in {slot} before this one is kept in {display_path(kept)}."


def moved_line(saved: Saved) -> str:
    """Said once, when the game moves (`Saved.moved_from`): where it lives from now on."""
    return (
        f"Another game has been saved in {saved.moved_from} since this one last was (another "
        f"her-if is playing there): both are kept, and this game now lives in "
        f"{display_path(saved.path)}."
    )


def saved_notes(saved: Saved) -> list[str]:
    """What to tell the player about a save beyond where it went: a game kept, or moved."""
    notes = [] if saved.kept is None else [kept_line(saved.slot, saved.kept)]
    return notes + ([] if saved.moved_from is None else [moved_line(saved)])
