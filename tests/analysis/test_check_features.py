"""`check --json` says how many of each construct a story uses, under `features`: counted
where each is written, with the bound on calls beside them. The fixture story
(tests/fixtures/constructs) uses every construct, so each count is known."""

from __future__ import annotations

import json
from dataclasses import asdict

from her_if.analysis.check import features, report
from her_if.analysis.check_report import FEATURES_SHAPE, Features
from her_if.core.model import MAX_CALL_DEPTH
from her_if.loading.loader import load_story
from tests.conftest import WriteStory
from tests.support.cli import run_cli
from tests.support.paths import CONSTRUCTS

EVERY_CONSTRUCT = {
    "inline_conditionals": 1,
    "switches": 1,
    "alternatives_seq": 1,
    "alternatives_cycle": 1,
    "alternatives_once": 1,
    "alternatives_shuffle": 1,
    "printed_expressions": 3,
    "visits_reads": 1,
    "expression_effects": 3,
    "draws": 2,
    "calls": 4,
    "returns": 3,
    "fallbacks": 1,
    "closed_choices": 1,
    "echoes": 2,
    "max_call_depth": MAX_CALL_DEPTH,
}
"""What the fixture writes: the hall's `{if}`, `{case}`, `seq:` paragraph, `{cycle}` and
`visits()`; the dice's two draws; the drawer's, the card's and the letter's calls and the
write's; the drawer's `{once}`, the card's `{shuffle}`; three returns (the drawer's choice, the
card's pause, the pen); the printed counts of the hall, the letter sent and the window; the
window's fallback; the door closed and echoed, and the drawer's echo."""

NESTED = """\
act: one
scenes:
  hall:
    title: The hall
    text:
      - text: "{seq: {if met: {= visits(\\"one.hall\\")} | no} | {case mood | wild: w | else: e}}"
      - text: A quiet hall.
        if: visits("one.hall") > 1
        else: The hall, again.
    choices:
      - text: Wait.
        to: hall
        if: visits("one.room") == 0
      - text: In.
        to: room
  room:
    title: The room
    text: A room.
    choices:
      - text: On.
        to: end
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""
"""Constructs inside constructs, and a whole paragraph with `else:`, in the tiny story."""


def test_a_story_of_every_construct_counts_each() -> None:
    found = features(load_story(CONSTRUCTS))
    assert asdict(found) == EVERY_CONSTRUCT
    assert list(EVERY_CONSTRUCT) == list(FEATURES_SHAPE)


def test_nested_constructs_count_each_where_it_is_written(write_story: WriteStory) -> None:
    found = features(load_story(write_story({"one.yaml": NESTED})))
    assert found.alternatives_seq == 1 and found.switches == 1
    assert found.inline_conditionals == 2  # the `{if}` in the `{seq}`, and the `else:` paragraph
    assert found.printed_expressions == 1
    assert found.visits_reads == 3  # printed, a paragraph's condition, a choice's condition


def test_a_story_without_them_counts_none_but_the_bound(write_story: WriteStory) -> None:
    found = features(load_story(write_story()))
    assert asdict(found) == {**dict.fromkeys(EVERY_CONSTRUCT, 0), "max_call_depth": 8}


def test_check_json_reports_them_and_the_cache_keeps_them() -> None:
    first = report(load_story(CONSTRUCTS))
    assert first["features"] == EVERY_CONSTRUCT
    for _ in range(2):  # the second answered from the story cache
        out, err, status = run_cli("check", "--json", "--story", str(CONSTRUCTS))
        assert status == 0, err
        assert json.loads(out)["features"] == EVERY_CONSTRUCT


def test_features_are_a_dataclass_of_counts() -> None:
    assert set(FEATURES_SHAPE.values()) == {int}
    assert Features(**EVERY_CONSTRUCT) == features(load_story(CONSTRUCTS))
