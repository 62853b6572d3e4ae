"""The playtester's memory grows with the story, not with its square (issue 22).

Each test explores straight-line stories (`bench/chain.py`) of N and 4N scenes and compares
the peaks of Python's memory (tracemalloc) while they are explored: a cost that grows with
the length makes the ratio about 4, one that grows with its square about 16. A chain has the
longest shortest paths a story of its size can have, so it is where keeping a path per state
hurt most. No timing here: times belong in bench/, which runs chains of 5,000 to 20,000.
"""

from __future__ import annotations

import gc
import io
import tracemalloc
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from bench.chain import write_chain
from her_if.analysis.explore import DEFAULT_MAX_STATES, Exploration, explore
from her_if.cli import main
from her_if.core.model import Story
from her_if.loading.loader import load_story

LINEAR = 6.0
"""The most a four-times-longer chain may cost, as a multiple: 4 is linear, 16 quadratic."""


def peak(work: Callable[[], object]) -> tuple[int, object]:
    """The peak of memory allocated while `work` runs, and what it returned."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def chain(tmp_path: Path, scenes: int, *, recall: bool = False) -> Story:
    return load_story(write_chain(tmp_path / f"chain-{scenes}", scenes, recall=recall))


def explored(story: Story, max_states: int = DEFAULT_MAX_STATES) -> tuple[int, Exploration]:
    used, found = peak(lambda: explore(story, max_states))
    assert isinstance(found, Exploration)
    return used, found


@pytest.mark.parametrize("recall", [False, True], ids=["choices", "once-and-visited"])
def test_a_chain_four_times_as_long_is_explored_in_four_times_the_memory(
    tmp_path: Path, recall: bool
) -> None:
    """With `recall` every choice is `once` and its condition and a paragraph ask whether the
    scene before was visited: states that kept every visit and mark, or text judged on every
    visit at every scene, or a finding's path kept per scene, grew with the square too."""
    short, _ = explored(chain(tmp_path, 500, recall=recall))
    story = chain(tmp_path, 2000, recall=recall)
    long, found = explored(story)
    assert found.complete and found.states == 2000 and found.terminal == 1
    [ending] = found.endings
    assert ending.path == tuple(f"on{n}" for n in range(1999))  # witnesses are rebuilt whole
    assert found.paths["a0.s1500"] == tuple(f"on{n}" for n in range(1500))
    assert len(found.paths) == 2000
    if recall:  # the same findings as ever, with their paths
        assert len(found.always_true) == 2 * 1998
        assert found.always_true[-1].path == found.paths[found.always_true[-1].scene]
    assert long / short < LINEAR, f"{long / short:.1f}x the memory for 4x the scenes"


def test_the_state_cap_bounds_memory_too(tmp_path: Path) -> None:
    """`--max-states 10000` on a longer chain once cost as much as the whole chain."""
    story = chain(tmp_path, 4000)
    small, capped = explored(story, max_states=500)
    large, _ = explored(story, max_states=2000)
    assert not capped.complete and capped.states == 500
    assert capped.paths["a0.s499"] == tuple(f"on{n}" for n in range(499))
    assert large / small < LINEAR, f"{large / small:.1f}x the memory for a cap 4x as high"


def test_graph_reachable_on_a_chain_four_times_as_long_takes_four_times_the_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole command, loading included (with no story cache, whose reads would blur it)."""
    monkeypatch.setenv("HER_IF_CACHE", "off")

    def graph(scenes: int) -> tuple[int, str]:
        root = write_chain(tmp_path / f"chain-{scenes}", scenes)
        args = ["graph", "--reachable", "--story", str(root)]
        with redirect_stdout(io.StringIO()):
            main(args)  # once first, so that what it imports is not counted
        out = io.StringIO()
        with redirect_stdout(out):
            used, status = peak(lambda: main(args))
        assert status == 0
        return used, out.getvalue()

    short, _ = graph(800)
    long, dot = graph(3200)
    assert '"a1.s3198" -> "a1.s3199" [label="on3198"];' in dot
    assert "fillcolor=lightgrey" not in dot  # every scene reached
    assert long / short < LINEAR, f"{long / short:.1f}x the memory for 4x the scenes"
