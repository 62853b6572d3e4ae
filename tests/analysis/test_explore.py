"""The playtester: planted defects are found with the right witness, and witnesses are real."""

from __future__ import annotations

import pytest

from her_if.analysis.explore import explore
from her_if.analysis.liveness import Live, live_facts, saturation, text_live
from her_if.analysis.randomplay import play_randomly
from her_if.core.engine import GameState, choose, start, view
from her_if.core.model import CONTINUE, Story
from her_if.loading.loader import load_story
from tests.conftest import MANIFEST, WriteStory
from tests.support.paths import FLAWED


@pytest.fixture(scope="module")
def flawed() -> Story:
    return load_story(FLAWED)


def replay(story: Story, path: tuple[str, ...]) -> GameState:
    """Follow a witness the way a walkthrough would: pauses pass by themselves."""
    state = start(story)
    steps = list(path)
    while True:
        shown = view(story, state)
        if shown.pause:
            state = choose(story, state, CONTINUE)
        elif steps:
            state = choose(story, state, steps.pop(0))
        else:
            return state


def test_each_planted_defect_is_found_with_its_shortest_witness(flawed: Story) -> None:
    found = explore(flawed)
    assert found.complete
    assert [(f.scene, f.path) for f in found.dead_ends] == [("one.pit", ("right",))]
    assert "(key = false)" in found.dead_ends[0].message
    assert [(f.scene, f.path) for f in found.softlocks] == [
        ("one.maze", ("left", "wander")),
        ("one.maze2", ("left", "wander", "onward")),
    ]
    assert found.unreachable_scenes == ("one.attic",)
    assert [(f.scene, f.choice) for f in found.always_false if f.choice] == [("one.gate", "magic")]
    assert [(f.scene, f.choice, f.path) for f in found.always_true] == [
        ("one.vault", "open", ("left", "take-key"))
    ]
    [text] = [f for f in found.always_false if f.choice is None]
    assert text.scene == "one.treasure" and "never shows" in text.message
    assert [(f.choice, f.path) for f in found.clamps] == [
        ("back", ("left", "back", "left", "back", "left"))
    ]
    assert "above its maximum" in found.clamps[0].message
    # 'magic' is explained by its always-false condition, so it is not reported twice.
    assert found.unreachable_choices == ()
    assert [(e.id, e.path) for e in found.endings] == [("rich", ("left", "take-key", "open"))]
    assert found.defects == 7


def test_every_witness_replays_to_where_it_claims(flawed: Story) -> None:
    found = explore(flawed)
    for finding in (*found.dead_ends, *found.softlocks, *found.always_true, *found.clamps):
        assert replay(flawed, finding.path).scene == finding.scene
    for ending in found.endings:
        assert replay(flawed, ending.path).scene == ending.scene


def test_a_choice_that_is_never_offered_is_reported(write_story: WriteStory) -> None:
    root = write_story(
        {
            "one.yaml": """\
            act: one
            scenes:
              hall:
                title: Hall
                text: A hall.
                choices:
                  - {id: go, text: Go., to: end, set: {met: true}}
                  - {id: back, text: Back., to: end, if: met}
              end:
                title: End
                text: The end.
                ending: {id: fin, title: Fin}
            """
        }
    )
    found = explore(load_story(root))
    # 'met' is false whenever the hall is shown: an always-false condition, reported once.
    assert [(f.scene, f.choice) for f in found.always_false] == [("one.hall", "back")]
    assert found.unreachable_choices == ()


def test_cap_stops_the_walk_loudly(flawed: Story) -> None:
    found = explore(flawed, max_states=5)
    assert not found.complete and found.states == 5
    assert found.defects >= 1
    # Nothing is claimed unreachable from an incomplete walk.
    assert found.unreachable_scenes == () and found.always_false == ()


LETTER = """\
act: one
scenes:
  hall:
    title: Hall
    text: Write a line.
    choices:
      - {id: calm, text: Calm., to: desk, set: {mood: calm}}
      - {id: wild, text: Wild., to: desk, set: {mood: wild}}
  desk:
    title: Desk
    text: Your line was {mood}.
    choices:
      - {id: send, text: Send it., to: end, add: {trust: 1}}
      - {id: keep, text: Keep it., to: end, IF}
  end:
    title: End
    text:
      - text: A wild ending.
        if: mood == "wild"
      - It ends.
    ending: {id: fin, title: Fin}
"""


def test_state_only_text_reads_does_not_multiply_states(write_story: WriteStory) -> None:
    text_only = load_story(write_story({"one.yaml": LETTER.replace(", IF", "")}))
    assert explore(text_only).states == 3  # hall, desk, end: mood is only shown, never decides
    read_by_choice = load_story(
        write_story({"one.yaml": LETTER.replace("IF", 'if: mood == "wild"')})
    )
    assert explore(read_by_choice).states == 4  # the desk now splits on mood
    assert live_facts(read_by_choice)["one.desk"].vars == ("mood",)
    assert live_facts(text_only)["one.desk"].vars == ()


def test_random_play_reports_failures_with_seed_and_path(flawed: Story) -> None:
    report = play_randomly(flawed, 40, seed=7)
    assert report == play_randomly(flawed, 40, seed=7)  # reproducible by seed
    dead = [f for f in report.failures if f.scene == "one.pit"]
    loops = [f for f in report.failures if f.scene.startswith("one.maze")]
    assert dead and loops
    assert all(f.seed == 7 for f in report.failures)
    # A reported path replays to the failure.
    assert replay(flawed, dead[0].path).scene == "one.pit"
    assert report.endings.get("rich", 0) + len(report.failures) == 40
    assert "one.attic" not in report.scenes_seen


def test_exploring_the_shipped_story_finds_no_defect(story: Story) -> None:
    found = explore(story)
    assert found.complete
    assert found.defects == 0, [
        *found.dead_ends,
        *found.softlocks,
        *found.unreachable_scenes,
        *found.unreachable_choices,
        *found.always_true,
        *found.always_false,
    ]
    assert found.scenes_reached == frozenset(story.scenes)


def test_random_play_of_the_shipped_story_always_ends(story: Story) -> None:
    report = play_randomly(story, 300, seed=1)
    assert report.failures == ()
    assert sum(report.endings.values()) == 300


RISING = """\
act: one
scenes:
  hall:
    title: Hall
    text: Trust is {trust}.
    choices:
      - {id: warm, text: Warm up., to: hall, add: {trust: 1}, if: trust < 9}
      - {id: go, text: Go., to: door}
  door:
    title: Door
    text: A door.
    choices:
      - {id: enter, text: Enter., to: end, if: trust >= 2}
      - {id: leave, text: Leave., to: end}
  end:
    title: End
    text: The end.
    ending: {id: fin, title: Fin}
"""


def test_a_counter_that_only_rises_is_keyed_up_to_its_last_threshold(
    write_story: WriteStory,
) -> None:
    manifest = MANIFEST.replace("max: 3, default: 1", "max: 9, default: 0")
    story = load_story(write_story({"story.yaml": manifest, "one.yaml": RISING}))
    # 'trust < 9' and 'trust >= 2' are the only reads: from 9 on nothing can tell values
    # apart, so no folding below the maximum is possible here ...
    assert saturation(story) == {}
    assert explore(story).states == 10 + 10 + 1
    # ... but without the guard, 0, 1 and "2 or more" are all the door can tell apart.
    story = load_story(
        write_story({"story.yaml": manifest, "one.yaml": RISING.replace(", if: trust < 9", "")})
    )
    assert saturation(story) == {"trust": 2}
    assert explore(story).states == 3 + 3 + 1
    # A counter that can fall is never folded.
    falling = RISING.replace(", if: trust < 9", "").replace(
        "{id: go, text: Go., to: door}", "{id: go, text: Go., to: door, add: {trust: -1}}"
    )
    assert saturation(load_story(write_story({"one.yaml": falling}))) == {}


def test_folding_changes_the_count_of_states_and_nothing_else(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    folded = explore(story)
    monkeypatch.setattr("her_if.analysis.explore_keys.saturation", lambda *_: {})
    full = explore(story)
    assert folded.states < full.states
    assert folded.scenes_reached == full.scenes_reached
    assert folded.edges_taken == full.edges_taken
    assert [e.id for e in folded.endings] == [e.id for e in full.endings]
    assert folded.defects == full.defects == 0


CANNOT_DIFFER = """\
act: one
scenes:
  hall:
    title: Hall
    text: x
    choices:
      - {id: wait, text: Wait., to: hall, once: true}
      - {id: onward, text: On., to: room, once: true}
  room:
    title: Room
    text:
      - x
      - {text: Been there., if: 'visited("one.end")'}
    choices:
      - {id: peek, text: Peek., to: end, if: 'visited("one.end")'}
      - {id: go, text: Go., to: end, once: true}
  end:
    title: End
    text: x
    ending: {id: fin, title: Fin}
"""


def test_facts_that_cannot_differ_between_states_at_a_scene_are_not_kept(
    write_story: WriteStory,
) -> None:
    """A `once` mark matters only where its choice can come round again ('wait' loops back;
    'onward' and 'go' never do), and a visit to a scene that cannot lead here is false in every
    state here: keeping them, a long story carried every later mark and visit through every
    scene before it (issue 22), and the findings are the same without them."""
    story = load_story(write_story({"one.yaml": CANNOT_DIFFER}))
    live = live_facts(story)
    assert live["one.hall"] == Live(vars=(), visits=(), used=("one.hall/wait",))
    assert live["one.room"] == Live(vars=(), visits=(), used=())
    assert text_live(story)["one.room"] == frozenset()
    found = explore(story)
    assert found.states == 4  # hall (then, after waiting, hall again), room, end
    assert [(f.scene, f.choice) for f in found.always_false] == [
        ("one.room", "peek"),
        ("one.room", None),
    ]
