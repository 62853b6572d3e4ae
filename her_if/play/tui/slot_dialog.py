"""Deleting and renaming a save from the terminal's load list (`d`, `n` on a save).

Delete asks first, naming what the slot holds, and "Keep it" is where the highlight starts,
so a key pressed twice keeps the game; rename asks for the new name (Esc, or the old name,
changes nothing). The work and the words are `her_if.play.slot_changes`', the same as typed
`delete NAME!` and `rename OLD NEW`, so the game being played is never deleted here either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from prompt_toolkit import PromptSession
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.validation import Validator

from her_if.persistence.save_slots import SLOT_RULE, is_slot
from her_if.play import slot_changes
from her_if.play.commands import Outcome, Playing
from her_if.play.tui.keys import ends_on_error
from her_if.play.tui.slots import Change, confirm
from her_if.play.tui.style import STYLE

Ask = Callable[[str], str | None]


def change_slot(
    playing: Playing, change: Change, say: Callable[[str], None], ask: Ask | None = None
) -> Playing:
    """Carry out `change`, saying each line of what came of it; the game to go on with (a
    rename of its own slot moves it)."""
    slot = change.entry.slot
    if change.key == "d":
        held = slot_changes.holds(playing, slot)
        if isinstance(held, Outcome):
            outcome = held
        else:
            say(f"{slot} holds {held}.")
            if not confirm("Delete it for good", "Keep it", keep_first=True):
                outcome = Outcome(playing, (f"Kept {slot}.",))
            else:
                outcome = slot_changes.delete(playing, slot)
    else:
        name = (ask or ask_name)(slot)
        if name is None or name == slot:
            outcome = Outcome(playing, (f"{slot} is not renamed.",))
        else:
            outcome = slot_changes.rename(playing, slot, name)
    for line in outcome.said:
        say(line)
    return replace(playing, game=outcome.playing.game)


def ask_name(slot: str) -> str | None:
    """The new name for `slot`, typed; None when Esc cancels (or nothing is typed)."""
    kb = KeyBindings()

    @kb.add("escape", eager=True)
    def _cancel(event: KeyPressEvent) -> None:
        """Back to the list, renaming nothing."""
        event.app.exit(result=None)

    session: PromptSession[str | None] = PromptSession(
        f"Rename {slot} to: ",
        validator=Validator.from_callable(
            lambda text: not text.strip() or is_slot(text.strip()),
            error_message=f"use {SLOT_RULE}",
        ),
        validate_while_typing=False,
        bottom_toolbar=" Enter: rename  Esc: cancel ",
        key_bindings=kb,
        enable_suspend=True,
        style=STYLE,
    )
    session.app.ttimeoutlen = 0.05  # Esc alone cancels without a wait
    answer = session.prompt(set_exception_handler=False, pre_run=ends_on_error(session.app))
    return None if answer is None or not answer.strip() else answer.strip()
