"""`her-if playtest`: the explorer's, the random player's and the walkthroughs' findings, told.

The analyses live in `explore`, `randomplay` and `script`; this module only turns their
results into the two forms testers read: a summary in which every finding starts with the
`file:line:col` of the scene it concerns (so an editor can jump there) followed by the
choices that reach it, and one JSON object for tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from her_if.analysis.check import state_usage
from her_if.analysis.explore import LIST_LIMIT, Exploration, Finding
from her_if.analysis.explore import Path as Witness
from her_if.analysis.explore_findings import findings
from her_if.analysis.explore_tree import Walk
from her_if.analysis.odds import Odds
from her_if.analysis.odds import odds as exact_odds
from her_if.analysis.randomplay import RandomReport
from her_if.analysis.script import load_script, run_script
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, Position, Story
from her_if.loading.gc_pause import collector_paused


@frozen
class WalkthroughResult:
    path: str
    failures: tuple[str, ...]
    choices: int
    stopped_at: str


def run_walkthroughs(story: Story, folder: Path) -> list[WalkthroughResult]:
    """Run every `*.yaml` in `folder`; raise StoryError if any file cannot be read."""
    scripts = [load_script(path, story) for path in sorted(folder.glob("*.y*ml"))]
    results = []
    for script in scripts:
        outcome = run_script(story, script)
        results.append(
            WalkthroughResult(script.path, outcome.failures, len(script.steps), outcome.state.scene)
        )
    return results


def state_findings(story: Story) -> tuple[list[str], list[str]]:
    """(written but never read, read but never written), in declaration order."""
    read, written = state_usage(story)
    names = list(story.variables)
    return [n for n in names if n in written and n not in read], [
        n for n in names if n in read and n not in written
    ]


def reported(story: Story, walk: Walk, max_states: int) -> Exploration:
    """What the walk proves, with the exact odds of a random player: the exhaustive report's
    exploration. The odds are solved here rather than in `findings`, so that an exploration
    only counted or coloured (the bench, `graph --reachable`, `--path-to`) does not pay for
    them; as `explore`, with the cycle collector held off."""
    with collector_paused():
        return replace(findings(story, walk, max_states), odds=exact_odds(story, walk))


def exploration_lines(story: Story, found: Exploration) -> Iterator[str]:
    status = (
        "complete"
        if found.complete
        else f"STOPPED at the cap of {found.max_states:,} states: the state space is too large "
        "to explore; raise --max-states, or make fewer choices depend on state"
    )
    yield (
        f"{story.full_title}: exhaustive exploration: {found.states:,} states, "
        f"{found.transitions:,} transitions, {found.terminal:,} at an ending; {status}"
    )
    yield f"endings ({len(found.endings)}):"
    odds = found.odds
    for ending in found.endings:
        yield (
            f"  {ending.id} ({ending.title}) in {ending.scene}: {ending.states:,} states"
            f"{_reached(odds, 'ending', ending.id)}; "
            f"shortest path, {len(ending.path)} choices: {' '.join(ending.path)}"
        )
    if not found.endings:
        yield "  none reached"
    if odds is not None:
        yield (
            f"a random player reaches an ending in {chance(odds.ending)} of games"
            + (
                f", after {odds.expected_choices:.1f} choices on average"
                if odds.expected_choices is not None
                else ""
            )
            + f" (exact odds, to within {odds.error:.0e})"
        )
    yield from _section(story, "dead ends", found.dead_ends, odds, "dead end")
    yield from _section(story, "softlocks", found.softlocks, odds, "softlock")
    yield f"unreachable scenes: {len(found.unreachable_scenes)}"
    for sid in found.unreachable_scenes[:LIST_LIMIT]:
        yield f"  {story.scenes[sid].pos}: scene '{sid}' is never reached"
    yield from _section(story, "choices never on offer", found.unreachable_choices)
    yield from _section(story, "conditions always true", found.always_true)
    yield from _section(story, "conditions always false", found.always_false)
    yield from _section(story, "counters held at a bound (clamped)", found.clamps)
    never_read, never_written = state_findings(story)
    yield f"state set but never read: {', '.join(never_read) or 'none'}"
    yield f"state read but never set: {', '.join(never_written) or 'none'}"
    yield (
        "no defects"
        if not found.defects
        else f"{found.defects:,} defect{'s' if found.defects != 1 else ''}"
    )


def finding_place(story: Story, finding: Finding) -> tuple[Position, str]:
    """Where a finding is told, and the words naming it: its choice's place when it concerns
    one (a choice never on offer, a condition), else its scene's. The text report and the CI
    annotations (`ci_findings`) both put a finding here, so an editor and a pull request
    agree on the line."""
    scene = story.scenes[finding.scene]
    choice = next((c for c in scene.choices if c.id == finding.choice), None)
    if choice is None:
        return scene.pos, finding.scene
    return choice.pos, f"{finding.scene}, choice '{choice.id}'"


def _section(
    story: Story,
    title: str,
    findings: tuple[Finding, ...],
    odds: Odds | None = None,
    kind: str = "",
) -> Iterator[str]:
    """One kind of finding, each at its place; a dead end or softlock with the share of
    random players it catches, when the odds are known."""
    yield f"{title}: {len(findings)}"
    for finding in findings[:LIST_LIMIT]:
        pos, named = finding_place(story, finding)
        caught = odds.of(kind, finding.scene) if odds is not None and kind else None
        said = ""
        if caught is not None:
            said = (
                f"; it catches {chance(caught.probability)} of random players"
                if caught.probability > 0
                else "; it catches no random player first (they are lost before it)"
            )
        yield f"  {pos}: {named}: {finding.message}{said}"
        yield f"    path: {' '.join(finding.path) or '(the start)'}"
    if len(findings) > LIST_LIMIT:
        yield f"  ... and {len(findings) - LIST_LIMIT:,} more (--json lists them all)"


def exploration_json(story: Story, found: Exploration) -> dict[str, object]:
    never_read, never_written = state_findings(story)
    return {
        "states": found.states,
        "transitions": found.transitions,
        "terminal": found.terminal,
        "complete": found.complete,
        "max_states": found.max_states,
        "endings": [
            {
                "id": e.id,
                "title": e.title,
                "scene": e.scene,
                "states": e.states,
                "path": list(e.path),
                **_odds_json(found.odds, "ending", e.id),
            }
            for e in found.endings
        ],
        "dead_ends": _json(found.dead_ends, found.odds, "dead end"),
        "softlocks": _json(found.softlocks, found.odds, "softlock"),
        "odds": None if found.odds is None else _all_odds_json(found.odds),
        "unreachable_scenes": list(found.unreachable_scenes),
        "unreachable_choices": _json(found.unreachable_choices),
        "always_true": _json(found.always_true),
        "always_false": _json(found.always_false),
        "clamps": _json(found.clamps),
        "state_never_read": never_read,
        "state_never_set": never_written,
        "defects": found.defects,
    }


def _json(
    findings: Iterable[Finding], odds: Odds | None = None, kind: str = ""
) -> list[dict[str, object]]:
    return [{**f.as_json(), **_odds_json(odds, kind, f.scene)} for f in findings]


def _odds_json(odds: Odds | None, kind: str, name: str) -> dict[str, object]:
    """A finding's or an ending's share of random players, and its choices on the way."""
    found = odds.of(kind, name) if odds is not None and kind else None
    if found is None:
        return {}
    return {"probability": found.probability, "expected_choices": found.choices}


def _all_odds_json(odds: Odds) -> dict[str, object]:
    return {
        "error": odds.error,
        "ending": odds.ending,
        "expected_choices": odds.expected_choices,
        "outcomes": [
            {
                "kind": o.kind,
                "name": o.name,
                "probability": o.probability,
                "expected_choices": o.choices,
            }
            for o in odds.outcomes
        ],
    }


def _reached(odds: Odds | None, kind: str, name: str) -> str:
    found = odds.of(kind, name) if odds is not None else None
    if found is None:
        return ""
    if found.choices is None:
        return "; no random player reaches it"
    return (
        f"; {chance(found.probability)} of random players, "
        f"after {found.choices:.1f} choices on average"
    )


def _exactly(odds: Odds | None, ending: str) -> str:
    found = odds.of("ending", ending) if odds is not None else None
    return "" if found is None else f"; exactly {chance(found.probability)}"


def chance(p: float) -> str:
    """A probability as a percentage: one decimal, or two figures when it is below 0.1%
    (so a rare ending never reads as none)."""
    if p <= 0:
        return "0%"
    if p < 0.001:
        return f"{100 * p:.2g}%"
    return f"{100 * p:.1f}%"


def random_lines(story: Story, report: RandomReport, odds: Odds | None = None) -> Iterator[str]:
    """The random playthroughs, told; with the exact odds (`--exhaustive` too), each ending's
    share beside the one sampled."""
    scenes = len(story.scenes)
    choices, pauses = _choices_and_pauses(story)
    taken, passed = _taken_and_passed(report)
    yield (
        f"{story.full_title}: {report.playthroughs:,} random playthroughs (seed {report.seed}), "
        f"{report.choices:,} choices made"
    )
    yield f"scenes seen: {len(report.scenes_seen)}/{scenes} ({_percent(len(report.scenes_seen), scenes)})"
    yield f"choices taken: {taken}/{choices} ({_percent(taken, choices)})"
    yield f"pauses passed: {passed}/{pauses} ({_percent(passed, pauses)})"
    unseen = [sid for sid in story.scenes if sid not in report.scenes_seen]
    if unseen:
        yield f"  never seen: {', '.join(unseen[:LIST_LIMIT])}" + (
            f" ... and {len(unseen) - LIST_LIMIT} more" if len(unseen) > LIST_LIMIT else ""
        )
    total = sum(report.endings.values()) or 1
    yield "endings: " + (
        ", ".join(
            f"{eid} {count:,} ({_percent(count, total)}{_exactly(odds, eid)})"
            for eid, count in sorted(report.endings.items(), key=lambda kv: -kv[1])
        )
        or "none"
    )
    yield f"failures: {len(report.failures)}"
    for failure in report.failures[:LIST_LIMIT]:
        yield (
            f"  playthrough {failure.playthrough} (seed {failure.seed}) at "
            f"{story.scenes[failure.scene].pos}: {failure.scene}: {failure.message}"
        )
        yield f"    path: {' '.join(failure.path) or '(the start)'}"


def random_json(story: Story, report: RandomReport) -> dict[str, object]:
    choices, pauses = _choices_and_pauses(story)
    taken, passed = _taken_and_passed(report)
    return {
        "playthroughs": report.playthroughs,
        "seed": report.seed,
        "choices_made": report.choices,
        "scenes": len(story.scenes),
        "scenes_seen": sorted(report.scenes_seen),
        "scenes_never_seen": [s for s in story.scenes if s not in report.scenes_seen],
        "choices": choices,
        "choices_taken": taken,
        "pauses": pauses,
        "pauses_passed": passed,
        "endings": report.endings,
        "failures": [
            {
                "playthrough": f.playthrough,
                "seed": f.seed,
                "scene": f.scene,
                "message": f.message,
                "path": list(f.path),
            }
            for f in report.failures
        ],
    }


def walkthrough_lines(results: list[WalkthroughResult]) -> Iterator[str]:
    for result in results:
        if result.failures:
            yield f"{result.path}: FAILED"
            for failure in result.failures:
                yield f"  {failure}"
        else:
            yield f"{result.path}: ok, {result.choices} choices, stopped at {result.stopped_at}"
    failed = sum(1 for r in results if r.failures)
    yield f"walkthroughs: {len(results)} run, {failed} failed"


def walkthrough_json(results: list[WalkthroughResult]) -> list[dict[str, object]]:
    return [
        {
            "path": r.path,
            "ok": not r.failures,
            "failures": list(r.failures),
            "choices": r.choices,
            "stopped_at": r.stopped_at,
        }
        for r in results
    ]


def _choices_and_pauses(story: Story) -> tuple[int, int]:
    """The story's choices and pauses, counted as `check` counts them (`check.summarize`), so
    that every report's "choices" is the same number."""
    summary_scenes = story.scenes.values()
    return (
        sum(len(s.choices) for s in summary_scenes),
        sum(1 for s in summary_scenes if s.next is not None),
    )


def _taken_and_passed(report: RandomReport) -> tuple[int, int]:
    """Distinct choices taken and pauses passed: a pause is recorded as its `continue`."""
    passed = sum(1 for _, choice in report.choices_taken if choice == CONTINUE)
    return len(report.choices_taken) - passed, passed


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def path_lines(story: Story, scene: str, path: Witness | None, complete: bool) -> Iterator[str]:
    """The shortest way to a scene, written as a walkthrough's `choices:` line to paste."""
    where = f"{story.scenes[scene].pos}: {scene}"
    if path is None:
        why = "no state reaches it" if complete else "the walk stopped at its cap before it"
        yield f"{where}: unreachable ({why})"
        return
    yield f"{where}: {len(path)} choice{'' if len(path) == 1 else 's'} from the start"
    yield f"choices: [{', '.join(path)}]"
