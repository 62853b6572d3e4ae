"""GitHub workflow commands and JUnit XML: escaped as the runner reads them, well formed
whatever a story's text holds, with counts a CI server can trust."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from her_if.analysis.ci_findings import walkthrough_cases
from her_if.analysis.ci_formats import Annotation, Case, case, github_commands, junit_xml
from her_if.analysis.playtest import WalkthroughResult

HOSTILE = "Her\x1b]0;pwned\x07 %0A 100%\r\n::error file=x.yaml::forged, a: b\x00\ufffe\ud800"
"""A title or id a stranger's pack could carry: an escape sequence that retitles the window,
a newline followed by a forged workflow command, what looks like an escape already, and
characters XML 1.0 cannot hold."""


def _at(level: str = "error", message: str = "m", **fields: object) -> Annotation:
    values: dict[str, object] = {
        "level": level,
        "file": "one.yaml",
        "line": 3,
        "col": 5,
        "title": "t",
        "message": message,
        **fields,
    }
    return Annotation(**values)  # type: ignore[arg-type]


def test_data_and_properties_are_escaped_as_the_runner_unescapes_them() -> None:
    (line,) = github_commands(
        [_at(file="a,b:c%.yaml", title="dead end: here, now", message="50% done\r\nnext: a, b")]
    )
    assert line == (
        "::error file=a%2Cb%3Ac%25.yaml,line=3,col=5,title=dead end%3A here%2C now"
        "::50%25 done%0Anext: a, b"
    )  # the message keeps its colons and commas; only the properties escape them


def test_each_level_is_its_own_command() -> None:
    levels = [
        line.split(" ", 1)[0] for line in github_commands(map(_at, ("error", "warning", "notice")))
    ]
    assert levels == ["::error", "::warning", "::notice"]


def test_a_hostile_story_cannot_forge_a_command_or_send_an_escape() -> None:
    lines = github_commands([_at(file=f"{HOSTILE}.yaml", title=HOSTILE, message=HOSTILE)])
    assert len(lines) == 1  # no newline survives to start a second command
    (line,) = lines
    assert not set(line) & {"\n", "\r", "\x1b", "\x07", "\x00"}
    head, message = line[2:].split("::", 1)  # the runner splits at the first '::'
    parts = head.split(",")
    assert len(parts) == 4 and parts[1:3] == ["line=3", "col=5"]  # no property was split
    assert head.startswith("error file=Her %250A 100%25%0A%3A%3Aerror file=x.yaml%3A%3A")
    assert message == "Her %250A 100%25%0A::error file=x.yaml::forged, a: b\ufffe\ufffd"


def test_junit_is_well_formed_and_counts_cases_and_failures() -> None:
    cases = [
        case("exhaustive", "dead ends", [_at(message="one.pit: no choice\npath: right")]),
        case("exhaustive", "softlocks", []),
        case("exhaustive", "clamps", [_at("warning", "held at 2")]),
        case("walkthroughs", "w/a.yaml", [_at(file="w/a.yaml"), _at(file="w/a.yaml", line=9)]),
    ]
    root = ET.fromstring(junit_xml("her-if playtest", cases))
    assert (root.tag, root.get("name"), root.get("tests"), root.get("failures")) == (
        "testsuites",
        "her-if playtest",
        "4",
        "2",
    )
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("exhaustive", "3", "1"),
        ("walkthroughs", "1", "1"),
    ]
    dead, soft, clamps = suites[0].findall("testcase")
    assert dead.attrib == {
        "classname": "her-if playtest.exhaustive",
        "name": "dead ends",
        "file": "one.yaml",
        "line": "3",
    }
    failure = dead.find("failure")
    assert failure is not None
    assert failure.get("message") == "one.yaml:3:5: one.pit: no choice"
    assert failure.text == "one.yaml:3:5: error: one.pit: no choice\npath: right"
    assert list(soft) == [] and "file" not in soft.attrib  # passed, and placed nowhere
    assert clamps.find("failure") is None  # a warning passes, and is still told
    assert clamps.findtext("system-out") == "one.yaml:3:5: warning: held at 2"
    (walk,) = suites[1].findall("testcase")
    assert walk.find("failure").get("message").endswith("(and 1 more)")  # type: ignore[union-attr]


def test_junit_of_a_hostile_story_parses_back_cleaned() -> None:
    text = junit_xml(HOSTILE, [case(HOSTILE, HOSTILE, [_at(title=HOSTILE, message=HOSTILE)])])
    root = ET.fromstring(text)  # raises on any character XML cannot hold
    testcase = root.find("testsuite/testcase")
    assert testcase is not None
    name = testcase.get("name")
    assert name is not None and name.startswith("Her %0A 100%\n::error file=x.yaml::forged")
    assert "\x1b" not in text and "pwned" not in text and "\x00" not in text
    assert "\ufffe" not in text and name.endswith("a: b\ufffd\ufffd")


def test_a_case_is_placed_at_its_file_or_its_first_finding() -> None:
    assert case("p", "n", [_at(line=7), _at(line=2)]) == Case(
        "p", "n", (_at(line=7), _at(line=2)), "one.yaml", 7
    )
    assert case("p", "n", [], file="w.yaml") == Case("p", "n", (), "w.yaml", 1)


def test_a_walkthrough_failure_is_placed_at_its_step_else_at_its_file() -> None:
    result = WalkthroughResult(
        "w/a.yaml",
        (
            "w/a.yaml:4:12: no choice 'nope' in scene 'one.gate'",
            "w/a.yaml: expected ending 'rich', got no ending",
        ),
        2,
        "one.gate",
    )
    (walk,) = walkthrough_cases([result])
    assert [(f.file, f.line, f.col, f.message) for f in walk.failures] == [
        ("w/a.yaml", 4, 12, "no choice 'nope' in scene 'one.gate'"),
        ("w/a.yaml", 1, 1, "expected ending 'rich', got no ending"),
    ]
    assert (walk.name, walk.file, walk.line) == ("w/a.yaml", "w/a.yaml", 1)
