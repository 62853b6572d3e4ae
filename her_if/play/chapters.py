"""Chapter select: start an act this player has reached before, as their latest game had it.

The profile keeps, for each act, the history and seed of the latest game on entering it
(`her_if.play.progress.record`); replayed on the story as it is now, they give that very state
(draws included), so the act starts with what that game had chosen and drawn before it. The
game started is a new one: it lives in the autosave slot as any new game does, whose first
save keeps the game that was there in `autosave-1` (`her_if.play.session.autosave_game`),
so choosing a chapter never costs a save.
"""

from __future__ import annotations

from datetime import UTC, datetime

from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.replay import replay
from her_if.core.wording import roman
from her_if.persistence.profile import Profile
from her_if.play.session import Game, Saving


@frozen
class Chapter:
    act: str
    label: str


def chapters(story: Story, profile: Profile | None) -> tuple[Chapter, ...]:
    """The acts this player has entered, in the story's order, as the title lists them."""
    if profile is None:
        return ()
    return tuple(
        Chapter(act.id, f"Act {roman(act.number)}: {act.title}")
        for act in story.acts
        if profile.act(act.id) is not None
    )


def find_chapter(story: Story, profile: Profile | None, typed: str) -> Chapter | None:
    """The chapter a player typed: its number in the list, its act's id or its numeral."""
    typed = typed.strip().lower()
    listed = chapters(story, profile)
    for number, chapter in enumerate(listed, 1):
        act = story.act(chapter.act)
        if typed in (str(number), act.id.lower(), roman(act.number).lower()):
            return chapter
    return None


def start_chapter(story: Story, saving: Saving | None, profile: Profile, act: str) -> Game:
    """A new game at the start of `act`, as the latest game entered it (as far as its history
    still applies to the story as it reads now)."""
    entry = profile.act(act)
    assert entry is not None, "chapters() lists only acts with an entry"
    state = replay(story, entry.history, entry.seed).state
    return Game(state, datetime.now(UTC), slot=saving.autosave if saving is not None else None)
