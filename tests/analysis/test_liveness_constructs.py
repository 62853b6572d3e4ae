"""Liveness and folding know what the new constructs read: an effect's expression reads the
state it computes from, an `open_if:` is read as an `if:` is, a visit count is kept where a
choice compares it and folded at its threshold, an `{if}` in text is judged like a
paragraph's condition and never splits states."""

from __future__ import annotations

from her_if.analysis.explore import explore
from her_if.analysis.folding import saturation
from her_if.analysis.liveness import live_facts, text_live
from her_if.loading.loader import load_story
from tests.conftest import MANIFEST, WriteStory
from tests.support.stories import THE_END

COMPUTED = (
    """\
act: one
scenes:
  hall:
    title: Hall
    text: x
    choices:
      - {id: warm, text: Warm., to: desk, add: {trust: 1}}
      - {id: cool, text: Cool., to: desk}
  desk:
    title: Desk
    text: x
    choices:
      - {id: think, text: Think., to: door, set: {met: "trust >= 2"}}
  door:
    title: Door
    text: x
    choices:
      - {id: enter, text: Enter., to: end, if: met}
      - {id: leave, text: Leave., to: end}
"""
    + THE_END
)


def test_an_effects_expression_reads_what_it_computes_from(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": COMPUTED}))
    live = live_facts(story)
    assert live["one.door"].vars == ("met",)
    assert live["one.desk"].vars == ("trust",)  # read by the effect that sets met
    found = explore(story)
    assert found.defects == 0 and found.always_true == found.always_false == ()
    assert found.states == 1 + 2 + 2 + 1  # the desk and the door, met or not


def test_a_counter_an_expression_computes_with_is_not_folded(write_story: WriteStory) -> None:
    manifest = MANIFEST.replace("max: 3, default: 1", "max: 9, default: 0")
    story = load_story(write_story({"story.yaml": manifest, "one.yaml": COMPUTED}))
    assert saturation(story) == {"trust": 2}  # only compared with 2, by the effect
    doubled = COMPUTED.replace('set: {met: "trust >= 2"}', 'set: {met: "trust * 2 >= 4"}')
    story = load_story(write_story({"story.yaml": manifest, "one.yaml": doubled}))
    assert saturation(story) == {}


OPENS = (
    """\
act: one
scenes:
  hall:
    title: Hall
    text: x
    choices:
      - {id: warm, text: Warm., to: hall, add: {trust: 1}, once: true}
      - {id: door, text: Door., to: end, open_if: trust >= 2, closed: Not yet.}
      - {id: leave, text: Leave., to: end}
"""
    + THE_END
)


def test_an_open_if_is_read_as_an_if_is(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": OPENS}))
    assert "trust" in live_facts(story)["one.hall"].vars
    found = explore(story)
    assert found.defects == 0
    assert ("one.hall", "door") in found.edges_taken  # it opens once trust is 2


SHOWN_BY_VISITS = (
    """\
act: one
scenes:
  hall:
    title: Hall
    text: x
    choices:
      - {id: study, text: Study., to: study, set: {met: true}}
      - {id: porch, text: Porch., to: study}
  study:
    title: Study
    text:
      - >-
        The study. {if met: You met someone on the way. | You came alone.}
        {if visits("one.study") >= 2: You know it well.}
    choices:
      - {id: leave, text: Leave., to: end}
"""
    + THE_END
)


def test_an_if_in_text_is_judged_and_never_splits_states(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": SHOWN_BY_VISITS}))
    assert live_facts(story)["one.study"] == live_facts(story)["one.end"]  # nothing
    assert {"met", "visits:one.study"} <= text_live(story)["one.study"]
    found = explore(story)
    assert found.states == 1 + 1 + 1  # met or not, the study is one state
    [never] = found.always_false
    assert never.message.startswith("text condition 'visits(\"one.study\") >= 2' (")
    assert never.message.endswith("is always false: its text never shows")
    assert found.always_true == ()  # met can go either way
