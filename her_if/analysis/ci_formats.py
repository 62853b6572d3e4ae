"""What a CI server reads: GitHub Actions workflow commands and JUnit XML, from findings.

Both formats are generic here: an `Annotation` is a finding at a place, a `Case` is one check
with the findings that failed or warned it. `ci_findings` turns `check`'s and `playtest`'s
reports into them, so a new report needs one function there and nothing here.

Text from a story is untrusted. A title or an id may carry escape sequences, a newline that
would end a workflow command early and start one of the stranger's choosing, or characters
XML 1.0 cannot hold at all (which would make the whole file unreadable). So every string is
cleaned (`sanitize.clean`) before it goes in either format, then escaped for that format.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Literal

from her_if.core.frozen import frozen
from her_if.core.sanitize import clean

Level = Literal["error", "warning", "notice"]


@frozen
class Annotation:
    """A finding where GitHub shows it: on a line of a file in the pull request."""

    level: Level
    file: str
    line: int
    col: int
    title: str
    message: str


@frozen
class Case:
    """One check of a report (a kind of finding, a walkthrough): a JUnit test case. It fails
    when any of its findings is an error; warnings and notices are listed but pass, as they
    leave the command's exit status 0."""

    part: str
    """The report part it belongs to (its JUnit test suite): 'check', 'exhaustive', ..."""
    name: str
    findings: tuple[Annotation, ...] = ()
    file: str | None = None
    line: int | None = None

    @property
    def failures(self) -> tuple[Annotation, ...]:
        return tuple(f for f in self.findings if f.level == "error")


def case(part: str, name: str, findings: Iterable[Annotation], file: str | None = None) -> Case:
    """A case placed at `file` (line 1), else at its first finding, else nowhere."""
    found = tuple(findings)
    if file is not None:
        return Case(part, name, found, file, 1)
    if not found:
        return Case(part, name)
    return Case(part, name, found, found[0].file, found[0].line)


def all_findings(cases: Iterable[Case]) -> list[Annotation]:
    """Every finding of the cases, in order: what `--github` prints."""
    return [finding for each in cases for finding in each.findings]


# -- GitHub Actions workflow commands ----------------------------------------------------------


def github_commands(found: Iterable[Annotation]) -> list[str]:
    """One `::error file=…,line=…,col=…,title=…::message` line per annotation.

    The escapes are the runner's (actions/toolkit `escapeData`, `escapeProperty`): in the
    message `%`, CR and LF become `%25`, `%0D`, `%0A`; a property also escapes `:` and `,`,
    which would end it. With CR and LF escaped, nothing in a story can start a line, so
    nothing in it can be read as a command of its own."""
    return [
        f"::{a.level} file={_property(a.file)},line={a.line},col={a.col},"
        f"title={_property(a.title)}::{_data(a.message)}"
        for a in found
    ]


def _data(text: str) -> str:
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


# -- JUnit XML ---------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML 1.0 cannot hold, even as a character reference: most C0 controls, surrogates,
U+FFFE and U+FFFF. `clean` leaves the last two; one in a file would make it unreadable."""


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", clean(text))


def junit_xml(suite: str, cases: Sequence[Case]) -> str:
    """`<testsuites>` named `suite`, one `<testsuite>` per report part (in the order the parts
    come), one `<testcase>` per case, with a `<failure>` holding its errors' text and a
    `<system-out>` holding its warnings'. The counts are the attributes CI servers read."""
    parts: dict[str, list[Case]] = {}
    for each in cases:
        parts.setdefault(each.part, []).append(each)
    root = ET.Element("testsuites", _attrs(name=suite, **_counts(cases)))
    for part, members in parts.items():
        group = ET.SubElement(
            root, "testsuite", _attrs(name=part, **_counts(members), errors=0, skipped=0)
        )
        for each in members:
            _testcase(group, suite, each)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(group: ET.Element, suite: str, each: Case) -> None:
    where: dict[str, str | int] = {}
    if each.file is not None:
        where = {"file": each.file, "line": each.line or 1}
    testcase = ET.SubElement(
        group, "testcase", _attrs(classname=f"{suite}.{each.part}", name=each.name, **where)
    )
    failures = each.failures
    if failures:
        failure = ET.SubElement(
            testcase,
            "failure",
            _attrs(message=_summary(failures), type=failures[0].title),
        )
        failure.text = _xml_text(_told(failures))
    others = [f for f in each.findings if f.level != "error"]
    if others:
        ET.SubElement(testcase, "system-out").text = _xml_text(_told(others))


def _summary(failures: Sequence[Annotation]) -> str:
    first = failures[0]
    more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
    return f"{first.file}:{first.line}:{first.col}: {first.message.splitlines()[0]}{more}"


def _told(found: Iterable[Annotation]) -> str:
    """The findings as the text report words them, one `file:line:col: level: message` each."""
    return "\n".join(f"{f.file}:{f.line}:{f.col}: {f.level}: {f.message}" for f in found)


def _counts(cases: Sequence[Case]) -> dict[str, int]:
    return {"tests": len(cases), "failures": sum(1 for c in cases if c.failures)}


def _attrs(**values: str | int) -> dict[str, str]:
    return {key: _xml_text(str(value)) for key, value in values.items()}
