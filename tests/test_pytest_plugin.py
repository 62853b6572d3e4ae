"""The pytest plugin (her_if/pytest_plugin.py), proved where an author would use it: in a folder
of their own, outside this repository, with a pytest.ini naming their story and walkthroughs.

`pytester` builds that folder and runs pytest in it, the first time in a fresh process, so
that what is proved includes the `pytest11` entry point that registers the plugin. The
project's own use of it (pyproject.toml's `her_if_story`) is proved at the end.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, STORY, WALKTHROUGHS
from tests.support.paths import CONSTRUCTS, PACKS

HARBOR = PACKS / "story"
"""A tiny story that explores clean: a pier, a boat, two endings."""
PLUGIN = ROOT / "tests" / "fixtures" / "plugin" / "walkthroughs"
"""Two walkthroughs of the harbor: `home.yaml` holds, `sail.yaml` fails at its second step."""


@pytest.fixture(autouse=True)
def not_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The author's pytest runs as on their own machine: on a CI server (`CI` set) pytest's
    summary repeats each failure whole, so every line a test counts would appear twice more."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)


INI = """\
[pytest]
her_if_story = {story}
her_if_walkthroughs = walkthroughs
"""


def author_folder(pytester: pytest.Pytester, story: Path, *walkthroughs: Path, **ini: str) -> None:
    """An author's folder: their story copied in as `story/`, their walkthroughs in
    `walkthroughs/`, and a pytest.ini naming both (with any further `ini` options)."""
    shutil.copytree(story, pytester.path / "story")
    folder = pytester.mkdir("walkthroughs")
    for path in walkthroughs:
        shutil.copy(path, folder / path.name)
    extra = "".join(f"{name} = {value}\n" for name, value in ini.items())
    pytest_ini(pytester, INI.format(story="story") + extra)


def pytest_ini(pytester: pytest.Pytester, text: str) -> None:
    """The folder's pytest.ini, as an author would write it."""
    pytester.makefile(".ini", pytest=text)


def walkthrough(pytester: pytest.Pytester, name: str, text: str) -> None:
    (pytester.path / "walkthroughs" / name).write_text(text, encoding="utf-8")


def test_each_walkthrough_is_a_test_and_a_failure_shows_step_expectation_and_transcript(
    pytester: pytest.Pytester,
) -> None:
    author_folder(pytester, HARBOR, PLUGIN / "home.yaml", PLUGIN / "sail.yaml")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)  # the two walkthroughs, and the playtest
    result.stdout.fnmatch_lines(
        [
            "*_ walkthrough sail.yaml _*",
            "walkthrough walkthroughs/sail.yaml",
            "  step:     walkthroughs/sail.yaml:4:17: choose 'sea' (step 2 of 2)",
            "  expected: 'sea' on offer, then ending 'sailed', coins = 1",
            "  happened:",
            "    walkthroughs/sail.yaml:4:17: choice 'sea' exists in scene 'dock.boat' but is not "
            "on offer now (on offer: steady, pier)",
            "  last lines of the transcript:",
            "    [dock.pier] Boats knock against the pier. You have 2 coins.",
            "      > Walk to the boat.",
            "    [dock.boat] The boat rocks under you.",
            "*short test summary*",
            "FAILED walkthroughs/sail.yaml::walkthrough - *",
        ]
    )
    output = result.stdout.str()
    assert "Traceback" not in output and "pytest_plugin.py" not in output
    assert "home.yaml::walkthrough" not in output  # it passed


def test_a_long_transcript_is_cut_to_its_last_lines(pytester: pytest.Pytester) -> None:
    """The film's walkthrough on the shipped story (given by an absolute path), expected to stop
    in the first act: the failure shows the ten lines where the game went instead."""
    pytester.mkdir("walkthroughs")
    pytest_ini(pytester, INI.format(story=STORY) + "her_if_playtest = false\n")
    film = (WALKTHROUGHS / "film.yaml").read_text(encoding="utf-8")
    walkthrough(
        pytester, "film.yaml", film.split("expect:")[0] + "expect: {scene: installation.office}\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    lines = result.stdout.str().splitlines()
    [header] = [i for i, line in enumerate(lines) if "last lines of the transcript" in line]
    assert (
        lines[header].startswith("  last lines of the transcript (") and "left out" in lines[header]
    )
    tail = lines[header + 1 : header + 11]
    assert all(line.startswith("    ") for line in tail) and not lines[header + 11].startswith(
        "    "
    )
    assert tail[-1].startswith("    [departure.roof] (ending 'sunrise') ")
    assert any(line.startswith("      > ") for line in tail)


def test_a_walkthrough_must_pin_where_it_stops(pytester: pytest.Pytester) -> None:
    """A script that holds but says nowhere it stops would keep passing whatever an edit did
    to where it goes: it fails, naming the pin to add."""
    author_folder(pytester, HARBOR, her_if_playtest="false")
    walkthrough(pytester, "home.yaml", "choices: [home]\n")
    walkthrough(pytester, "boat.yaml", "choices: [boat, steady]\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    output = result.stdout.str()
    assert (
        "walkthroughs/home.yaml: pins neither the ending it reaches nor the scene it stops at, "
        "so a story edit that moves its stop would pass unnoticed: add expect: {ending: slept}"
    ) in output
    assert "add expect: {scene: dock.boat}" in output


def test_a_walkthrough_that_does_not_load_lists_every_message(pytester: pytest.Pytester) -> None:
    author_folder(pytester, HARBOR, her_if_playtest="false")
    walkthrough(pytester, "typo.yaml", "choices: [home]\nexpect: {ending: slep, scene: dock.hom}\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "walkthrough walkthroughs/typo.yaml does not load:",
            "  walkthroughs/typo.yaml:2:18: the story has no ending 'slep' (did you mean 'slept'?)",
            "  walkthroughs/typo.yaml:2:31: unknown scene 'dock.hom'*did you mean 'dock.home'?)",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_story_that_does_not_load_fails_every_item_with_every_message(
    pytester: pytest.Pytester,
) -> None:
    author_folder(pytester, HARBOR, PLUGIN / "home.yaml")
    dock = pytester.path / "story" / "dock.yaml"
    text = dock.read_text(encoding="utf-8")
    dock.write_text(text.replace("to: boat", "to: bote").replace("to: sea", "to: see"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)  # the walkthrough and the playtest, each saying why
    output = result.stdout.str()
    said = [
        "the story story (her_if_story) does not load:",
        "  story/dock.yaml:8:13: choice 1 of scene 'pier' goes to unknown scene 'bote' (did you "
        "mean 'boat'?)",
        "  story/dock.yaml:16:13: choice 1 of scene 'boat' goes to unknown scene 'see' (did you "
        "mean 'sea'?)",
        "  story/dock.yaml:21:13: choice 'steady' goes to unknown scene 'bote' (did you mean "
        "'boat'?)",
    ]
    for line in said:
        assert output.splitlines().count(line) == 2, line
    assert "Traceback" not in output


def test_the_playtest_fails_on_a_planted_dead_end_naming_it(pytester: pytest.Pytester) -> None:
    author_folder(pytester, CONSTRUCTS / "random-dead-end")
    result = pytester.runpytest("-rf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ playtest of story _*",
            "The Die: exhaustive exploration: 5 states, * complete",
            "dead ends: 1",
            "  story/a.yaml:11:3: a.result: no choice is on offer here and it is not an ending "
            "(roll = 2)*",
            "    path: roll",
            "1 defect",
            "FAILED walkthroughs::playtest - *",
        ]
    )


def test_the_playtest_passes_on_a_clean_story_and_can_be_switched_off(
    pytester: pytest.Pytester,
) -> None:
    author_folder(pytester, HARBOR)
    pytester.runpytest().assert_outcomes(passed=1)
    pytest_ini(pytester, INI.format(story="story") + "her_if_playtest = false\n")
    result = pytester.runpytest("--collect-only", "-q")
    assert "walkthroughs::playtest" not in result.stdout.str()
    pytest_ini(pytester, INI.format(story="story") + "her_if_playtest = perhaps\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "her_if_playtest: invalid truth value 'perhaps'; write true or false" in str(
        result.stderr
    )


def test_packs_are_given_after_the_story(pytester: pytest.Pytester) -> None:
    """`her_if_story` takes the story folder and then its packs, one a line: the lantern pack's
    walkthrough holds only with the pack layered on the harbor."""
    author_folder(pytester, HARBOR, PACKS / "walkthroughs" / "lantern.yaml")
    pytester.runpytest().assert_outcomes(passed=1, failed=1)  # no pack: no 'dock.lighthouse'
    pytest_ini(pytester, INI.format(story=f"\n    story\n    {PACKS / 'lantern'}"))
    pytester.runpytest().assert_outcomes(passed=2)


def test_nothing_is_collected_until_a_story_is_configured(pytester: pytest.Pytester) -> None:
    """pytest loads the plugin in every project where her-if is installed: it must leave
    their YAML files alone. Once `her_if_story` is set, the same folder is the walkthroughs
    folder by default."""
    shutil.copytree(HARBOR, pytester.path / "story")
    (pytester.path / "tests" / "walkthroughs").mkdir(parents=True)
    shutil.copy(PLUGIN / "home.yaml", pytester.path / "tests" / "walkthroughs")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    pytest_ini(pytester, "[pytest]\nher_if_story = story\n")
    pytester.runpytest().assert_outcomes(passed=2)  # the walkthrough and the playtest


def test_a_missing_walkthroughs_folder_is_warned_of(pytester: pytest.Pytester) -> None:
    shutil.copytree(HARBOR, pytester.path / "story")
    pytest_ini(pytester, "[pytest]\nher_if_story = story\nher_if_walkthroughs = walkthrough\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["*her_if_walkthroughs = walkthrough: no such folder below *"])


# -- the project's own suite ------------------------------------------------------------------


def collected(*paths: str) -> list[str]:
    """The node ids `pytest --collect-only` lists for `paths`, run from the repository root."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_shipped_walkthroughs_are_items_of_the_projects_own_suite() -> None:
    names = sorted(path.name for path in WALKTHROUGHS.glob("*.yaml"))
    assert len(names) >= 20
    assert collected("tests/walkthroughs") == [
        *(f"tests/walkthroughs/{name}::walkthrough" for name in names),
        "tests/walkthroughs::playtest",
    ]
    assert collected("tests/support") == []  # a run of another folder collects none of them


def test_nothing_in_the_package_imports_the_plugin_or_pytest() -> None:
    """pytest stays a test-only dependency: the plugin is the top of the package, and only
    pytest itself loads it."""
    plugin = ROOT / "her_if" / "pytest_plugin.py"
    wrong = []
    for path in sorted((ROOT / "her_if").rglob("*.py")):
        if path == plugin:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            wrong += [f"{path}: {n}" for n in names if n.split(".")[0] == "pytest"]
            wrong += [f"{path}: {n}" for n in names if n.startswith("her_if.pytest_plugin")]
            if isinstance(node, ast.ImportFrom) and node.module == "her_if":
                wrong += [
                    f"{path}: her_if.{a.name}" for a in node.names if a.name == "pytest_plugin"
                ]
    assert wrong == []


def test_loading_the_plugin_loads_none_of_the_story_machinery() -> None:
    """Every pytest run in an environment with her-if loads the plugin, configured or not."""
    probe = "import sys, her_if.pytest_plugin; print(sorted(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    modules = set(ast.literal_eval(result.stdout))
    assert "her_if.pytest_plugin" in modules
    assert not {"yaml", "her_if.loading.loader", "her_if.analysis.explore"} & modules
