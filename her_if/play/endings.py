"""The ending screen and the endings gallery: what a player has found across their games.

Both are plain lines (a front end prints or pages them as they are). The gallery lists the
story's endings in the story's order: those found with their titles, when first and last
reached and how often; the others as locked, each with the hint its author wrote, but only
once the player has finished the game once (before that a hint would spoil more than it
helps). The ending screen says what shaped this ending (the story's `recap` stats,
`her_if.play.views.recap_lines`) and how many of the story's endings this player has found.
"""

from __future__ import annotations

from datetime import datetime

from her_if.core.model import Story
from her_if.persistence.profile import EndingFound, Profile
from her_if.play.commands import Outcome, Playing
from her_if.play.progress import story_endings
from her_if.play.views import recap_lines

GALLERY = "Endings"
LOCKED = "(locked)"
NOT_KEPT = "Endings found are kept only when saving is on: this game keeps none."


def found_line(story: Story, profile: Profile | None) -> str:
    """ "2 of 5 endings found." (the endings of this story this player has reached)."""
    ids = {e.id for e in story_endings(story)}
    found = 0 if profile is None else sum(1 for e in profile.endings if e.id in ids)
    return f"{found} of {len(ids)} endings found."


def gallery_lines(story: Story, profile: Profile | None) -> tuple[str, ...]:
    """The gallery: a line for how many, then each ending (found, or locked)."""
    lines = [found_line(story, profile)]
    if profile is None:
        lines.append(NOT_KEPT)
    hints = profile is not None and profile.finished > 0
    for ending in story_endings(story):
        got = None if profile is None else profile.ending(ending.id)
        lines.append("")
        if got is None:
            lines.append(f"  {LOCKED}")
            if hints and ending.hint:
                lines.append(f"    Hint: {ending.hint}")
        else:
            lines += [f"  {ending.title}", f"    {_reached(got)}"]
    if profile is not None and not hints and len(lines) > 1:
        lines += ["", "Finish the game once to see a hint for each ending still locked."]
    return tuple(lines)


def _reached(found: EndingFound) -> str:
    first, last = _when(found.first), _when(found.last)
    if found.times == 1:
        return f"Reached {first}."
    return f"Reached {found.times} times: first {first}, last {last}."


def _when(stamp: str) -> str:
    """A kept time as the player's clock reads it (a stamp that is not one shows as it is)."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def endings(playing: Playing, _rest: str = "") -> Outcome:
    """`endings`: the gallery, as a screen."""
    return Outcome(playing, title=GALLERY, screen=gallery_lines(playing.story, playing.profile))


def ending_lines(playing: Playing) -> tuple[str, ...]:
    """The ending screen's text below the ending's own title, which the scene shows (its
    offers are each front end's: typed words or a menu): the recap of what shaped this
    ending, then how many of the story's endings this player has found."""
    recap = tuple(recap_lines(playing.story, playing.game.state))
    return (*recap, *(("",) if recap else ()), found_line(playing.story, playing.profile))
