"""The scene graph every analysis reads (`flow.edges`): a call leads to the scene it calls, a
return to each place it may return to and no other, and the graph draws them as their own
kinds of edge, with fallbacks and closed choices marked."""

from __future__ import annotations

from pathlib import Path

from her_if.analysis.cycles import components, on_cycles
from her_if.analysis.explore import explore
from her_if.analysis.flow import edges, successors
from her_if.analysis.graph import Reached, to_dot, to_mermaid
from her_if.core.model import Story
from her_if.loading.loader import load_story
from tests.conftest import WriteStory
from tests.support.cli import run_cli
from tests.support.paths import CONSTRUCTS
from tests.support.stories import THE_END


def test_a_return_leads_to_where_the_calls_that_reach_it_return() -> None:
    story = load_story(CONSTRUCTS)
    out = edges(story)
    kinds = {
        (sid, move): sorted((e.kind, e.target, e.back) for e in out[sid] if e.move == move)
        for sid in out
        for move in {e.move for e in out[sid]}
    }
    assert kinds[("flat.hall", "drawer")] == [("call", "flat.drawer", False)]
    assert kinds[("flat.letter", "continue")] == [("call", "flat.card", False)]
    # the drawer is called from the hall with no `then`: its return comes back to the hall
    assert kinds[("flat.drawer", "keep")] == [("return", "flat.hall", True)]
    # the card is called from the drawer (no `then`) and from the letter's pause (then sent)
    assert kinds[("flat.card", "continue")] == [
        ("return", "flat.drawer", True),
        ("return", "flat.sent", False),
    ]
    # sent is reached by the letter's return, so its own return is the hall's call of the
    # letter returning, to the window: not to the drawer, nor to sent itself
    assert kinds[("flat.sent", "pen")] == [("return", "flat.window", False)]
    assert [e.target for e in out["flat.window"] if e.fallback] == ["flat.hall"]
    assert [e.move for e in out["flat.hall"] if e.closed] == ["door"]


def test_every_return_the_explorer_makes_is_an_edge() -> None:
    story = load_story(CONSTRUCTS)
    out = edges(story)
    drawn = {(sid, e.move, e.target, e.back) for sid in out for e in out[sid] if e.kind == "return"}
    made = explore(story).returns_taken
    assert made and made <= drawn


RETURN_NOBODY_CALLS = (
    """\
act: one
scenes:
  hall:
    title: Hall
    text: x
    choices:
      - {id: go, text: Go., to: side}
      - {id: call, text: Call., call: booth}
  side:
    title: Side
    text: x
    choices:
      - {id: back, text: Back., return: true}
  booth:
    title: Booth
    text: x
    choices:
      - {id: hang-up, text: Hang up., return: true}
      - {id: leave, text: Leave., to: end}
"""
    + THE_END
)


def test_a_return_no_call_reaches_leads_nowhere(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": RETURN_NOBODY_CALLS}))
    out = edges(story)
    assert out["one.side"] == ()  # gone to, never called: nothing to return to
    assert [(e.target, e.back) for e in out["one.booth"] if e.kind == "return"] == [
        ("one.hall", True)
    ]
    # the hall and the booth it calls (and returns from) come round; the side scene does not
    assert on_cycles(story) == {"one.hall", "one.booth"}
    assert components(story)["one.hall"] == components(story)["one.booth"]
    assert successors(story, "one.side") == []


def _dot_edges(story: Story, reached: Reached | None = None) -> list[str]:
    return [line.strip() for line in to_dot(story, reached).splitlines() if " -> " in line]


def test_the_graph_draws_calls_dashed_and_returns_dotted_to_each_place() -> None:
    story = load_story(CONSTRUCTS)
    lines = _dot_edges(story)
    assert (
        '"flat.hall" -> "flat.drawer" [label="drawer (call)", style=dashed, arrowhead=empty];'
        in lines
    )
    assert (
        '"flat.letter" -> "flat.card" [label="continue (call)", style=dashed, arrowhead=empty];'
        in lines
    )
    assert (
        '"flat.card" -> "flat.drawer" [label="continue (back)", style=dotted, arrowhead=open];'
        in lines
    )
    assert (
        '"flat.card" -> "flat.sent" [label="continue (return)", style=dotted, arrowhead=open];'
        in lines
    )
    assert '"flat.window" -> "flat.hall" [label="drift (fallback)"];' in lines
    assert '"flat.hall" -> "flat.amy" [label="door (closed)"];' in lines
    mermaid = to_mermaid(story)
    assert '-. "keep (back)" .->' in mermaid and '-- "drift (fallback)" -->' in mermaid


def test_a_return_never_made_to_one_of_its_places_is_grey() -> None:
    story = load_story(CONSTRUCTS)
    found = explore(story)
    made = frozenset(r for r in found.returns_taken if r[2] != "flat.sent")
    lines = _dot_edges(story, Reached(found.scenes_reached, found.edges_taken, made))
    [to_sent] = [line for line in lines if line.startswith('"flat.card" -> "flat.sent"')]
    [to_drawer] = [line for line in lines if line.startswith('"flat.card" -> "flat.drawer"')]
    assert "color=grey" in to_sent and "color=grey" not in to_drawer
    # told only the moves taken, a return is reached wherever its move was made
    plain = _dot_edges(story, Reached(found.scenes_reached, found.edges_taken))
    assert not any("color=grey" in line for line in plain if "flat.card" in line.split("->")[0])


def test_graph_reachable_greys_a_return_to_a_call_never_made(tmp_path: Path) -> None:
    """`her-if graph --reachable` gives the graph the returns the explorer made: a shared
    subroutine's return to a caller no game reaches is grey, though the return is made."""
    story = tmp_path / "story"
    story.mkdir()
    (story / "story.yaml").write_text(
        "id: calls\ntitle: Calls\nstart: a.hub\nacts:\n  - {id: a, title: A, file: a.yaml}\n"
        "state:\n  never: {type: flag, default: false}\n"
    )
    (story / "a.yaml").write_text(
        "act: a\nscenes:\n"
        "  hub:\n    title: Hub\n    text: You wait.\n    choices:\n"
        "      - {id: one, text: One., call: sub, then: x}\n"
        "      - {id: two, text: Two., call: sub, then: y, if: never}\n"
        "  sub:\n    title: Sub\n    text: An errand.\n    return: true\n"
        "  x:\n    title: X\n    text: Done.\n    ending: {id: x, title: X}\n"
        "  y:\n    title: Y\n    text: Done otherwise.\n    ending: {id: y, title: Y}\n"
    )
    out, _, status = run_cli("graph", "--story", str(story), "--reachable")
    assert status == 0
    [to_y] = [line for line in out.splitlines() if line.strip().startswith('"a.sub" -> "a.y"')]
    [to_x] = [line for line in out.splitlines() if line.strip().startswith('"a.sub" -> "a.x"')]
    assert "color=grey" in to_y and "color=grey" not in to_x
