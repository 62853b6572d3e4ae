"""The shipped story: it loads clean and choices change later text (that every walkthrough holds
is tested by her_if.pytest_plugin, one test item per file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.analysis.check import summarize
from her_if.analysis.script import Script, load_script, run_script
from her_if.core.engine import View, start, view
from her_if.core.expr import names_read
from her_if.core.model import Story
from tests.conftest import WALKTHROUGHS


def test_the_shipped_story_checks_clean(story: Story) -> None:
    summary = summarize(story)
    assert [str(w) for w in summary.warnings] == []
    assert summary.endings >= 1 and summary.scenes >= 12


def test_every_beat_of_the_sheet_is_staged(story: Story) -> None:
    staged = {beat for scene in story.scenes.values() for beat in scene.beats}
    assert {beat.id for beat in story.beats} <= staged
    assert len(story.beats) >= 8


# Every walkthrough holding, and pinning where it stops, is her_if.pytest_plugin's to test: each
# tests/walkthroughs/*.yaml is a test item of its own (pyproject.toml sets her_if_story).


def seen_at(story: Story, script: Script, scene: str) -> tuple[str, ...]:
    """The paragraphs a walkthrough was shown at `scene`."""
    shown: list[View] = []
    run_script(story, script, lambda view, _chosen: shown.append(view))
    return next(v.paragraphs for v in shown if v.scene.id == scene)


def test_an_early_choice_changes_text_later_in_the_act(story: Story) -> None:
    """The opening line chosen at the desk comes back when Samantha proofreads next morning."""
    film = load_script(WALKTHROUGHS / "installation-film.yaml", story)
    guarded = load_script(WALKTHROUGHS / "installation-guarded.yaml", story)
    assert film.expect.state["letter_line"] != guarded.expect.state["letter_line"]
    office_film = seen_at(story, film, "installation.office")
    office_guarded = seen_at(story, guarded, "installation.office")
    assert office_film != office_guarded
    # the inbox she cleared (or not) the night before also shows in the morning
    condition_reads = {
        name
        for p in story.scenes["installation.office"].paragraphs
        if p.condition is not None
        for name in names_read(p.condition.tree)
    }
    assert {"letter_line", "let_her_read"} <= condition_reads


def test_a_walkthrough_that_goes_wrong_names_its_step(story: Story, tmp_path: Path) -> None:
    script = tmp_path / "wrong.yaml"
    script.write_text("choices: [memory, no-such-choice]\nexpect: {scene: installation.office}\n")
    outcome = run_script(story, load_script(script, story))
    [failure] = outcome.failures
    assert failure.startswith(
        f"{script}:1:19: no choice 'no-such-choice' in scene 'installation.desk-close'"
    )


def views_along(story: Story, walkthrough: str) -> list[View]:
    """Every view a walkthrough is shown, in order; the walkthrough must hold."""
    shown: list[View] = []
    script = load_script(WALKTHROUGHS / walkthrough, story)
    outcome = run_script(story, script, lambda view, _chosen: shown.append(view))
    assert outcome.failures == ()
    return shown


def first_at(views: list[View], scene: str) -> View:
    return next(v for v in views if v.scene.id == scene)


@pytest.mark.parametrize(
    ("walkthrough", "side_talks"),
    [
        ("installation-film.yaml", ("installation.ask-how", "installation.tell-letters")),
        ("installation-confide.yaml", ("installation.tell-letters", "installation.ask-how")),
    ],
)
def test_the_first_nights_side_talks_return_to_her_questions(
    story: Story, walkthrough: str, side_talks: tuple[str, str]
) -> None:
    """Asking how she works and telling her about the letters are called from the hub and
    return to it: its text is read once, and each talk closes on a line of its own that knows
    whether it came first or second (the hub used to print one closing line after both)."""
    views = views_along(story, walkthrough)
    hub = [v for v in views if v.scene.id == "installation.first-talk"]
    assert [v.returned for v in hub] == [False, True, True]
    assert hub[0].paragraphs and hub[1].paragraphs == hub[2].paragraphs == ()
    assert [o.id for o in hub[2].choices] == ["inbox"]
    first, second = (first_at(views, scene).paragraphs[-1] for scene in side_talks)
    assert "turn" in first and "nosy" in second
    everything = [p for v in views for p in v.paragraphs]
    assert len(everything) == len(set(everything))  # no paragraph shown twice
    assert sum("Somebody's turn" in p or "I've lost count" in p for p in everything) == 1


def test_the_letter_cannot_print_without_its_last_line(story: Story) -> None:
    blank = first_at(views_along(story, "installation-guarded.yaml"), "installation.office")
    [closed] = blank.closed
    assert closed.text == "Send it to print." and "last line is still empty" in closed.reason
    assert {o.id for o in blank.choices} == {"her-line", "own-line"}
    finished = first_at(views_along(story, "installation-film.yaml"), "installation.office")
    assert finished.closed == () and [o.id for o in finished.choices] == ["print"]


def test_her_line_and_her_name_are_echoed_as_said(story: Story) -> None:
    """The menu describes the choice; the transcript says what was actually said."""
    office = first_at(views_along(story, "installation-confide.yaml"), "installation.office")
    her_line = office.offer("her-line")
    assert her_line is not None and her_line.echoed.startswith("\"I'll be in the kitchen.")
    goodbye = first_at(views_along(story, "departure-first-light.yaml"), "departure.goodbye")
    name = goodbye.offer("say-her-name")
    assert name is not None and name.text != name.echoed == '"Samantha."'


def test_a_guarded_heart_sees_the_deepest_part_closed(story: Story) -> None:
    guarded = first_at(views_along(story, "blind-date-truth.yaml"), "blind-date.night-talk")
    [closed] = guarded.closed
    assert closed.text.startswith("Tell her the part underneath.") and "kept" in closed.reason
    assert [o.id for o in guarded.choices] == ["out-of-practice"]
    opened = first_at(views_along(story, "blind-date-film.yaml"), "blind-date.night-talk")
    assert opened.closed == () and "tell-everything" in [o.id for o in opened.choices]


@pytest.mark.parametrize(
    ("scene", "walkthroughs", "generic", "second"),
    [
        (
            "surrogate.song",
            ("surrogate-film.yaml", "surrogate-further.yaml", "surrogate-refused.yaml"),
            "She doesn't try to tidy up what you tell her. When you run out",
            "running",  # the kitchen and the running tap, told at last
        ),
        (
            "departure.gone",
            ("departure-film.yaml", "departure-signed.yaml", "departure-first-light.yaml"),
            "whatever it was",
            "setup voice",  # the laugh she is given: his impression of the setup
        ),
    ],
)
def test_each_answer_is_answered_in_its_own_words(
    story: Story, scene: str, walkthroughs: tuple[str, ...], generic: str, second: str
) -> None:
    """What he tells her at the beach, and how he says goodbye, each meet a reply written for
    that choice (both scenes once answered all three with one line)."""
    replies = [first_at(views_along(story, w), scene).paragraphs[0] for w in walkthroughs]
    assert len(set(replies)) == 3
    assert not any(generic in reply for reply in replies)
    assert second in replies[1] and all(second not in r for r in (replies[0], replies[2]))


def test_the_cabin_remembers_the_rain_she_was_promised(story: Story) -> None:
    promised = first_at(views_along(story, "film.yaml"), "upgrade.cabin").paragraphs[1]
    assert "rain" in promised and "snow" in promised
    never = first_at(views_along(story, "upgrade-film.yaml"), "upgrade.cabin").paragraphs[1]
    assert "rain" not in never and never.startswith('"Describe it,"')


def test_the_dogs_she_names_are_drawn_from_the_games_seed(story: Story) -> None:
    def dog(seed: int) -> str:
        state = start(story, "upgrade.together", seed=seed)
        return view(story, state).paragraphs[1].rsplit("the dogs. ", 1)[1]

    dogs = {dog(seed) for seed in range(40)}
    assert len(dogs) == 3 and all(name.endswith(".") for name in dogs)
    assert all(dog(seed) == dog(seed) for seed in range(5))  # a replay names the same dog
