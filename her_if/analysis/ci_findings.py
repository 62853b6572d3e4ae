"""`check`'s and `playtest`'s findings as CI cases: one function per report part.

Each function turns one part of a report into `ci_formats.Case`s, one per check it makes
(a kind of finding, a walkthrough), each finding placed where the text report places it, so
`--github` and `--junit` say what the report says, on the same lines. A new report part (the
consequences, the text coverage) adds one function here. Paths are as the reports print them:
relative to the working folder, which in CI is the checkout GitHub resolves them from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from her_if.analysis.ci_formats import Annotation, Case, Level, case

if TYPE_CHECKING:  # `check --github` must not import the explorer, nor PyYAML through scripts
    from her_if.analysis.consequences import Consequences
    from her_if.analysis.explore import Exploration, Finding
    from her_if.analysis.playtest import WalkthroughResult
    from her_if.analysis.randomplay import Failure, RandomReport
    from her_if.core.model import Position, Story

_CHECK = "her-if check"
_PLAYTEST = "her-if playtest"


def check_cases(report: Mapping[str, Any]) -> list[Case]:
    """A `check --json` report (or `check.error_report` of a story that does not load): its
    errors fail the case 'loads', its warnings are listed under 'warnings'."""
    return [
        case("check", "loads", _problems(report["errors"], "error")),
        case("check", "warnings", _problems(report["warnings"], "warning")),
    ]


def _problems(found: Iterable[Mapping[str, Any]], level: Level) -> list[Annotation]:
    """Diagnostics as `Diagnostic.as_json` keeps them, the cause an error follows named."""
    return [
        Annotation(
            level,
            str(d["file"]),
            int(d["line"]),
            int(d["column"]),
            f"{_CHECK}: {level}",
            str(d["message"])
            + (f" (this follows from the error at {d['follows']})" if "follows" in d else ""),
        )
        for d in found
    ]


_KINDS: tuple[tuple[str, str, str, Level], ...] = (
    ("dead_ends", "dead ends", "dead end", "error"),
    ("softlocks", "softlocks", "softlock", "error"),
    ("unreachable_choices", "choices never on offer", "choice never on offer", "error"),
    ("always_true", "conditions always true", "condition always true", "error"),
    ("always_false", "conditions always false", "condition always false", "error"),
    ("clamps", "counters held at a bound", "counter clamped", "warning"),
)
"""Each kind of positioned finding: its `Exploration` field, its case's name, the title of
its annotations and their level (clamps are not defects: `playtest` still exits 0)."""


def exploration_cases(story: Story, found: Exploration) -> list[Case]:
    """The exhaustive explorer's findings, every one (the text report lists 20 of a kind)."""
    stopped = []
    if not found.complete:  # told at the start, where the walk began: it has no place of its own
        stopped.append(
            _at(
                story.scenes[story.start].pos,
                "error",
                "exploration stopped",
                f"the walk stopped at its cap of {found.max_states:,} states, so what it did "
                "not reach is not proved; raise --max-states, or make fewer choices depend on "
                "state",
            )
        )
    cases = [case("exhaustive", "every state explored", stopped)]
    for field, name, title, level in _KINDS:
        cases.append(_kind(story, name, title, level, getattr(found, field)))
    unreachable = [
        _at(story.scenes[sid].pos, "error", "unreachable scene", f"scene '{sid}' is never reached")
        for sid in found.unreachable_scenes
    ]
    cases.append(case("exhaustive", "unreachable scenes", unreachable))
    return cases


def _kind(story: Story, name: str, title: str, level: Level, findings: Iterable[Finding]) -> Case:
    from her_if.analysis.playtest import finding_place  # only playtest's path needs it

    told = []
    for finding in findings:
        pos, named = finding_place(story, finding)
        path = " ".join(finding.path) or "(the start)"
        told.append(_at(pos, level, title, f"{named}: {finding.message}\npath: {path}"))
    return case("exhaustive", name, told)


def random_cases(story: Story, played: RandomReport) -> list[Case]:
    """Random play is one check. Its failures are told once per place and kind, with how
    many playthroughs met it and the shortest of them: ten thousand playthroughs caught in
    one loop are one finding on one line, not ten thousand paths of 2,000 steps."""
    met: dict[tuple[str, str], list[Failure]] = {}
    for failure in played.failures:
        met.setdefault((failure.scene, failure.message), []).append(failure)
    failed = []
    for (scene, message), those in met.items():
        first = min(those, key=lambda f: len(f.path))
        failed.append(
            _at(
                story.scenes[scene].pos,
                "error",
                "random play failed",
                f"{scene}: {message}\n{len(those):,} of {played.playthroughs:,} playthroughs; "
                f"the shortest, playthrough {first.playthrough} (seed {first.seed}): "
                f"{' '.join(first.path) or '(the start)'}",
            )
        )
    name = f"{played.playthroughs:,} random playthroughs (seed {played.seed})"
    return [case("random", name, failed)]


def walkthrough_cases(results: Iterable[WalkthroughResult]) -> list[Case]:
    """One case per walkthrough file, each failure at the step it names when it names one
    (`run_script` starts such a failure with the step's `file:line:col`), else at the file."""
    return [
        case(
            "walkthroughs",
            r.path,
            [_walkthrough_failure(r.path, failure) for failure in r.failures],
            file=r.path,
        )
        for r in results
    ]


def _walkthrough_failure(path: str, failure: str) -> Annotation:
    step = re.match(rf"{re.escape(path)}:(\d+):(\d+): ", failure)
    if step is not None:
        line, col = int(step[1]), int(step[2])
        message = failure[step.end() :]
    else:
        line = col = 1
        message = failure.removeprefix(f"{path}: ")
    return Annotation("error", path, line, col, f"{_PLAYTEST}: walkthrough failed", message)


def consequence_cases(found: Consequences) -> list[Case]:
    """`--consequences`: each false choice fails the case, at the choice."""
    from her_if.analysis.consequence_report import false_message

    false = [
        _at(
            c.choice.pos,
            "error",
            "false choice",
            f"{c.scene}, choice '{c.choice.id}': {false_message(c)}",
        )
        for c in found.false_choices
    ]
    return [case("consequences", "no false choices", false)]


def _at(pos: Position, level: Level, title: str, message: str) -> Annotation:
    return Annotation(level, pos.path, pos.line, pos.column, f"{_PLAYTEST}: {title}", message)
