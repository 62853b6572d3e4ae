"""Saves at the edges (issue 22): every number in a save has a range, checked when it is read,
and the writer writes only what the reader reads, times at the edges of the calendar included.

A 310-digit `play_time` crashed `her-if saves`, `play --slot`, the title screen and a new game's
first autosave (OverflowError); NaN and Infinity, which json.loads takes by default, likewise.
A save made with the clock at 9999 or at the year 1 was written and then refused.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from her_if import choose, start
from her_if.core.engine import GameState
from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import (
    EARLIEST,
    LATEST,
    MAX_PLAY_SECONDS,
    VERSION,
    SaveError,
    list_saves,
    read_save,
    snapshot,
    write_save,
)
from her_if.play.listings import render_listing
from her_if.play.piped import play_lines
from her_if.play.plain import play_plain
from her_if.play.session import Game, Saving, autosave_game, load_game, save_game
from tests.support.cli import run_cli
from tests.support.saves import WHEN

HUGE = "1" + "0" * 310
"""More than a float holds, fewer digits than json.loads refuses (4,300)."""


def saved_json(story: Story, folder: Path) -> str:
    """A real save of the tiny story, as the game writes it, with one choice made."""
    state = choose(story, start(story), "wait")
    return save_game(story, folder, "real", Game(state, WHEN, 61.5)).read_text()


FIELDS = {
    "play_time": r'"play_time": [^,]+',
    "act_number": r'"act_number": [^,]+',
    "vars": r'"trust": [^,\n]+',
    "visits": r'"one.hall": [^,\n]+',
    "seed": r'"seed": [^,]+',
    "draws": r'"draws": [^,]+',
}
"""Every number in a save of the tiny story: where it is in the file, to put another there."""
OUT_OF_RANGE = {
    "play_time": [HUGE, "-" + HUGE, "NaN", "Infinity", "-Infinity", "1e400", "-1", "3155760001"],
    "act_number": [HUGE, "NaN", "0", "-3", "1000001", "1e400"],
    "vars": [HUGE, "-" + HUGE, "NaN", "Infinity", "1" + "0" * 22],
    "visits": [HUGE, "NaN", "-1", "5002", "Infinity"],
    "seed": [HUGE, "-1", "4294967296", "NaN", "1.5", "true", '"42"', "null"],
    "draws": [HUGE, "-1", "250051", "Infinity"],
}
CASES = [(field, raw) for field, raws in OUT_OF_RANGE.items() for raw in raws]


def with_number(text: str, field: str, raw: str) -> str:
    key = FIELDS[field].split(":")[0]
    changed, count = re.subn(FIELDS[field], f"{key}: {raw}", text, count=1)
    assert count == 1
    return changed


@pytest.mark.parametrize(("field", "raw"), CASES, ids=[f"{f}={r[:12]}" for f, r in CASES])
def test_a_number_out_of_range_is_one_line_naming_file_and_field_wherever_it_is_read(
    tiny: Story, tmp_path: Path, field: str, raw: str
) -> None:
    folder = tmp_path / "saves"
    text = with_number(saved_json(tiny, folder), field, raw)
    (folder / "real.json").unlink()
    bad = folder / "autosave.json"
    bad.write_text(text)
    before = bad.read_bytes()

    with pytest.raises(SaveError) as caught:
        read_save(bad, tiny)
    message = str(caught.value)
    assert message.startswith(f'{display_path(bad)}: "{field}"'), message
    assert "\n" not in message and len(message) < 300
    assert "should be" in message or "correct the number, or move the file away" in message

    # `her-if saves` and the listing
    listing = list_saves(folder, tiny)
    assert [u.problem for u in listing.unreadable] == [message]
    render_listing(listing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("her_if.cli._load", lambda stories: tiny)
        out, err, status = run_cli("saves", "--saves", str(folder))
        assert status == 0 and message in out + err
        # `her-if play --slot autosave`
        out, err, status = run_cli("play", "--slot", "autosave", "--saves", str(folder))
        assert status == 2 and err == f"her-if: {message}\n"
    # the title screen lists it as unreadable, and a new game goes on from there
    shown, errors = io.StringIO(), io.StringIO()
    play_plain(tiny, io.StringIO("q\n"), shown, errors, 80, saving=Saving(folder))
    assert shown.getvalue().endswith("Goodbye.\n") and errors.getvalue() == ""
    # a new piped game's first autosave finds it in `autosave`: it is refused, not replaced
    said = io.StringIO()
    play_lines(tiny, ["1\n"], io.StringIO(), 80, saving=Saving(folder), err=said)
    assert f"Not saved: {display_path(bad)}: not saving over it, since " in said.getvalue()
    assert bad.read_bytes() == before


def test_a_version_past_any_her_if_is_unknown_not_newer(tiny: Story, tmp_path: Path) -> None:
    text = saved_json(tiny, tmp_path).replace(f'"version": {VERSION},', f'"version": {HUGE},')
    (tmp_path / "real.json").write_text(text)
    with pytest.raises(SaveError) as caught:
        read_save(tmp_path / "real.json", tiny)
    assert str(caught.value) == (
        f"{tmp_path / 'real.json'}: unknown save format version 1{'0' * 18}… (this game reads 1 to {VERSION})"
    )


def test_numbers_at_the_ends_of_their_ranges_are_read(tiny: Story, tmp_path: Path) -> None:
    text = saved_json(tiny, tmp_path)
    for field, raw in [("play_time", "3155760000"), ("play_time", "0"), ("visits", "5001")]:
        (tmp_path / "edge.json").write_text(with_number(text, field, raw))
        read_save(tmp_path / "edge.json", tiny)


def test_a_play_time_past_the_limit_is_written_as_the_limit(tiny: Story, tmp_path: Path) -> None:
    path = save_game(tiny, tmp_path, "long", Game(start(tiny), WHEN, play_time=1e300))
    assert read_save(path, tiny).play_time == MAX_PLAY_SECONDS


def test_the_writer_never_writes_a_number_the_reader_refuses(tiny: Story, tmp_path: Path) -> None:
    """A state the engine cannot reach (a counter past any story's numbers) is refused in a
    line when saved, with nothing written, rather than written and then unreadable."""
    state = start(tiny)
    state = GameState(state.scene, {**state.vars, "trust": 10**30}, state.visits, state.used, ())
    save = snapshot(tiny, state, created=WHEN, updated=WHEN, play_time=0.0)
    with pytest.raises(SaveError) as caught:
        write_save(tmp_path, "odd", save)
    assert str(caught.value).startswith(
        f"{tmp_path / 'odd.json'}: could not save: the save would hold \"vars\" 'trust' is 1000"
    )
    assert not (tmp_path / "odd.json").exists()


# -- times at the edges of the calendar --------------------------------------------------------

MINUS_FIVE = timezone(timedelta(hours=-5))
EDGES = {
    "9999-01-01 local, UTC": (datetime(9999, 1, 1, 23, 58, 59, tzinfo=UTC), LATEST),
    "9999-12-31 at UTC-5 (past 9999 in UTC)": (
        datetime(9999, 12, 31, 23, 58, 59, tzinfo=MINUS_FIVE),
        LATEST,
    ),
    "the last moment": (datetime.max.replace(tzinfo=UTC), LATEST),
    "year 1": (datetime(1, 12, 31, 23, 58, 59, tzinfo=UTC), EARLIEST),
    "the first moment, no zone": (datetime.min, EARLIEST),
    "year 2, just in": (EARLIEST, EARLIEST),
    "year 999 (three digits)": (
        datetime(999, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
        datetime(999, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
    ),
    "year 9998, just in": (LATEST, LATEST),
}


@pytest.mark.parametrize("edge", EDGES)
def test_a_save_made_at_an_edge_of_the_calendar_is_read_back(
    tiny: Story, tmp_path: Path, edge: str
) -> None:
    moment, kept_as = EDGES[edge]
    save = snapshot(tiny, start(tiny), created=moment, updated=moment, play_time=1.0)
    path = write_save(tmp_path, "edge", save)
    written = json.loads(path.read_text())
    for key in ("created", "updated"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", written[key]), written
    back = read_save(path, tiny)
    assert back.created == kept_as and back.updated == kept_as


@pytest.mark.parametrize("edge", ["9999-12-31 at UTC-5 (past 9999 in UTC)", "year 1"])
def test_a_game_begun_at_an_edge_goes_on_saving_and_loading(
    tiny: Story, tmp_path: Path, edge: str
) -> None:
    """The issue: the reader refused the first save and every later save of the game."""
    saving = Saving(tmp_path)
    game = Game(start(tiny), EDGES[edge][0])
    for choice in ("wait", "room"):
        game = autosave_game(
            tiny, saving, replace(game, state=choose(tiny, game.state, choice))
        ).game
        loaded = load_game(tiny, tmp_path, "autosave")
        assert loaded.game.state == game.state
