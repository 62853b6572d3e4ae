"""The benchmark harness: the converted graph is the anchors' graph, and our explorer, with its
reductions off, counts its states exactly as ink's explorers do.

The expected counts come from a reference walk written here from the anchors' own explorers
(ink_bench.js, bink_bench.py): a breadth-first search over the JSON graph keyed on (passage,
trust, courage, has_key), with none of her-if's engine in it.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import deque
from pathlib import Path
from typing import Any

import pytest

from bench import anchors, convert, run, variant
from bench.measure import run as run_process
from her_if.analysis.check import summarize
from her_if.analysis.explore import explore
from her_if.cli import main
from her_if.core.engine import start, view
from her_if.core.expr import Visits, walk
from her_if.core.model import AddEffect, DrawEffect, Printed
from her_if.core.text import alternatives_in
from her_if.loading.loader import load_story

needs_generator = pytest.mark.skipif(
    not (convert.anchors_dir() / "gen_story.py").is_file(),
    reason=f"no gen_story.py in {convert.anchors_dir()} (set BENCH_ANCHORS)",
)

SAVED_GRAPHS = Path(__file__).parent / "fixtures" / "bench"


def anchor_graph(scenes: int) -> dict[str, Any]:
    """The anchors' graph of `scenes` scenes, seed 1. A copy is kept in the fixtures so that
    the cross-check runs where the anchors' folder is not beside the project (as in CI);
    where it is, the copy is checked against a fresh one, so it can never go stale."""
    saved: dict[str, Any] = json.loads(
        gzip.decompress((SAVED_GRAPHS / f"graph-{scenes}-seed-1.json.gz").read_bytes())
    )
    if (convert.anchors_dir() / "gen_story.py").is_file():
        assert convert.generate_graph(scenes, 1) == saved, "regenerate tests/fixtures/bench"
    return saved


def reference_counts(graph: dict[str, Any]) -> tuple[int, int, int]:
    """States, terminal states and transitions as the anchors' explorers count them: every
    state's every offered choice is a transition; a newly seen state with no choice is
    terminal; counters are clamped to their bounds."""
    scenes = {scene["id"]: scene for scene in graph["scenes"]}
    bounds = {n: (v["min"], v["max"]) for n, v in graph["state"].items() if v["type"] == "counter"}

    def holds(condition: str | None, trust: int, has_key: bool) -> bool:
        if condition is None:
            return True
        if condition == "has_key":
            return has_key
        name, op, number = condition.split()
        assert (name, op) == ("trust", ">=")
        return trust >= int(number)

    def after(choice: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        values = dict(values)
        for effect in choice["effects"]:
            for name, amount in effect.get("add", {}).items():
                low, high = bounds[name]
                values[name] = max(low, min(high, values[name] + amount))
            values.update(effect.get("set", {}))
        return values

    first = (graph["start"], 0, 0, False)
    seen = {first}
    queue = deque([first])
    transitions = terminal = 0
    while queue:
        scene, trust, courage, has_key = queue.popleft()
        for choice in scenes[scene]["choices"]:
            if not holds(choice["if"], trust, has_key):
                continue
            transitions += 1
            values = after(choice, {"trust": trust, "courage": courage, "has_key": has_key})
            state = (choice["goto"], values["trust"], values["courage"], values["has_key"])
            if state in seen:
                continue
            seen.add(state)
            offered = [c for c in scenes[state[0]]["choices"] if holds(c["if"], *state[1:4:2])]
            if offered:
                queue.append(state)
            else:
                terminal += 1
    return len(seen), terminal, transitions


@pytest.fixture(scope="module")
def graph_50() -> dict[str, Any]:
    return anchor_graph(50)


@pytest.fixture(scope="module")
def story_50(graph_50: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert.write_story(graph_50, tmp_path_factory.mktemp("bench") / "story")


def test_the_converted_graph_checks_clean_and_keeps_its_prose(
    graph_50: dict[str, Any], story_50: Path
) -> None:
    story = load_story(story_50)
    warnings = [w.message for w in summarize(story).warnings]
    # The graph's own: gen_story draws forward jumps that skip some scenes, and no choice of
    # it reads courage (ink keeps it in its state all the same).
    assert warnings
    assert all(
        "is unreachable" in w or w == "state 'courage' is never read by a condition or text"
        for w in warnings
    ), warnings
    assert story.variables["courage"].minimum == -5  # type: ignore[union-attr]
    for scene in graph_50["scenes"]:
        [ours] = [s for s in story.scenes.values() if s.id.endswith("." + scene["id"])]
        texts = ["".join(str(part) for part in p.text.parts) for p in ours.paragraphs]
        conditional = scene["conditional"]
        assert texts == [
            scene["paragraphs"][0],
            conditional["then"],
            conditional["else"],
            *scene["paragraphs"][1:],
        ]
        assert [p.condition.source if p.condition else None for p in ours.paragraphs][1:3] == [
            "trust >= 2",
            "not (trust >= 2)",
        ]
        assert (ours.ending is not None) == scene["ending"]
        assert [c.id for c in ours.choices] == [c["id"] for c in scene["choices"]]
        for choice, theirs in zip(ours.choices, scene["choices"], strict=True):
            assert choice.target.endswith("." + theirs["goto"])
            assert "".join(map(str, choice.text.parts)) == theirs["text"]
            assert (choice.condition.source if choice.condition else None) == theirs["if"]
            wanted = [
                (k, n, v) for e in theirs["effects"] for k, m in e.items() for n, v in m.items()
            ]
            got = [
                (
                    "add" if isinstance(e, AddEffect) else "set",
                    e.name,
                    e.amount if isinstance(e, AddEffect) else getattr(e, "value", None),
                )
                for e in choice.effects
            ]
            assert got == wanted


def test_the_unreduced_explorer_counts_as_the_anchors_do(
    graph_50: dict[str, Any], story_50: Path
) -> None:
    story = load_story(story_50)
    found = explore(story, reduce=False)
    expected = reference_counts(graph_50)
    assert found.complete
    assert (found.states, found.terminal + found.dead_states, found.transitions) == expected
    # The reductions change the counts, and only them: the default keys on less.
    reduced = explore(story)
    assert reduced.states < found.states
    assert reduced.dead_ends == found.dead_ends == ()
    assert {e.id for e in reduced.endings} == {e.id for e in found.endings}
    assert reduced.unreachable_scenes == found.unreachable_scenes


def test_the_500_scene_cross_check(tmp_path: Path) -> None:
    graph = anchor_graph(500)
    assert reference_counts(graph) == run.CROSS_CHECK
    found = explore(load_story(convert.write_story(graph, tmp_path / "story")), reduce=False)
    assert (found.states, found.terminal + found.dead_states, found.transitions) == (
        run.CROSS_CHECK
    )


@pytest.fixture(scope="module")
def variant_500(tmp_path_factory: pytest.TempPathFactory) -> Path:
    woven = variant.weave(anchor_graph(500))
    return convert.write_story(woven, tmp_path_factory.mktemp("variant") / "story")


def test_the_variant_keeps_the_graph_and_weaves_in_every_construct(variant_500: Path) -> None:
    graph = anchor_graph(500)
    variant.weave(graph)
    assert graph == anchor_graph(500), "weave must leave gen_story's graph as it was"
    story = load_story(variant_500)
    for scene in graph["scenes"]:
        [ours] = [s for s in story.scenes.values() if s.id.endswith("." + scene["id"])]
        kept = ours.choices[: len(scene["choices"])]
        assert [(c.id, c.target.split(".")[-1]) for c in kept] == [
            (c["id"], c["goto"]) for c in scene["choices"]
        ]
    choices = [c for s in story.scenes.values() for c in s.choices]
    texts = [p.text for s in story.scenes.values() for p in s.paragraphs]
    kinds = {a.kind for t in texts for a in alternatives_in(t)}
    conditions = [c.condition.tree for c in choices if c.condition]
    printed = [p for t in texts for p in t.parts if isinstance(p, Printed)]
    features = {
        "calls": sum(c.call and c.then is None for c in choices),
        "calls with then": sum(c.call and c.then is not None for c in choices),
        "returns": sum(c.returns for c in choices) + sum(s.returns for s in story.scenes.values()),
        "fallbacks": sum(c.fallback for c in choices),
        "visit counts in conditions": sum(
            any(isinstance(e, Visits) for e in walk(t)) for t in conditions
        ),
        "visit counts printed": sum(isinstance(p.expression.tree, Visits) for p in printed),
        "draws": sum(isinstance(e, DrawEffect) for c in choices for e in c.effects),
    }
    assert all(features.values()), features
    assert kinds == {"seq", "cycle", "once"}


def test_the_variant_checks_clean_and_its_exploration_is_complete(
    variant_500: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--story", str(variant_500)]) == 0
    assert " 0 errors" in capsys.readouterr().out
    story = load_story(variant_500)
    warnings = [w.message for w in summarize(story).warnings]
    assert all("is unreachable" in w for w in warnings), warnings  # the graph's own, as above
    # With every fact in the key, the visits counted round the loops have no bound (see
    # run.VARIANT_CAP): the reduced exploration is the one that must finish.
    reduced = explore(story)
    assert reduced.complete
    assert (reduced.dead_ends, reduced.softlocks, reduced.dead_states) == ((), (), 0)
    # Each construct was followed: the hubs' fallbacks, the nested return, both draws' ways
    # on, and the ways a visit count opens.
    taken = {f"{scene.split('.')[-1]}/{choice}" for scene, choice in reduced.edges_taken}
    assert {
        "stranger/done",
        "memory/continue",
        "dice/prize",
        "dice/again",
        "watchman/decline",
    } <= taken
    assert {"onward", "directions", "toss"} <= {t.split("/")[1] for t in taken}


@needs_generator
def test_convert_runs_as_a_command(tmp_path: Path) -> None:
    script = Path(convert.__file__)
    result = run_process(
        [sys.executable, str(script), "--scenes", "12", "--seed", "3", str(tmp_path)]
    )
    assert "12 scenes" in result.stdout
    story = load_story(tmp_path)
    assert len(story.scenes) == 12
    shown = view(story, start(story))
    assert shown.title == "Scene 0"


def test_the_harness_measures_her_if_alone(
    graph_50: dict[str, Any], story_50: Path, tmp_path: Path
) -> None:
    """Each piece of `bench/run.py --quick`, on the 50-scene graph, with no anchors; and a
    cross-check that does not hold fails the run."""
    bench = run.Bench(
        python=sys.executable,
        her_if=run.her_if_command(sys.executable),
        anchors=anchors.find(use=False),
        work=tmp_path,
        fast=1,
        slow=1,
        stories={50: story_50},
        variants={50: convert.write_story(variant.weave(graph_50), tmp_path / "variant")},
    )
    explored = run.exploration(bench, 50, (1, 2, 3))
    rows = [
        *run.cold_start(bench, {"50": story_50}, (run.PIPED, run.INTERACTIVE)),
        *run.check(bench),
        *explored,
        *run.variant_exploration(bench, 50, plain=explored, cap=2_000),
        *run.random_play(bench, 50, playthroughs=200),
        *run.save_and_load(bench, 50),
        *run.playtest_all(bench),
    ]
    assert all(row.ours for row in rows)
    assert [r.what for r in rows[:4]] == [
        "python -c pass (floor)",
        'python -c "import prompt_toolkit, yaml" (floor)',
        "cold start, 50: piped",
        "cold start, 50: interactive, to the first prompt",
    ]
    plain = next(r for r in rows if "all variables" in r.what)
    assert plain.data["counts"] == reference_counts(graph_50)
    every_fact, reduced = [r for r in rows if "variant" in r.what]
    assert (every_fact.data["mode"], reduced.data["mode"]) == ("all", "reduced")
    assert "stopped at the cap" in every_fact.what and "µs a state" in every_fact.ratio
    assert reduced.data["complete"] and "the plain graph's time" in reduced.ratio
    # the planted cross-check fails the run; whether the shipped story's playtest meets its
    # time is the bench's to say, not a test's (no timed tests)
    [failure] = [f for f in bench.failures if not f.startswith("PLAYTEST:")]
    assert failure.startswith("CROSS-CHECK FAILED") and "1 / 2 / 3" in failure
    assert "choices/s" in next(r for r in rows if "random" in r.what).ours
    assert next(r for r in rows if r.what.startswith("save")).data["bytes"] > 0
    playtest = next(r for r in rows if r.what.startswith("playtest of Her"))
    # the shipped story's states, in thousands: Her has more than a thousand
    assert re.search(r"\(\d{1,3}(,\d{3})+ states;", playtest.what) and playtest.data["seconds"] > 0
    text = run.table(rows)
    assert text.count("\n") == len(rows) + 1
    assert "| her-if |" in text


def test_verdicts_say_by_how_much_a_target_is_missed() -> None:
    assert run.verdict(12.0, 10.0, ">= 10x inkjs") == ">= 10x inkjs: met (12.0x)"
    assert run.verdict(7.5, 10.0, ">= 10x inkjs") == ">= 10x inkjs: MISSED (7.5x, 25% short)"
    assert run.verdict(None, 2.0, ">= 2x bink") == ">= 2x bink: not measured"
    assert (
        run.verdict(0.5, 1.0, "faster than bink")
        == "faster than bink: MISSED (2.0x slower, 50% short)"
    )
    assert run.within(1.1, 1.15, "within 1.15x") == "within 1.15x: met (1.1x)"
    assert run.within(1.5, 1.15, "within 1.15x") == "within 1.15x: MISSED (1.5x, 30% over)"
    assert run.faster(0.25, "bink") == "4.0x slower than bink"


def test_states_where_play_stops_count_dead_ends_too() -> None:
    """ink counts a state with no choice as terminal, ending or not; `dead_states` is the
    rest of that count. In the flawed story the pit is a dead end without the key, with any
    of 0, 1 or 2 coins (coins are read at the gate, so both modes keep them apart)."""
    flawed = load_story(Path(__file__).parent / "fixtures" / "flawed")
    for reduce in (True, False):
        found = explore(flawed, reduce=reduce)
        assert found.dead_states == 3
        assert [f.scene for f in found.dead_ends] == ["one.pit"]


def test_playtest_no_reduce_reports_the_anchors_counts(
    graph_50: dict[str, Any], story_50: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["playtest", "--story", str(story_50), "--exhaustive", "--no-reduce", "--json"])
    found = json.loads(capsys.readouterr().out)["exhaustive"]
    states, terminal, transitions = reference_counts(graph_50)
    assert (found["states"], found["terminal"], found["transitions"]) == (
        states,
        terminal,  # no dead ends in this graph: every state that stops is at an ending
        transitions,
    )
    main(["playtest", "--story", str(story_50), "--exhaustive", "--json"])
    assert json.loads(capsys.readouterr().out)["exhaustive"]["states"] < states
