"""Keeping the profile as a game is played (her_if/play/progress.py): what each move adds,
that it is written where saves are, and that a profile that cannot be written costs nothing."""

from __future__ import annotations

from pathlib import Path

from her_if.core.engine import start
from her_if.core.model import Story
from her_if.core.replay import replay
from her_if.persistence.profile import Profile, profile_path, read_profile
from her_if.persistence.saves import read_save
from her_if.play.commands import Playing
from her_if.play.progress import moved, open_profile, record, story_endings
from her_if.play.session import Game, Saving, new_game

WHEN = "2026-12-07T10:00:00+00:00"


def _walk(story: Story, *choices: str) -> Profile:
    """A profile kept one move at a time along `choices`, as the front ends keep it."""
    profile, state = Profile(story.id), start(story, seed=7)
    for choice in choices:
        after = replay(story, (*state.history, choice), 7).state
        profile, state = record(story, profile, state, after, WHEN), after
    return profile


def test_a_step_adds_its_scenes_and_choice_and_the_act_it_enters(forks: Story) -> None:
    profile = _walk(forks, "knock")
    assert profile.scenes == {"one.door", "two.road"}
    assert profile.choices == {("one.door", "knock")}
    one, two = profile.act("one"), profile.act("two")
    assert one is not None and one.history == () and one.seed == 7
    assert two is not None and two.history == ("knock",) and two.seed == 7
    assert profile.finished == 0 and profile.endings == ()


def test_an_ending_counts_once_per_arrival(forks: Story) -> None:
    profile = _walk(forks, "knock", "walk")
    found = profile.ending("sea")
    assert found is not None and found.title == "The sea at dusk" and found.times == 1
    assert profile.finished == 1
    end = replay(forks, ("knock", "walk"), 7).state
    assert record(forks, profile, end, end, WHEN).finished == 1  # shown again: not new


def test_a_move_that_is_not_a_step_tells_the_whole_history_again(forks: Story) -> None:
    """A game loaded at the sea: every scene and choice on its way, and both acts entered."""
    loaded = replay(forks, ("knock", "walk"), 3).state
    profile = record(forks, Profile(forks.id), start(forks, seed=3), loaded, WHEN)
    assert profile.scenes == {"one.door", "two.road", "two.sea"}
    assert profile.choices == {("one.door", "knock"), ("two.road", "walk")}
    two = profile.act("two")
    assert two is not None and two.history == ("knock",) and two.seed == 3


def test_nothing_new_is_the_same_profile(forks: Story) -> None:
    profile = _walk(forks, "knock")
    before = start(forks, seed=7)
    after = replay(forks, ("knock",), 7).state
    assert record(forks, profile, before, after, "later") is profile


def test_the_story_endings_are_counted_once_each(forks: Story) -> None:
    assert [e.id for e in story_endings(forks)] == ["quiet", "sea", "stay"]


def test_moved_saves_then_writes_the_profile(forks: Story, tmp_path: Path) -> None:
    saving = Saving(tmp_path)
    profile, said = open_profile(forks, saving)
    assert said == () and profile == Profile(forks.id)
    game = new_game(forks, slot=saving.autosave)
    before = game.state
    playing = Playing(forks, game, saving, profile=profile)
    after = replay(forks, ("leave",), before.seed).state
    outcome = moved(
        Playing(forks, Game(after, game.created, slot="autosave"), saving, profile=profile), before
    )
    assert read_save(tmp_path / "autosave.json", forks).history == ("leave",)
    kept = read_profile(tmp_path, forks.id).profile
    assert kept == outcome.playing.profile and kept.finished == 1 and kept.ending("quiet")
    assert playing.profile is profile  # nothing changed in place


def test_a_profile_that_cannot_be_written_is_told_and_the_save_is_made(
    forks: Story, tmp_path: Path
) -> None:
    saving = Saving(tmp_path)
    blocker = profile_path(tmp_path, forks.id).parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the profile's folder goes")
    game = new_game(forks, slot=saving.autosave)
    after = replay(forks, ("leave",), game.state.seed).state
    playing = Playing(
        forks, Game(after, game.created, slot="autosave"), saving, profile=Profile(forks.id)
    )
    outcome = moved(playing, game.state)
    assert read_save(tmp_path / "autosave.json", forks).history == ("leave",)
    told = [line for line in outcome.said if "not kept" in line]
    assert len(told) == 1 and "\n" not in told[0] and str(blocker) in told[0]
    assert outcome.playing.profile is not None and outcome.playing.profile.finished == 1


def test_saving_off_keeps_no_profile(forks: Story) -> None:
    assert open_profile(forks, None) == (None, ())
