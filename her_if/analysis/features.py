"""How many of each construct of the scene format a story uses: `check --json`'s `features`.

Counted from the model, where each construct is written (a text, a condition, an effect, a
choice), so the count says what the author wrote, not how often play meets it. The keys are
`check_report.Features'`. Each scene's are counted by the one walk `check_facts` makes of the
scene (which gathers its words and what it reads at the same time, and which a check from
facts kept per file does not repeat); this module adds up a story's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields

from her_if.analysis.check_report import Features
from her_if.core.model import MAX_CALL_DEPTH


def total(counts: Iterable[Mapping[str, int]]) -> Features:
    """The story's use of each construct (see `Features`), from each scene's counts by name."""
    found = dict.fromkeys((f.name for f in fields(Features)), 0)
    for count in counts:
        for name, times in count.items():
            found[name] += times
    return Features(**{**found, "max_call_depth": MAX_CALL_DEPTH})
