"""`check`'s static warnings know the constructs of the scene format: state read only inside
reacting text or an expression is read, a scene reached only by a call or a return is
reached, a return no call can reach and a fallback beside a choice always on offer are
warned of."""

from __future__ import annotations

from her_if.analysis.check import state_usage, summarize
from her_if.loading.loader import load_story
from tests.conftest import MANIFEST, WriteStory
from tests.support.paths import CONSTRUCTS


def test_state_read_only_by_reacting_text_or_expressions_is_read() -> None:
    story = load_story(CONSTRUCTS)
    read, written = state_usage(story)
    # met only in an {if}, mood only in a {case}, roll only in expressions and a slot
    assert {"met", "mood", "roll", "trust"} <= read
    assert {"met", "mood", "roll", "trust"} <= written  # by draws and expressions too
    assert summarize(story).warnings == ()


def test_a_scene_reached_only_by_returns_is_reached() -> None:
    story = load_story(CONSTRUCTS)
    # sent is reached only by the card's return to the letter's `then`
    assert not any("is unreachable" in w.message for w in summarize(story).warnings)


RETURNS_AND_FALLBACKS = """\
act: one
scenes:
  hall:
    title: Hall
    text: x
    choices:
      - {id: side, text: Side., to: side}
      - {id: go, text: Go., to: end}
      - {id: drift, text: Drift., to: end, fallback: true}
  side:
    title: Side
    text: x
    choices:
      - {id: back, text: Back., return: true}
      - {id: onward, text: On., to: end}
  end:
    title: End
    text: Trust is {trust}, and you are {mood}; met is {met}.
    ending: {id: fin, title: Fin}
"""


def test_a_return_no_call_reaches_and_a_fallback_never_offered_are_warned_of(
    write_story: WriteStory,
) -> None:
    root = write_story({"story.yaml": MANIFEST, "one.yaml": RETURNS_AND_FALLBACKS})
    story = load_story(root)
    found = {w.message: w for w in summarize(story).warnings}
    [returns] = [m for m in found if m.startswith("scene 'one.side' returns")]
    assert "no called scene leads to it" in returns and "'call: one.side'" in returns
    back = next(c for c in story.scenes["one.side"].choices if c.id == "back")
    assert found[returns].pos == back.pos
    [fallback] = [m for m in found if m.startswith("fallback 'drift'")]
    assert "choice 'side' is always on offer there" in fallback
    # a fallback beside choices that can each be shut is left alone
    guarded = RETURNS_AND_FALLBACKS.replace("to: side}", "to: side, once: true}").replace(
        "to: end}\n      - {id: drift", "to: end, if: met}\n      - {id: drift"
    )
    story = load_story(write_story({"one.yaml": guarded}))
    assert not any(w.message.startswith("fallback") for w in summarize(story).warnings)
