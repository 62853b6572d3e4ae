"""How every front end words a scene's choices beyond the numbered ones: the choices shown
closed (with the author's reason), a scene come back to by a return, a scene with nothing on
offer, and what a typed line that names a closed choice is told.

Written once here so that the transcript, typed play (`--plain` and piped) and the terminal
say the same words; each lays them out in its own way (`her_if.play.transcript`,
`her_if.play.tui.menu`, `her_if.play.tui.render`). What is said here is cleaned where it is
written, by the outputs.
"""

from __future__ import annotations

from her_if.core.engine import Closed, View
from her_if.core.sanitize import clean

CLOSED_MARK = "-"
"""Where a closed choice's number would be: it has none, since it cannot be taken."""

NOTHING_ON_OFFER = "(Nothing is on offer here.)"
"""Said under a scene that offers no way on (a dead end, or a return with no call to return
to), so that the player is not left at a menu with nothing in it."""


def closed_label(closed: Closed) -> str:
    """A closed choice as the menu lists it: its text, then why it is closed."""
    return f"{closed.text} {closed_note(closed)}"


def closed_note(closed: Closed) -> str:
    """Why a closed choice is closed, as it follows the choice's text."""
    reason = closed.reason.strip()
    return f"(closed: {reason})" if reason else "(closed)"


def returned_line(view: View) -> str:
    """Shown instead of the scene's text when a return brings the player back to it (the
    text was read on the way in; its choices follow)."""
    return f"(back in {view.title})"


def stuck(view: View) -> bool:
    """Whether the scene offers no way on at all (an ending is not stuck: it ends)."""
    return view.ending is None and not view.choices


def closed_named(view: View, typed: str) -> Closed | None:
    """The closed choice a typed line means: its text (in any case, its last stop optional),
    or the place it is listed at, counting on from the open choices' numbers (a player who
    counts the lines may type the number a closed choice would have)."""
    if typed.isdigit():
        place = int(typed) - len(view.choices) - 1
        return view.closed[place] if 0 <= place < len(view.closed) else None
    wanted = _said(typed)
    return next((c for c in view.closed if _said(c.text) == wanted), None)


def refusal(view: View, typed: str) -> str:
    """What typed play answers to a line that is neither a choice on offer nor a command."""
    closed = closed_named(view, typed)
    if closed is not None:
        reason = closed.reason.strip()
        why = f": {reason}" if reason else ""
        stop = "" if why.endswith((".", "!", "?")) else "."
        return f"'{closed.text}' is closed{why}{stop} Type 'help' for the commands."
    if not view.choices:
        return (
            f"'{typed}' is not a choice here: nothing is on offer. Type 'undo' to go back, or "
            "'help' for the commands."
        )
    return (
        f"'{typed}' is not a choice here: type a number from 1 to {len(view.choices)} or a "
        "choice id. Type 'help' for the commands."
    )


def _said(text: str) -> str:
    """A choice's text as it is compared with what was typed: as shown (cleaned), its spaces
    and case aside, its last stop optional."""
    return " ".join(clean(text).split()).rstrip(".!?").casefold()
