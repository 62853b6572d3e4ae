"""Deleting and renaming saves, for typed play (`delete SLOT`, `rename OLD NEW`) and the
terminal's load dialog alike.

Deleting loses a game, so it is done only when the player has said yes to that game: typed,
`delete SLOT` says what the slot holds and how to confirm (`delete SLOT!`, as `save NAME!`
confirms replacing, which works the same piped); the terminal asks. The slot of the game
being played is never deleted: its next autosave would only write it again, and the player
would believe it gone. Renaming loses nothing (it never goes over a slot that is taken), so
it asks nothing; renaming the game's own slot moves the game with it, so that its next
autosave goes to the new name rather than bringing the old one back.
"""

from __future__ import annotations

from dataclasses import replace

from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import (
    SaveError,
    check_slot,
    delete_save,
    read_save,
    rename_save,
    slot_path,
)
from her_if.play.commands import REPLACE, Outcome, Playing, saving_of
from her_if.play.listings import describe_save
from her_if.play.session import lives_in


def delete_typed(playing: Playing, rest: str) -> Outcome:
    """`delete SLOT` asks; `delete SLOT!` deletes."""
    confirmed = rest.endswith(REPLACE)
    slot = rest.removesuffix(REPLACE).strip()
    if not slot or " " in slot:
        return Outcome(playing, ("Delete which save? Type 'delete NAME'; 'saves' lists them.",))
    if confirmed:
        return delete(playing, slot)
    held = holds(playing, slot)
    if isinstance(held, Outcome):
        return held
    return Outcome(
        playing,
        (f"{slot} holds {held}. Type 'delete {slot}{REPLACE}' to delete it for good.",),
    )


def holds(playing: Playing, slot: str) -> str | Outcome:
    """What the slot holds, described, before the player is asked to delete it; or the
    outcome refusing to (not a slot, not a save of this story, the game being played)."""
    saving = saving_of(playing)
    refused = _own_game(playing, slot)
    if refused is not None:
        return refused
    try:
        return describe_save(read_save(slot_path(saving.folder, slot), playing.story))
    except SaveError as err:
        return Outcome(playing, (f"Not deleted: {err}",))


def delete(playing: Playing, slot: str) -> Outcome:
    """Delete the save in `slot`: the player has agreed to lose it."""
    refused = _own_game(playing, slot)
    if refused is not None:
        return refused
    try:
        path = delete_save(saving_of(playing).folder, slot, playing.story)
    except SaveError as err:
        return Outcome(playing, (f"Not deleted: {err}",))
    return Outcome(playing, (f"Deleted {display_path(path)}.",))


def rename_typed(playing: Playing, rest: str) -> Outcome:
    """`rename OLD NEW`."""
    words = rest.split()
    if len(words) != 2:
        return Outcome(playing, ("Type 'rename OLD NEW' to rename a save; 'saves' lists them.",))
    return rename(playing, words[0], words[1])


def rename(playing: Playing, slot: str, to: str) -> Outcome:
    """Rename a save; the game being played, if it lives there, lives under the new name."""
    saving = saving_of(playing)
    try:
        path = rename_save(saving.folder, slot, to, playing.story)
    except SaveError as err:
        return Outcome(playing, (f"Not renamed: {err}",))
    old = display_path(slot_path(saving.folder, slot))
    said = f"Renamed {old} to {display_path(path)}."
    game = playing.game
    if lives_in(saving, game) == slot:
        game = replace(game, slot=to, named=to if game.named == slot else game.named)
        said += " This game now lives there."
    elif game.named == slot:
        game = replace(game, named=to)
    return Outcome(replace(playing, game=game), (said,))


def _own_game(playing: Playing, slot: str) -> Outcome | None:
    """The refusal to delete the slot the game being played lives in (None for any other)."""
    try:
        check_slot(slot)
    except SaveError as err:
        return Outcome(playing, (f"Not deleted: {err}",))
    if lives_in(saving_of(playing), playing.game) != slot:
        return None
    return Outcome(
        playing,
        (
            f"Not deleted: {slot} holds the game you are playing, and would be saved again "
            "at your next choice. Load or start another game first, or rename it.",
        ),
    )
