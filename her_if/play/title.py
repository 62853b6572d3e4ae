"""The title screen's options and what each does, for both front ends that show one.

`--plain` lists the options as numbered lines and the terminal front end as a menu; reading
the player's pick is theirs, and what a pick leads to is here: the newest save continued, a
slot loaded, a new game. A game resumed from `--slot` is opened here too.
"""

from __future__ import annotations

import os

from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.persistence.profile import Profile
from her_if.persistence.saves import Entry, Listing, SaveError, slot_path
from her_if.play.listings import describe_save
from her_if.play.session import Loaded, Saving, load_game

TITLE_CONTINUE, TITLE_NEW, TITLE_LOAD, TITLE_HELP, TITLE_QUIT = (
    "continue",
    "new",
    "load",
    "help",
    "quit",
)
"""The title screen's options (a title-menu key, not a pause's `her_if.core.model.CONTINUE`)."""
TITLE_ENDINGS, TITLE_CHAPTER = "endings", "chapter"
"""The endings gallery, and chapter select: shown once the profile has something for them."""

TITLE_HELP_TEXT = {
    TITLE_CONTINUE: "go on with the newest save",
    TITLE_NEW: "start a new game",
    TITLE_LOAD: "choose a saved game to go on with",
    TITLE_ENDINGS: "the endings you have found, and those still locked",
    TITLE_CHAPTER: "start an act you have reached before, as your latest game entered it",
    TITLE_HELP: "this list",
    TITLE_QUIT: "leave (so do Ctrl-D and Ctrl-C)",
}
"""What each title option does, as `help` at the plain title says (in the game, `help` lists
the game's own commands)."""


def title_options(listing: Listing, profile: Profile | None = None) -> list[tuple[str, str]]:
    """The title screen's options as (key, label), for both front ends: Continue (the newest
    save), New game, Load, Endings, Chapter select, Help, Quit; Continue and Load only when
    there are saves to go on with or to list, Endings once an ending has been found and
    Chapter select once more than one act has been reached (`profile`)."""
    options: list[tuple[str, str]] = []
    if listing.entries:
        options.append((TITLE_CONTINUE, f"Continue: {describe_save(listing.entries[0].save)}"))
    options.append((TITLE_NEW, "New game"))
    if listing.entries or listing.unreadable:
        options.append((TITLE_LOAD, "Load a saved game"))
    if profile is not None and profile.endings:
        options.append((TITLE_ENDINGS, "Endings: those you have found"))
    if profile is not None and len(profile.acts) > 1:
        options.append((TITLE_CHAPTER, "Chapter select: an act you have reached"))
    options += [(TITLE_HELP, "Help: the keys and commands"), (TITLE_QUIT, "Quit")]
    return options


def title_help(options: list[tuple[str, str]]) -> str:
    """The title's own options, as they can be typed: a number or the first word."""
    rows = [
        f"  {key:<9} {TITLE_HELP_TEXT[key]}" for key, _label in options if key in TITLE_HELP_TEXT
    ]
    return (
        "Type an option's number or its first word:\n"
        + "".join(row + "\n" for row in rows)
        + "In the game, type 'help' for its commands.\n\n"
    )


def picked_line(key: str, entry: Entry) -> str:
    """The title's pick of a save as the transcript and the screen record it."""
    what = "Continue" if key == TITLE_CONTINUE else f"Load {entry.slot}"
    return f"{what}: {describe_save(entry.save)}"


@frozen
class Opened:
    """A game to play from the title (or `--slot`): `loaded` when it came from a save (None
    for a new game, or when the save could not be read); `said`, what to tell the player."""

    loaded: Loaded | None
    said: tuple[str, ...] = ()


def open_save(story: Story, saving: Saving, slot: str) -> Opened:
    """A slot loaded onto the story: Continue, Load, and the `load` command in the game."""
    try:
        return Opened(load_game(story, saving.folder, slot))
    except SaveError as err:
        return Opened(None, (f"Not loaded: {err}",))


def resume(story: Story, saving: Saving, slot: str) -> Opened | None:
    """The game saved in `--slot`: None when the slot holds nothing yet (a new game goes
    there); `Opened` without `loaded` when it cannot be read (the title screen comes next)."""
    if not os.path.lexists(slot_path(saving.folder, slot)):
        return None
    try:
        return Opened(load_game(story, saving.folder, slot))
    except SaveError as err:
        return Opened(None, (str(err),))


def unfinished(listing: Listing, story: Story) -> Entry | None:
    """The game a new one would come after: the newest save, when it has not ended (the one
    Continue would go on with). A new game is saved beside it, never over it; the player is
    told so before it starts, since Continue then goes on with the new one, and the autosave
    slot's game may move aside (`session.save_to` keeps it under another name)."""
    if not listing.entries:
        return None
    newest = listing.entries[0]
    scene = story.scenes.get(newest.save.scene)
    return newest if scene is None or scene.ending is None else None


def new_game_line(entry: Entry) -> str:
    """What the title says before a new game starts while another is unfinished."""
    return (
        f"A game is in progress in {entry.slot} ({describe_save(entry.save)}). A new game "
        "keeps it (it may move to another slot, which you will be told), but Continue will "
        "go on with the new one."
    )
