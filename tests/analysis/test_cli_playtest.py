"""`her-if playtest` and `her-if graph` as a tester runs them: output, JSON and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from her_if.cli import main
from tests.conftest import ROOT, WALKTHROUGHS, WriteStory
from tests.support.cli import her_if
from tests.support.paths import FLAWED


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_playtest_of_a_flawed_story_exits_1_and_names_each_place(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "playtest", "--story", FLAWED)
    assert code == 1
    one = "tests/fixtures/flawed/one.yaml"
    assert f"{one}:20:3: one.pit: no choice is on offer here" in out
    assert "    path: right\n" in out
    assert f"{one}:26:3: one.maze: no ending can be reached from here" in out
    assert f"{one}:53:3: scene 'one.attic' is never reached" in out
    assert f"{one}:10:9: one.gate, choice 'magic': condition 'coins > 5'" in out
    assert out.rstrip().endswith("7 defects")


def test_playtest_json_has_the_promised_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "playtest", "--story", FLAWED, "--json")
    assert code == 1
    report = json.loads(out)["exhaustive"]
    for key in (
        "states",
        "transitions",
        "dead_ends",
        "softlocks",
        "unreachable_scenes",
        "unreachable_choices",
        "endings",
        "odds",
    ):
        assert key in report
    assert report["dead_ends"][0] == {
        "scene": "one.pit",
        "message": "no choice is on offer here and it is not an ending (key = false)",
        "path": ["right"],
        "probability": pytest.approx(
            0.6
        ),  # of random players, exactly (tests/analysis/test_odds.py)
        "expected_choices": pytest.approx(1.4),
    }
    assert report["endings"][0]["path"] == ["left", "take-key", "open"]


def test_playtest_cap_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "playtest", "--story", FLAWED, "--max-states", "3")
    assert code == 1
    assert "STOPPED at the cap of 3 states" in out and "raise --max-states" in out


def test_random_playtest_reports_seed_coverage_and_failures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "playtest", "--story", FLAWED, "--random", "20", "--seed", "5")
    assert code == 1
    assert "20 random playthroughs (seed 5)" in out
    assert "scenes seen: 7/8 (87.5%)" in out
    assert "(seed 5) at tests/fixtures/flawed/one.yaml:20:3: one.pit: dead end" in out
    code, again, _ = run(capsys, "playtest", "--story", FLAWED, "--random", "20", "--seed", "5")
    assert again == out


def test_walkthroughs_run_and_fail_by_exit_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "playtest", "--walkthroughs", WALKTHROUGHS)
    assert code == 0, out
    assert f"walkthroughs: {len(list(WALKTHROUGHS.glob('*.yaml')))} run, 0 failed" in out
    (tmp_path / "bad.yaml").write_text("choices: [no-such-choice]\n")
    code, out, _ = run(capsys, "playtest", "--walkthroughs", tmp_path)
    assert code == 1 and "bad.yaml: FAILED" in out
    (tmp_path / "bad.yaml").write_text("choices: [\n")
    code, _, err = run(capsys, "playtest", "--walkthroughs", tmp_path)
    assert code == 2 and "bad.yaml:" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "playtest", "--walkthroughs", empty)
    assert code == 2 and "no walkthrough files" in err


def test_a_walkthrough_can_stop_at_a_pause_it_expects(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`expect: scene` naming a pause stops the script there once its choices run out, as a
    player's save can; the pauses on the way still pass by themselves."""
    (tmp_path / "cabin.yaml").write_text(
        "from: {scene: upgrade.picnic-talk}\nchoices: [snow]\nexpect: {scene: upgrade.cabin}\n"
    )
    code, out, err = run(capsys, "play", "--script", tmp_path / "cabin.yaml")
    assert code == 0, err
    assert err.endswith("cabin.yaml: ok, 1 choices, stopped at upgrade.cabin\n")
    code, out, _ = run(capsys, "playtest", "--walkthroughs", tmp_path)
    assert code == 0 and "cabin.yaml: ok, 1 choices, stopped at upgrade.cabin" in out
    # a pause the script passes with choices still to make: the message says why, and the fix
    (tmp_path / "cabin.yaml").write_text(
        "from: {scene: upgrade.picnic-talk}\n"
        "choices: [snow, listened]\n"
        "expect: {scene: upgrade.cabin}\n"
    )
    code, _, err = run(capsys, "play", "--script", tmp_path / "cabin.yaml")
    assert code == 1
    assert err.splitlines()[-1].endswith(
        "expected to stop at scene 'upgrade.cabin', stopped at 'upgrade.stairs' "
        "('upgrade.cabin' is a pause, passed on the way; a walkthrough stops at a pause only "
        "when its choices run out there: end them with the choice that leads to it)"
    )


def test_check_and_random_playtest_count_choices_alike_and_pauses_apart(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    """One number of choices in every report, text and JSON; pauses are labelled apart."""
    root = write_story()  # the hall's two choices, the room's pause, the end
    _, out, _ = run(capsys, "check", "--story", root, "--json")
    checked = json.loads(out)
    assert (checked["choices"], checked["pauses"]) == (2, 1)
    _, out, _ = run(capsys, "check", "--story", root)
    assert ", 2 choices, " in out
    _, out, _ = run(capsys, "playtest", "--story", root, "--random", "50")
    assert "choices taken: 2/2 (100.0%)\npauses passed: 1/1 (100.0%)\n" in out
    _, out, _ = run(capsys, "playtest", "--story", root, "--random", "50", "--json")
    played = json.loads(out)["random"]
    assert (played["choices"], played["choices_taken"]) == (2, 2)
    assert (played["pauses"], played["pauses_passed"]) == (1, 1)
    assert played["choices_made"] >= 50  # every game makes at least one decision


def test_playtest_of_a_broken_story_exits_2(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    root = write_story({"one.yaml": "act: one\nscenes: {}\n"})
    code, _, err = run(capsys, "playtest", "--story", root)
    assert code == 2 and "error" in err


def test_playtest_of_the_shipped_story_is_clean_as_a_process() -> None:
    result = her_if("playtest", "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)["exhaustive"]
    assert report["dead_ends"] == [] and report["softlocks"] == []
    assert report["unreachable_scenes"] == [] and report["complete"] is True


def test_graph_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, dot, _ = run(capsys, "graph", "--story", FLAWED)
    assert code == 0
    assert 'subgraph "cluster_one"' in dot
    assert '"one.gate" -> "one.pit" [label="right"];' in dot
    assert '"one.gate" -> "one.treasure" [label="magic", style=dashed];' in dot
    assert '"(start)" -> "one.gate";' in dot
    assert "peripheries=2" in dot
    code, mermaid, _ = run(capsys, "graph", "--story", FLAWED, "--format", "mermaid")
    assert mermaid.startswith("flowchart TD\n")
    assert '-. "magic" .->' in mermaid and '-- "right" -->' in mermaid
    code, coloured, _ = run(capsys, "graph", "--story", FLAWED, "--reachable")
    assert '"one.attic" [label="End: Attic", peripheries=2, fillcolor=lightgrey];' in coloured
    assert '"one.pit" [label="The pit", fillcolor=palegreen];' in coloured
    out = tmp_path / "g.mmd"
    code, printed, _ = run(capsys, "graph", "--format", "mermaid", "--reachable", "-o", out)
    assert code == 0 and printed == "" and "class " in out.read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("story", [FLAWED, ROOT / "story"])
def test_graphviz_accepts_the_dot(capsys: pytest.CaptureFixture[str], story: Path) -> None:
    _, dot, _ = run(capsys, "graph", "--story", story, "--reachable")
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "<svg" in result.stdout


def test_path_to_gives_a_walkthrough_line_that_reaches_the_scene(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "playtest", "--story", FLAWED, "--path-to", "one.vault")
    assert code == 0
    assert out.splitlines() == [
        "tests/fixtures/flawed/one.yaml:38:3: one.vault: 2 choices from the start",
        "choices: [left, take-key]",
    ]
    script = tmp_path / "to-vault.yaml"
    script.write_text(out.splitlines()[1] + "\nexpect: {scene: one.vault}\n")
    assert main(["play", "--story", str(FLAWED), "--script", str(script)]) == 0
    code, out, _ = run(capsys, "playtest", "--story", FLAWED, "--path-to", "one.attic", "--json")
    assert code == 1 and json.loads(out) == {"scene": "one.attic", "reachable": False, "path": None}
    code, _, err = run(capsys, "playtest", "--story", FLAWED, "--path-to", "one.vualt")
    assert code == 2 and "did you mean 'one.vault'" in err
