"""`her-if playtest --coverage`: the text coverage report, told.

Two columns for every unit of text (`text_units`): the explorer's verdict (`unit_verdicts`)
and, with `--walkthroughs DIR`, whether some walkthrough shows it (`walk_coverage`). The
useful list is the second: text a player can meet that no walkthrough pins. The report never
fails a playtest: text no state shows is already the explorer's defect (a text condition
always false, alternatives never shown, a scene never reached).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from her_if.analysis.explore_tree import Walk
from her_if.analysis.text_units import KINDS, text_units
from her_if.analysis.unit_verdicts import VERDICTS, Judged, Verdict, judge_units
from her_if.analysis.walk_coverage import Shown, walkthrough_shown
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.wording import count
from her_if.loading.diagnostics import display_path


@frozen
class Coverage:
    """Every unit judged by the explorer, and what the walkthroughs showed (None: none run)."""

    judged: tuple[Judged, ...]
    complete: bool
    walkthroughs: str | None = None
    """The folder they were read from, as the report names it."""
    shown: Shown | None = None

    def of(self, verdict: Verdict) -> list[Judged]:
        return [j for j in self.judged if j.verdict == verdict]

    @property
    def unwalked(self) -> list[Judged]:
        """The units no walkthrough shows, those the explorer can show first."""
        if self.shown is None:
            return []
        missed = [j for j in self.judged if j.unit.key not in self.shown]
        return sorted(missed, key=lambda j: VERDICTS.index(j.verdict))


def text_coverage(story: Story, walk: Walk, walkthroughs: Path | None = None) -> Coverage:
    """The coverage of the story's text by the explorer's walk, and by the walkthroughs in
    a folder if one is given."""
    judged = judge_units(story, walk, text_units(story))
    if walkthroughs is None:
        return Coverage(judged, walk.complete)
    shown = walkthrough_shown(story, walkthroughs)
    return Coverage(judged, walk.complete, display_path(walkthroughs), shown)


def coverage_lines(coverage: Coverage) -> Iterator[str]:
    judged = coverage.judged
    yield f"text coverage (the explorer): {_tally(judged)}"
    for kind in KINDS:
        of_kind = [j for j in judged if j.unit.kind == kind]
        if of_kind:
            yield f"  {kind}: {_tally(of_kind)}"
    never = coverage.of("never")
    yield f"text never shown: {len(never)}"
    yield from (f"  {_told(j)}: {j.why}" for j in never)
    unknown = coverage.of("unknown")
    if unknown:
        yield f"text the explorer cannot judge: {len(unknown)}"
        yield from (f"  {_told(j)}: {j.why}" for j in unknown)
    if coverage.shown is not None:
        walked = len(judged) - len(coverage.unwalked)
        yield (
            f"text coverage (walkthroughs in {coverage.walkthroughs}): {walked:,} of "
            f"{count(len(judged), 'unit')} shown"
        )
        missed = coverage.unwalked
        yield f"text no walkthrough shows: {len(missed)}"
        yield from (f"  {_told(j)} (explorer: {j.verdict})" for j in missed)


def _tally(judged: list[Judged] | tuple[Judged, ...]) -> str:
    said = ", ".join(f"{sum(j.verdict == v for j in judged):,} {v}" for v in VERDICTS)
    return f"{count(len(judged), 'unit')}: {said}"


def _told(judged: Judged) -> str:
    unit = judged.unit
    return f"{unit.pos}: {unit.scene}, {unit.name}: '{unit.excerpt}'"


def coverage_json(coverage: Coverage) -> dict[str, object]:
    judged = coverage.judged
    out: dict[str, object] = {
        "complete": coverage.complete,
        "units": len(judged),
        **{v: len(coverage.of(v)) for v in VERDICTS},
        "kinds": {
            kind: {
                "units": sum(j.unit.kind == kind for j in judged),
                **{
                    v: sum(j.unit.kind == kind and j.verdict == v for j in judged) for v in VERDICTS
                },
            }
            for kind in KINDS
        },
        "never_shown": [_unit_json(j) for j in coverage.of("never")],
        "unknown_units": [_unit_json(j) for j in coverage.of("unknown")],
    }
    if coverage.shown is not None:
        out["walkthroughs"] = {
            "folder": coverage.walkthroughs,
            "shown": len(judged) - len(coverage.unwalked),
            "not_shown": [_unit_json(j) for j in coverage.unwalked],
        }
    return out


def _unit_json(judged: Judged) -> dict[str, object]:
    unit = judged.unit
    out: dict[str, object] = {
        "scene": unit.scene,
        "kind": unit.kind,
        "unit": unit.name,
        "pos": str(unit.pos),
        "text": unit.excerpt,
        "explorer": judged.verdict,
    }
    if judged.why:
        out["why"] = judged.why
    return out
