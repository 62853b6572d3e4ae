"""Reactive text played on the real loader and engine: `{if}`, `{case}`, printed expressions
and the alternatives (`seq`, `cycle`, `once`, `shuffle`, inline and as whole paragraphs),
over repeated visits, as the player reads them."""

from __future__ import annotations

import pytest

from her_if.core.engine import GameState, choose, start, view
from her_if.core.model import Story
from her_if.loading.loader import load_story
from tests.conftest import MANIFEST, WriteStory

LOOP = """\
act: one
scenes:
  hall:
    title: The hall
    text:
      - "Seq {seq: one | two | three}."
      - "Cycle {cycle: a | b}."
      - "{once: first | second}"
      - "Shuffle {shuffle: red | green | blue}."
      - "{if met: Met {seq: at last | again} | Unmet}"
      - "Mood {case mood | calm: quiet | wild: loud}, {case met | true: known | false: new}."
      - "Trust {case trust | 0: none | 3: full | else: some}."
      - 'Visits {= visits("hall")}, porch {visits("porch")}, trust {= trust * 2 + 1}.'
      - {seq: ["The first paragraph.", "The second paragraph."]}
      - {once: ["Dust hangs in the air.", ""]}
      - {if: met, text: "She knows you.", else: "She does not know you yet."}
      - {cycle: ["Rain.", "Sun."], if: met}
    choices:
      - id: wait
        text: "Wait {if met: with her | alone}."
        to: hall
      - id: meet
        text: Meet her.
        to: hall
        set: {met: true, mood: wild}
        add: {trust: 2}
      - id: porch
        text: Step outside.
        to: porch
      - id: aside
        text: Look aside.
        call: aside
  aside:
    title: Aside
    text: A glance.
    return: true
  porch:
    title: The porch
    text: Cold air.
    choices:
      - text: Go back in.
        to: hall
"""


@pytest.fixture
def loop(write_story: WriteStory) -> Story:
    return load_story(write_story({"one.yaml": LOOP}))


def showings(story: Story, *choices: str, seed: int = 0) -> list[tuple[str, ...]]:
    """The paragraphs shown at the start and after each choice."""
    state = start(story, seed=seed)
    seen = [view(story, state).paragraphs]
    for choice in choices:
        state = choose(story, state, choice)
        seen.append(view(story, state).paragraphs)
    return seen


def starting(story: Story, prefix: str, *choices: str, seed: int = 0) -> list[str]:
    """The paragraph beginning with `prefix` at each showing ("" where none does)."""
    return [
        next((p for p in shown if p.startswith(prefix)), "")
        for shown in showings(story, *choices, seed=seed)
    ]


def test_a_seq_stops_at_its_last(loop: Story) -> None:
    assert starting(loop, "Seq", "wait", "wait", "wait") == [
        "Seq one.",
        "Seq two.",
        "Seq three.",
        "Seq three.",
    ]


def test_a_cycle_starts_again(loop: Story) -> None:
    assert starting(loop, "Cycle", "wait", "wait") == ["Cycle a.", "Cycle b.", "Cycle a."]


def test_a_once_shows_each_once_then_nothing(loop: Story) -> None:
    seen = showings(loop, "wait", "wait", "wait")
    assert [("first" in s, "second" in s) for s in seen] == [
        (True, False),
        (False, True),
        (False, False),
        (False, False),
    ]
    # the paragraph that was only the once is gone, not left empty
    assert all("" not in shown for shown in seen)


def test_a_shuffle_draws_the_same_for_the_same_seed_and_only_its_options(loop: Story) -> None:
    walk = ("wait",) * 8
    first = starting(loop, "Shuffle", *walk, seed=42)
    assert first == starting(loop, "Shuffle", *walk, seed=42)
    assert set(first) <= {"Shuffle red.", "Shuffle green.", "Shuffle blue."}
    over_seeds = {tuple(starting(loop, "Shuffle", *walk, seed=seed)) for seed in range(8)}
    assert len(over_seeds) > 1  # the seed decides: not one fixed order
    assert len({p for run in over_seeds for p in run}) == 3


def test_an_alternative_inside_a_branch_counts_only_when_shown(loop: Story) -> None:
    assert starting(loop, "Met", "wait", "meet", "wait", "wait") == [
        "",
        "",
        "Met at last",
        "Met again",
        "Met again",
    ]
    assert starting(loop, "Unmet", "wait") == ["Unmet", "Unmet"]


def test_a_case_shows_the_text_for_each_value(loop: Story) -> None:
    assert starting(loop, "Mood", "meet") == ["Mood quiet, new.", "Mood loud, known."]
    assert starting(loop, "Trust", "meet") == ["Trust some.", "Trust full."]


def test_printed_expressions_count_visits_and_compute(loop: Story) -> None:
    assert starting(loop, "Visits", "wait", "porch", "hall", "meet") == [
        "Visits 1, porch 0, trust 3.",
        "Visits 2, porch 0, trust 3.",
        "",
        "Visits 3, porch 1, trust 3.",
        "Visits 4, porch 1, trust 7.",
    ]


def test_whole_paragraph_alternatives_and_conditions(loop: Story) -> None:
    seen = showings(loop, "wait", "meet", "wait", "wait")
    assert [next(p for p in s if p.endswith("paragraph.")) for s in seen] == [
        "The first paragraph.",
        "The second paragraph.",
        "The second paragraph.",
        "The second paragraph.",
        "The second paragraph.",
    ]
    assert ["Dust hangs in the air." in s for s in seen] == [True, False, False, False, False]
    assert [s[-1] if s[-1] in ("Rain.", "Sun.") else "" for s in seen] == [
        "",
        "",
        "Rain.",  # counted from the first showing its `if:` lets through
        "Sun.",
        "Rain.",
    ]
    knows = [next(p for p in s if p.startswith("She ")) for s in seen]
    assert knows[:3] == [
        "She does not know you yet.",
        "She does not know you yet.",
        "She knows you.",
    ]


def test_a_choice_text_reacts_to_state(loop: Story) -> None:
    state = start(loop)
    assert view(loop, state).choices[0].text == "Wait alone."
    state = choose(loop, state, "meet")
    assert view(loop, state).choices[0].text == "Wait with her."


def test_a_return_to_the_choices_shows_no_text_and_counts_no_showing(loop: Story) -> None:
    state = choose(loop, start(loop), "aside")
    back = choose(loop, state, "continue")
    assert back.returned and view(loop, back).paragraphs == ()
    assert back.shown == start(loop).shown  # nothing shown, nothing counted
    after = choose(loop, back, "wait")
    assert next(p for p in view(loop, after).paragraphs if p.startswith("Seq")) == "Seq two."


def test_the_same_history_shows_the_same_text(loop: Story) -> None:
    walk = ("wait", "meet", "porch", "hall", "wait")
    assert showings(loop, *walk, seed=7) == showings(loop, *walk, seed=7)


def states(story: Story, *choices: str) -> list[GameState]:
    state = start(story)
    found = [state]
    for choice in choices:
        state = choose(story, state, choice)
        found.append(state)
    return found


def test_a_scene_in_another_act_counts_its_own_alternatives(write_story: WriteStory) -> None:
    """Keys are scene ids with a number: two scenes' first alternatives never share a count."""
    act = LOOP.replace("    text: Cold air.\n", '    text: "Porch {seq: one | two}."\n')
    story = load_story(write_story({"story.yaml": MANIFEST, "one.yaml": act}))
    last = states(story, "porch", "hall", "porch")[-1]
    assert last.shown["one.porch#1"] == 2
    assert last.shown["one.hall#1"] == 2
    assert next(p for p in view(story, last).paragraphs if p.startswith("Porch")) == "Porch two."
