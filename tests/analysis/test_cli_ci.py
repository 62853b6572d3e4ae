"""`check` and `playtest` with `--github` and `--junit`, run on the real command line: each
finding on its line of a pull request, the same exit statuses as without them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ROOT, WriteStory
from tests.support.cli import run_cli
from tests.support.paths import FLAWED

ONE = "tests/fixtures/flawed/one.yaml"

BROKEN_ACT = """\
act: one
scenes:
  hall:
    titel: The hall
    text: A hall.
    choices:
      - {id: go, text: Go., to: nowhere}
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""
"""Three errors in one act: a misspelt key, the key it left missing, an unknown target."""


@pytest.fixture(autouse=True)
def at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are told relative to the working folder, as GitHub resolves them from the
    checkout; these tests run from the repository's root, as a workflow does."""
    monkeypatch.chdir(ROOT)


def test_playtest_github_puts_the_planted_dead_end_on_its_line() -> None:
    out, _, status = run_cli("playtest", "--story", str(FLAWED), "--github")
    assert status == 1  # as without --github: the story has defects
    lines = out.splitlines()
    assert (
        f"::error file={ONE},line=20,col=3,title=her-if playtest%3A dead end::"
        "one.pit: no choice is on offer here and it is not an ending (key = false)%0Apath: right"
    ) in lines
    assert (
        f"::error file={ONE},line=10,col=9,title=her-if playtest%3A condition always false::"
        f"one.gate, choice 'magic': condition 'coins > 5' ({ONE}:10:60) is always false "
        "wherever it is evaluated%0Apath: (the start)"
    ) in lines  # a choice's finding is placed at the choice, as the text report places it
    commands = [line for line in lines if line.startswith("::")]
    assert lines.index("7 defects") < lines.index(commands[0])  # after the report
    assert len([c for c in commands if c.startswith("::error ")]) == 7  # one per defect
    assert [c for c in commands if c.startswith("::warning ")] == [
        f"::warning file={ONE},line=17,col=9,title=her-if playtest%3A counter clamped::"
        "one.corridor, choice 'back': coins would go above its maximum; it is held there"
        "%0Apath: left back left back left"
    ]


def test_check_github_gives_one_error_per_diagnostic_of_a_broken_story(
    write_story: WriteStory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_story({"one.yaml": BROKEN_ACT})
    monkeypatch.chdir(tmp_path)
    out, err, status = run_cli("check", "--story", "story", "--github")
    assert status == 2
    assert out.splitlines() == [
        "::error file=story/one.yaml,line=4,col=5,title=her-if check%3A error::"
        "unknown key 'titel' in scene 'hall' (did you mean 'title'?)",
        "::error file=story/one.yaml,line=4,col=5,title=her-if check%3A error::"
        "scene 'hall' is missing 'title'",
        "::error file=story/one.yaml,line=7,col=33,title=her-if check%3A error::"
        "choice 'go' goes to unknown scene 'nowhere'",
    ]
    assert err.splitlines()[-1] == "3 errors"  # the report itself, as without --github


def test_check_github_of_a_story_that_loads_gives_its_warnings_and_exits_0() -> None:
    out, _, status = run_cli("check", "--story", str(FLAWED), "--github")
    assert status == 0
    assert out.splitlines()[-1] == (
        f"::warning file={ONE},line=53,col=3,title=her-if check%3A warning::"
        "scene 'one.attic' is unreachable: no choice or continue leads to it"
    )


def test_without_the_flag_nothing_is_annotated_even_on_github(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kept explicit: a report run in CI for its text or its JSON stays as it is."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out, _, _ = run_cli("playtest", "--story", str(FLAWED))
    assert "::error" not in out and "\n7 defects" in out


def test_junit_names_each_finding_and_keeps_the_exit_status(tmp_path: Path) -> None:
    report = tmp_path / "playtest.xml"
    out, _, status = run_cli(
        "playtest", "--story", str(FLAWED), "--exhaustive", "--random", "20", "--junit", str(report)
    )
    assert status == 1 and "::" not in out
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # atomic
    root = ET.parse(report).getroot()
    assert (root.get("tests"), root.get("failures")) == ("9", "6")  # 8 checks of the walk
    failed = {
        case.get("name"): case.findtext("failure")
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    assert set(failed) == {
        "dead ends",
        "softlocks",
        "unreachable scenes",
        "conditions always true",
        "conditions always false",
        "20 random playthroughs (seed 0)",
    }
    assert failed["dead ends"] == (
        f"{ONE}:20:3: error: one.pit: no choice is on offer here and it is not an ending "
        "(key = false)\npath: right"
    )
    assert failed["unreachable scenes"] == f"{ONE}:53:3: error: scene 'one.attic' is never reached"
    assert f"{ONE}:20:3: error: one.pit: dead end" in str(failed["20 random playthroughs (seed 0)"])


def test_junit_of_a_story_that_does_not_load_fails_loads(
    write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story({"one.yaml": BROKEN_ACT})
    report = tmp_path / "check.xml"
    _, _, status = run_cli("check", "--story", str(root), "--junit", str(report))
    assert status == 2
    loads = ET.parse(report).getroot().find("testsuite/testcase[@name='loads']")
    assert loads is not None
    failure = loads.find("failure")
    assert failure is not None and failure.get("message", "").endswith(
        "unknown key 'titel' in scene 'hall' (did you mean 'title'?) (and 2 more)"
    )


def test_walkthrough_failures_are_placed_at_the_step(tmp_path: Path) -> None:
    folder = tmp_path / "walks"
    folder.mkdir()
    (folder / "a.yaml").write_text("choices: [left, nope]\n")
    out, _, status = run_cli(
        "playtest", "--story", str(FLAWED), "--walkthroughs", str(folder), "--github"
    )
    assert status == 1
    where = f"{folder / 'a.yaml'}"  # outside the working folder: the path as given
    assert out.splitlines()[-1] == (
        f"::error file={where},line=1,col=17,title=her-if playtest%3A walkthrough failed::"
        "no choice 'nope' in scene 'one.corridor' (on offer: take-key, back, wander)"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("check", "--json", "--github"), "--github and --json both print to stdout"),
        (("playtest", "--github", "--path-to", "one.pit"), "--path-to finds none"),
        (("check", "--junit", "no/such/folder/x.xml"), "cannot write no/such/folder/x.xml"),
    ],
)
def test_what_cannot_be_done_is_refused_with_the_fix(args: tuple[str, ...], said: str) -> None:
    out, err, status = run_cli(*args[:1], "--story", str(FLAWED), *args[1:])
    assert status == 2 and said in err and "::" not in out


def test_a_walkthrough_that_does_not_load_is_an_error_on_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("choices: [left]\nexpect: {ending: nowhere}\n")
    out, err, status = run_cli(
        "playtest", "--story", str(FLAWED), "--walkthroughs", str(tmp_path), "--github"
    )
    assert status == 2  # as without --github: the file does not load
    (command,) = out.splitlines()
    (told,) = err.splitlines()[:-1]  # the diagnostic, then "1 error"
    where, message = told.split(": ", 1)
    path, line, col = where.rsplit(":", 2)
    assert command == (
        f"::error file={path},line={line},col={col},title=her-if check%3A error::{message}"
    )
