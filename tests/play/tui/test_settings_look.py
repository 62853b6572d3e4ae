"""What the settings change in the terminal: the theme's styles, the pace at each text speed,
the measure and margins the renderer lays text out by."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prompt_toolkit.formatted_text import StyleAndTextTuples

from her_if.persistence.profile import Settings
from her_if.play.tui import render, style
from her_if.play.tui.pace import Pace, at_speed
from her_if.play.tui.render import indented, lay_out_by, measure


@pytest.fixture(autouse=True)
def as_by_default() -> Iterator[None]:
    """The look is the terminal's for the whole process: every test leaves the default."""
    yield
    style.use_theme("default")
    lay_out_by(Settings())


async def no_sleep(seconds: float) -> None:
    raise AssertionError("nothing here sleeps")


def test_each_speed_scales_the_waits_and_instant_paces_nothing() -> None:
    pace = Pace(sleep=no_sleep)
    normal, fast, slow = (at_speed(pace, speed) for speed in ("normal", "fast", "slow"))
    assert normal == pace
    assert fast is not None and slow is not None
    assert fast.after(200) == pace.after(200) * 0.5
    assert slow.after(200) == pytest.approx(pace.after(200) * 1.75)
    assert fast.sleep is no_sleep and slow.settle == pace.settle  # its own sleep, kept
    assert at_speed(pace, "instant") is None


def test_no_pace_is_instant_whatever_speed_is_kept() -> None:
    assert all(at_speed(None, speed) is None for speed in ("fast", "normal", "slow"))


def test_the_no_colour_theme_drops_every_colour_and_keeps_bold_and_reverse() -> None:
    style.use_theme("no-colour")
    act = style.STYLE.get_attrs_for_style_str("class:act")
    assert act.color == "" and act.bold
    assert style.STYLE.get_attrs_for_style_str("class:choice.selected").reverse
    assert all(
        style.STYLE.get_attrs_for_style_str(f"class:{name}").color == "" for name in style.RULES
    )


def test_the_high_contrast_theme_has_no_faint_greys() -> None:
    faint = style.STYLE.get_attrs_for_style_str("class:direction").color
    assert faint == "8a8a8a"  # the default theme's grey
    style.use_theme("high-contrast")
    direction = style.STYLE.get_attrs_for_style_str("class:direction")
    assert direction.color == "ansiwhite" and direction.bold and direction.italic
    assert style.STYLE.get_attrs_for_style_str("class:title").color == "ansibrightyellow"
    colours = {style.STYLE.get_attrs_for_style_str(f"class:{n}").color for n in style.RULES}
    assert colours <= {"", "ansiwhite", "ansibrightyellow"}


def test_an_unknown_theme_is_the_default() -> None:
    style.use_theme("neon")
    assert style.theme() == "default"


def test_the_renderer_lays_out_at_the_measure_inside_the_margins() -> None:
    assert measure(80) == 80 and measure(200) == render.MEASURE
    lay_out_by(Settings(measure=60, margin=4))
    assert measure(80) == 60 and measure(64) == 56  # narrower than the measure: its width
    assert render.margin() == 4


def test_a_margin_pads_each_line_with_text() -> None:
    fragments: StyleAndTextTuples = [
        ("class:title", "Title"),
        ("", "\n\n"),
        ("class:text", "one\ntwo"),
        ("", "\n"),
    ]
    padded = indented(fragments, 2)
    assert "".join(fragment[1] for fragment in padded) == "  Title\n\n  one\n  two\n"
    assert ("class:title", "Title") in padded
    assert indented(fragments, 0) is fragments
