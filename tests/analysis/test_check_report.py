"""The check report has one shape, written in `analysis.check_report`: `check` prints it and
the story cache holds a kept report to it."""

from __future__ import annotations

from her_if.analysis.check import error_report, report
from her_if.analysis.check_report import PACK_SHAPE, PROBLEMS, REPORT_SHAPE, WARNING_SHAPE
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ROOT, STORY
from tests.support.paths import FLAWED


def shaped(value: object, shape: dict[str, type]) -> bool:
    return isinstance(value, dict) and {k: type(v) for k, v in value.items()} == shape


def test_a_report_has_the_shape_in_its_order() -> None:
    found = report(load_story(STORY, [ROOT / "examples" / "packs" / "amys-documentary"]))
    assert list(found) == list(REPORT_SHAPE) and list(found)[-2:] == list(PROBLEMS)
    assert shaped(found, REPORT_SHAPE)
    assert found["packs"] and all(shaped(pack, PACK_SHAPE) for pack in found["packs"])


def test_warnings_have_the_shape_the_cache_keeps() -> None:
    found = report(load_story(FLAWED))
    assert found["warnings"] and all(shaped(w, WARNING_SHAPE) for w in found["warnings"])


def test_an_error_report_has_the_same_keys_and_no_facts() -> None:
    try:
        load_story(ROOT / "tests" / "fixtures" / "no-such-story")
    except StoryError as err:
        found = error_report(err)
    else:
        raise AssertionError("a story that is not there loaded")
    assert list(found) == list(REPORT_SHAPE)
    assert {k: v for k, v in found.items() if k not in PROBLEMS} == dict.fromkeys(
        k for k in REPORT_SHAPE if k not in PROBLEMS
    )
    assert found["errors"] and found["warnings"] == []
