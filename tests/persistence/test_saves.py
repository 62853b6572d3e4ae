"""Save files on disk: the round trip, atomic writes, every kind of bad file, slot names."""

from __future__ import annotations

import errno
import io
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from her_if import choose, load_story, start, view
from her_if.core.engine import GameState
from her_if.core.model import Story
from her_if.core.replay import resume
from her_if.loading.locate import default_saves_dir
from her_if.persistence.saves import (
    AUTOSAVE,
    SaveError,
    check_slot,
    copy_save,
    fingerprint,
    list_saves,
    read_save,
    write_save,
)
from her_if.play.command_table import HELP
from her_if.play.piped import play_lines
from her_if.play.plain import play_plain
from her_if.play.session import (
    Game,
    Occupied,
    Saved,
    Saving,
    autosave_game,
    backup_slots,
    lives_in,
    load_game,
    played,
    resume_slot,
    save_game,
    save_over,
    save_to,
    suggest_slot,
)
from her_if.play.tui.play import play_interactive
from tests.conftest import ACT, WriteStory
from tests.support.saves import WHEN, save_of
from tests.support.stories import play


def untouched(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# -- the round trip ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.integers(min_value=0, max_value=99), max_size=80))
def test_random_play_saved_and_loaded_is_the_same_state(shipped: Story, picks: list[int]) -> None:
    state = start(shipped)
    for pick in picks:
        shown = view(shipped, state)
        if shown.ending is not None:
            break
        state = choose(shipped, state, shown.choices[pick % len(shown.choices)].id)
    with tempfile.TemporaryDirectory() as folder:
        write_save(Path(folder), "slot", save_of(shipped, state))
        loaded = read_save(Path(folder) / "slot.json", shipped)
    assert loaded.state == state
    assert loaded == save_of(shipped, state)
    assert resume(shipped, loaded.state, same_story=True).state == state


def test_the_file_is_json_with_the_documented_fields(tiny: Story, tmp_path: Path) -> None:
    state = play(tiny, "wait", "room")
    path = write_save(tmp_path, "one", save_of(tiny, state))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {
        "format": "her-if-save",
        "version": 3,
        "story": "tiny",
        "story_title": "Tiny",
        "fingerprint": fingerprint(tiny),
        "created": "2025-03-04T05:06:07.000Z",
        "updated": "2025-03-04T05:06:07.000Z",
        "play_time": 61.5,
        "scene": "one.room",
        "act_number": 1,
        "act_title": "One",
        "scene_title": "The room",
        "vars": {"trust": 2, "met": True, "mood": "wild"},
        "visits": {"one.hall": 2, "one.room": 1},
        "used": ["one.hall/wait"],
        "history": ["wait", "room"],
        "seed": 0,
        "draws": 0,
        "stack": [],
        "shown": {},
        "returned": False,
        "packs": [],
    }
    assert fingerprint(tiny).startswith("sha256:") and len(fingerprint(tiny)) == 71


def test_the_fingerprint_follows_the_story_files(write_story: WriteStory) -> None:
    root = write_story()
    first = fingerprint(load_story(root))
    (root / "notes.txt").write_text("not part of the story")
    assert fingerprint(load_story(root)) == first
    write_story({"one.yaml": ACT.replace("It ends.", "It ends here.")})
    assert fingerprint(load_story(root)) != first


# -- atomic writes -----------------------------------------------------------------------------


def test_a_failure_between_the_write_and_the_replace_keeps_the_old_save(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "saves"
    path = write_save(folder, "slot", save_of(tiny, play(tiny, "wait")))
    before = path.read_bytes()

    def disk_full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(SaveError) as caught:
        write_save(folder, "slot", save_of(tiny, play(tiny, "room")))
    assert str(caught.value) == (
        f"{path}: could not save (the disk is full); the previous save is unchanged"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["slot.json"]  # no temporary left


def test_a_failure_while_writing_keeps_the_old_save(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "saves"
    path = write_save(folder, "slot", save_of(tiny, play(tiny, "wait")))
    before = path.read_bytes()

    def failing_disk(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_disk)
    with pytest.raises(SaveError, match=r"could not save \(the disk reported an error"):
        write_save(folder, "slot", save_of(tiny, play(tiny, "room")))
    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["slot.json"]


def test_games_saving_the_same_slot_at_once_leave_a_whole_save(tiny: Story, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    states = [play(tiny), play(tiny, "wait"), play(tiny, "room"), play(tiny, "wait", "room")]

    def keep_saving(state: GameState) -> None:
        for _ in range(25):
            write_save(folder, "shared", save_of(tiny, state))

    with ThreadPoolExecutor(max_workers=len(states)) as pool:
        list(pool.map(keep_saving, states))
    assert read_save(folder / "shared.json", tiny).state in states
    assert sorted(p.name for p in folder.iterdir()) == ["shared.json"]


def test_the_folder_is_created_on_the_first_save(tiny: Story, tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "saves"
    assert list_saves(folder, tiny).entries == ()
    assert not folder.exists()  # looking creates nothing
    write_save(folder, "a", save_of(tiny, start(tiny)))
    assert (folder / "a.json").is_file()


def test_an_unwritable_folder_is_a_one_line_error(tiny: Story, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(SaveError, match=r"could not save \(") as caught:
        write_save(blocker / "saves", "a", save_of(tiny, start(tiny)))
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_this_storys_save_is_never_saved_over(
    tiny: Story, tmp_path: Path
) -> None:
    foreign = tmp_path / "slot.json"
    foreign.write_text(json.dumps({"format": "her-if-save", "version": 1, "story": "other"}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "her-if-save", "vers')
    for path in (foreign, broken):
        before = untouched(path)
        with pytest.raises(SaveError, match="not saving over it") as caught:
            write_save(tmp_path, path.stem, save_of(tiny, start(tiny)))
        assert str(caught.value).startswith(f"{path}: not saving over it, since ")
        assert untouched(path) == before


# -- bad files ---------------------------------------------------------------------------------


def good_json(story: Story) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        path = write_save(Path(folder), "x", save_of(story, play(story, "wait")))
        data: dict[str, object] = json.loads(path.read_text())
    return data


def altered(base: Story, **changes: object) -> str:
    return json.dumps({**good_json(base), **changes})


BAD_FILES: dict[str, tuple[Callable[[Story], str], str]] = {
    "truncated": (
        lambda s: json.dumps(good_json(s))[:120],
        "the file is cut short (its JSON stops at line 1)",
    ),
    "not json": (lambda s: "Dear Catherine,\n", "not a save file: not valid JSON (line 1 column 1"),
    "empty": (lambda s: "", "the file is empty (it may have been cut short)"),
    "a list": (lambda s: "[1, 2]", "not a her-if save: the file holds a list, not a JSON object"),
    "another format": (lambda s: '{"format": "ink"}', 'not a her-if save: it has no "format"'),
    "unknown version": (
        lambda s: altered(s, version=0),
        "unknown save format version 0 (this game reads 1 to 3)",
    ),
    "a version of 400 digits, shown short": (
        lambda s: altered(s, version=-(10**400)),
        "unknown save format version -100000000000000000… (this game reads 1 to 3)",
    ),
    "newer version": (
        lambda s: altered(s, version=4),
        "made by a newer her-if (save format version 4; this game reads version 3); "
        "update her-if to load it",
    ),
    "version as text": (
        lambda s: altered(s, version="1"),
        '"version" should be a whole number, not a text',
    ),
    "another story": (
        lambda s: altered(s, story="her-sequel"),
        "this save is for the story 'her-sequel', not 'tiny'",
    ),
    "history not a list": (
        lambda s: altered(s, history="wait"),
        '"history" should be a list, not a text',
    ),
    "a number in the history": (
        lambda s: altered(s, history=["wait", 3]),
        '"history" should hold only texts; item 2 is a number',
    ),
    "visits as text": (
        lambda s: altered(s, visits={"one.hall": "1"}),
        "\"visits\" 'one.hall' should be a count, not a text",
    ),
    "a list as a value": (
        lambda s: altered(s, vars={"trust": [1]}),
        "\"vars\" 'trust' should be true, false, a number or a text, not a list",
    ),
    "negative play time": (
        lambda s: altered(s, play_time=-5),
        '"play_time" is -5, out of range for seconds of play (0 to 3,155,760,000); correct the '
        "number, or move the file away",
    ),
    "a missing field": (
        lambda s: json.dumps({k: v for k, v in good_json(s).items() if k != "scene"}),
        'the save has no "scene"',
    ),
    "a bad time": (
        lambda s: altered(s, updated="yesterday"),
        "\"updated\" should be an ISO 8601 time, not 'yesterday'",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gives_one_line_naming_it_and_is_left_alone(
    tiny: Story, tmp_path: Path, case: str
) -> None:
    content, problem = BAD_FILES[case]
    path = tmp_path / "bad.json"
    path.write_text(content(tiny), encoding="utf-8")
    before = untouched(path)
    with pytest.raises(SaveError) as caught:
        read_save(path, tiny)
    message = str(caught.value)
    assert message.startswith(f"{path}: {problem}")
    assert "\n" not in message
    assert untouched(path) == before


def test_a_file_that_is_not_utf8(tiny: Story, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"format": "her-if-save", "story": "caf\xe9"}')
    before = untouched(path)
    with pytest.raises(SaveError) as caught:
        read_save(path, tiny)
    assert str(caught.value) == f"{path}: not a save file: not UTF-8 text (byte 40)"
    assert untouched(path) == before


def test_a_folder_where_the_file_should_be(tiny: Story, tmp_path: Path) -> None:
    path = tmp_path / "slot.json"
    path.mkdir()
    with pytest.raises(SaveError) as caught:
        read_save(path, tiny)
    assert str(caught.value) == f"{path}: is a folder, not a save file"
    assert path.is_dir() and list(path.iterdir()) == []


def test_a_missing_file(tiny: Story, tmp_path: Path) -> None:
    with pytest.raises(SaveError) as caught:
        read_save(tmp_path / "gone.json", tiny)
    assert str(caught.value) == f"{tmp_path / 'gone.json'}: no such file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tiny: Story, tmp_path: Path) -> None:
    path = write_save(tmp_path, "locked", save_of(tiny, start(tiny)))
    path.chmod(0)
    try:
        before = path.stat().st_mtime_ns
        with pytest.raises(SaveError) as caught:
            read_save(path, tiny)
        assert str(caught.value) == (
            f"{path}: cannot be read (permission denied); check the file's permissions"
        )
        assert path.stat().st_mtime_ns == before
    finally:
        path.chmod(0o600)


def test_a_named_pipe_does_not_hang_the_game(tiny: Story, tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    with pytest.raises(SaveError, match="is not a regular file"):
        read_save(path, tiny)


def test_escape_sequences_in_a_bad_file_are_shown_escaped(tiny: Story, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(altered(tiny, story="\x1b]52;c;aGk=\x07"))
    with pytest.raises(SaveError) as caught:
        read_save(path, tiny)
    assert "\x1b" not in str(caught.value) and "\\x1b]52" in str(caught.value)


# -- slot names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slot", ["../x", "a/b", "", "x" * 41, "tab\there", "esc\x1b[2J", "two words", ".hidden", "é"]
)
def test_slot_names_outside_the_rule_are_refused(tiny: Story, tmp_path: Path, slot: str) -> None:
    with pytest.raises(SaveError, match=r"use 1 to 40 letters, digits, '-' or '_'$") as caught:
        write_save(tmp_path / "saves", slot, save_of(tiny, start(tiny)))
    assert "\x1b" not in str(caught.value) and "\t" not in str(caught.value)
    assert not (tmp_path / "saves").exists() and not (tmp_path / "x").exists()


@pytest.mark.parametrize("slot", ["a", "x" * 40, "Act-2_final", AUTOSAVE, "0"])
def test_slot_names_inside_the_rule_are_accepted(slot: str) -> None:
    assert check_slot(slot) == slot


# -- listing -----------------------------------------------------------------------------------


def test_listing_is_newest_first_and_reports_what_it_cannot_read(
    tiny: Story, tmp_path: Path
) -> None:
    write_save(tmp_path, "old", save_of(tiny, start(tiny), WHEN))
    write_save(tmp_path, "new", save_of(tiny, play(tiny, "room"), WHEN + timedelta(hours=1)))
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "my save.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("not a save")
    listing = list_saves(tmp_path, tiny)
    assert [e.slot for e in listing.entries] == ["new", "old"]
    assert listing.entries[0].save.scene_title == "The room"
    assert [(u.slot, u.problem) for u in listing.unreadable] == [
        (
            "bad",
            f"{tmp_path / 'bad.json'}: the file is cut short (its JSON stops at line 1)",
        ),
        (
            "my save",
            f"{tmp_path / 'my save.json'}: 'my save' is not a slot name; "
            "rename it to 1 to 40 letters, digits, '-' or '_'",
        ),
    ]


def test_of_two_saves_in_one_second_the_later_is_newest(tiny: Story, tmp_path: Path) -> None:
    """Continue opens the newest: a slot saved just before quitting must not beat the
    autosave written in the same second (nor win on its name)."""
    write_save(tmp_path, "zz-named", save_of(tiny, start(tiny), WHEN))
    later = WHEN + timedelta(milliseconds=300)
    write_save(tmp_path, "autosave", save_of(tiny, play(tiny, "room"), later))
    listing = list_saves(tmp_path, tiny)
    assert [e.slot for e in listing.entries] == ["autosave", "zz-named"]
    assert listing.entries[0].save.updated == later


# -- where saves live ------------------------------------------------------------------------


def test_where_saves_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import her_if.loading.locate as locate

    monkeypatch.setenv("HER_IF_SAVES", str(tmp_path / "env"))
    assert default_saves_dir(tmp_path / "flag") == tmp_path / "flag"
    assert default_saves_dir() == tmp_path / "env"
    monkeypatch.delenv("HER_IF_SAVES")
    assert default_saves_dir() == Path(locate.__file__).resolve().parent.parent.parent / "saves"
    monkeypatch.setattr(locate, "_PACKAGE", tmp_path / "site" / "her_if")  # an installed copy
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_saves_dir() == tmp_path / "data" / "her-if" / "saves"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")  # invalid by the spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_saves_dir() == tmp_path / "home" / ".local" / "share" / "her-if" / "saves"
    assert not any(tmp_path.iterdir())  # nothing is created by looking


# -- sessions: saving and loading through the story ------------------------------------------


def test_a_game_saved_and_loaded_keeps_its_place_time_and_slot(tiny: Story, tmp_path: Path) -> None:
    game = Game(play(tiny, "wait"), WHEN, 100.0)
    save_game(tiny, tmp_path, "mine", game)
    loaded = load_game(tiny, tmp_path, "mine")
    assert loaded.game == Game(game.state, WHEN, 100.0, "mine", on_disk=("wait",))
    assert loaded.change is None and loaded.stop is None
    assert loaded.recap is not None and loaded.recap.chosen == "Wait."


def test_loading_after_a_text_edit_continues_exactly(
    write_story: WriteStory, tmp_path: Path
) -> None:
    before = load_story(write_story())
    game = Game(play(before, "wait", "room"), WHEN)
    save_game(before, tmp_path, "mine", game)
    after = load_story(write_story({"one.yaml": ACT.replace("It ends.", "It is over.")}))
    loaded = load_game(after, tmp_path, "mine")
    assert loaded.game.state == game.state and loaded.stop is None
    assert loaded.change == "The story has changed since this save; your place in it has not."


def test_loading_after_a_choice_is_removed_offers_the_furthest_point(
    write_story: WriteStory, tmp_path: Path
) -> None:
    before = load_story(write_story())
    save_game(before, tmp_path, "mine", Game(play(before, "wait", "room", "continue"), WHEN))
    without_wait = ACT.replace(
        "      - id: wait\n        text: Wait.\n        to: hall\n        once: true\n"
        "        set: {mood: wild}\n",
        "",
    )
    after = load_story(write_story({"one.yaml": without_wait}))
    loaded = load_game(after, tmp_path, "mine")
    assert loaded.stop is not None and loaded.stop.step == 1 and loaded.stop.choice == "wait"
    assert loaded.game.state == start(after)
    assert loaded.change is not None
    assert "at step 1 of 3 the scene 'The hall' no longer has a choice 'wait'" in loaded.change


def test_play_time_counts_idle_gaps_only_up_to_a_cap(tiny: Story) -> None:
    game = Game(start(tiny), WHEN, 10.0)
    assert played(game, 30.0).play_time == 40.0
    assert played(game, 8 * 3600.0).play_time == 310.0
    assert played(game, -1.0).play_time == 10.0  # a clock that stepped back counts nothing


def test_saving_suggests_the_games_own_slot_or_a_free_one(tiny: Story) -> None:
    game = Game(start(tiny), WHEN)
    assert suggest_slot(game, {"save-1", "save-3"}) == "save-2"
    assert suggest_slot(Game(start(tiny), WHEN, slot=AUTOSAVE), {"save-1"}) == "save-2"
    assert suggest_slot(Game(start(tiny), WHEN, slot="mine"), {"mine"}) == "mine"
    # the slot last saved to by name comes first: a checkpoint the player keeps moving on
    assert suggest_slot(Game(start(tiny), WHEN, slot="quiet", named="mine"), {"mine"}) == "mine"


# -- a new game never takes another game's place -----------------------------------------------


def autosave(story: Story, folder: Path, game: Game) -> Saved:
    return autosave_game(story, Saving(folder), game)


def test_a_new_games_first_autosave_keeps_the_game_it_replaces(tiny: Story, tmp_path: Path) -> None:
    earlier = autosave(tiny, tmp_path, Game(play(tiny, "wait"), WHEN))
    before = earlier.path.read_bytes()
    first = autosave(tiny, tmp_path, Game(play(tiny, "room"), WHEN))
    assert first.kept == tmp_path / "autosave-1.json"
    assert first.game.slot == AUTOSAVE and first.game.on_disk == ("room",)
    assert (tmp_path / "autosave-1.json").read_bytes() == before  # byte for byte
    assert read_save(first.path, tiny).history == ("room",)
    # from then on the slot is this game's: its next autosave keeps nothing more
    later = autosave(tiny, tmp_path, replace(first.game, state=play(tiny, "room", "continue")))
    assert later.kept is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".json") == [
        "autosave-1.json",
        "autosave.json",
    ]
    assert read_save(tmp_path / "autosave-1.json", tiny).history == ("wait",)


def test_a_game_that_goes_on_from_the_autosave_keeps_no_copy(tiny: Story, tmp_path: Path) -> None:
    autosave(tiny, tmp_path, Game(play(tiny, "wait"), WHEN))
    loaded = load_game(tiny, tmp_path, AUTOSAVE).game
    on = autosave(tiny, tmp_path, replace(loaded, state=play(tiny, "wait", "room")))
    assert on.kept is None and not (tmp_path / "autosave-1.json").exists()


def test_backups_rotate_and_only_the_oldest_beyond_three_is_dropped(
    tiny: Story, tmp_path: Path
) -> None:
    games = [
        ("wait",),
        ("room",),
        ("wait", "room"),
        ("room", "continue"),
        ("wait", "room", "continue"),
    ]
    for history in games:
        autosave(tiny, tmp_path, Game(play(tiny, *history), WHEN))
    held = [
        read_save(tmp_path / f"{slot}.json", tiny).history
        for slot in ("autosave", *backup_slots(AUTOSAVE))
    ]
    assert held == games[:0:-1]  # the newest in `autosave`; the first game is dropped


def test_a_rotation_cut_short_is_finished_without_dropping_a_game(
    tiny: Story, tmp_path: Path
) -> None:
    """Killed between two copies, a rotation leaves one game twice (in `autosave` and in
    `autosave-1`); the next one overwrites that copy rather than drop the oldest game."""
    for slot, history in [("autosave-3", ("room",)), ("autosave-2", ("wait", "room"))]:
        save_game(tiny, tmp_path, slot, Game(play(tiny, *history), WHEN))
    a = Game(play(tiny, "wait"), WHEN)
    save_game(tiny, tmp_path, "autosave", a)
    copy_save(tmp_path, "autosave", "autosave-1", tiny)  # the copy the killed shift made
    autosave(tiny, tmp_path, Game(play(tiny, "room", "continue"), WHEN))
    held = [
        read_save(tmp_path / f"{slot}.json", tiny).history
        for slot in ("autosave", *backup_slots(AUTOSAVE))
    ]
    assert held == [("room", "continue"), ("wait",), ("wait", "room"), ("room",)]


def test_a_backup_slot_holding_something_else_is_stepped_over(tiny: Story, tmp_path: Path) -> None:
    autosave(tiny, tmp_path, Game(play(tiny, "wait"), WHEN))
    (tmp_path / "autosave-1.json").write_text('{"format": "ink"}')
    kept = autosave(tiny, tmp_path, Game(play(tiny, "room"), WHEN)).kept
    assert kept == tmp_path / "autosave-2.json"
    assert read_save(kept, tiny).history == ("wait",)
    assert (tmp_path / "autosave-1.json").read_text() == '{"format": "ink"}'


def test_with_no_backup_slot_free_of_other_files_the_autosave_is_refused(
    tiny: Story, tmp_path: Path
) -> None:
    autosave(tiny, tmp_path, Game(play(tiny, "wait"), WHEN))
    before = (tmp_path / "autosave.json").read_bytes()
    for slot in backup_slots(AUTOSAVE):
        (tmp_path / f"{slot}.json").write_text("notes")
    with pytest.raises(SaveError) as caught:
        autosave(tiny, tmp_path, Game(play(tiny, "room"), WHEN))
    assert str(caught.value) == (
        f"{tmp_path / 'autosave.json'}: not saving over the game in it, since none of "
        f"{tmp_path / 'autosave-1.json'}, {tmp_path / 'autosave-2.json'}, "
        f"{tmp_path / 'autosave-3.json'} can keep it (they hold other files); move one of them away"
    )
    assert (tmp_path / "autosave.json").read_bytes() == before


def test_backup_slots_are_slot_names_even_for_the_longest_slot() -> None:
    assert backup_slots(AUTOSAVE) == ("autosave-1", "autosave-2", "autosave-3")
    assert all(check_slot(slot) for slot in backup_slots("x" * 40))


# -- a game goes on saving where it lives (issue 14) -------------------------------------------


def piped(story: Story, text: str, folder: Path, slot: str | None = None) -> str:
    """One run of piped play (`her-if play [--slot SLOT]` with `text` as its input): what it
    printed on out and err, in order."""
    out = io.StringIO()
    saving = Saving(folder, slot or AUTOSAVE)
    resumed = None if slot is None else resume_slot(story, folder, slot)
    play_lines(story, io.StringIO(text), out, 100, saving=saving, resumed=resumed, err=out)
    return out.getvalue()


def held(story: Story, folder: Path) -> dict[str, tuple[str, ...]]:
    return {path.stem: read_save(path, story).history for path in sorted(folder.glob("*.json"))}


def test_a_game_kept_by_the_rotation_is_not_saved_over_by_the_game_loaded_after_it(
    shipped: Story, saves_dir: Path
) -> None:
    """Issue 14, piped: game A, then game B (A is kept in autosave-1), then a run that loads
    autosave-1, makes a choice and saves. B was lost: the loaded game autosaved to `autosave`,
    moving B into autosave-1, and `save` then wrote over it there."""
    piped(shipped, "1\n1\n1\n", saves_dir)
    a = held(shipped, saves_dir)["autosave"]
    piped(shipped, "2\n1\n", saves_dir)
    b = held(shipped, saves_dir)["autosave"]
    assert b == ("plain", "close-home", "continue")
    said = piped(shipped, "load autosave-1\n1\nsave\nquit\n", saves_dir)
    now = held(shipped, saves_dir)
    assert b in now.values(), "game B is in no slot"
    assert now.keys() == {"autosave", "autosave-1"}
    assert now["autosave"] == b
    assert now["autosave-1"][: len(a)] == a and len(now["autosave-1"]) > len(a)
    assert f"Saved to {saves_dir / 'autosave-1.json'}.\n" in said
    assert said.endswith(f"Progress saved to {saves_dir / 'autosave-1.json'}.\nGoodbye.\n")
    assert "kept in" not in said


def test_a_loaded_game_goes_on_saving_in_its_slot_and_says_so(
    shipped: Story, saves_dir: Path
) -> None:
    """Issue 14: after loading `quiet`, every autosave went to autosave.json while quiet.json
    stayed behind (and the terminal's bar said `quiet`)."""
    save_game(shipped, saves_dir, "quiet", Game(play(shipped, "memory"), WHEN))
    said = piped(shipped, "load quiet\n1\n", saves_dir)
    assert held(shipped, saves_dir).keys() == {"quiet"}
    assert held(shipped, saves_dir)["quiet"][:2] == ("memory", "close-home")
    assert said.endswith(f"(input ended)\nProgress saved to {saves_dir / 'quiet.json'}.\n")
    # `--slot quiet` is the same game in the same place
    said = piped(shipped, "1\n", saves_dir, slot="quiet")
    assert held(shipped, saves_dir).keys() == {"quiet"}
    assert said.endswith(f"Progress saved to {saves_dir / 'quiet.json'}.\n")


def test_saving_over_another_game_is_refused_until_confirmed(
    shipped: Story, saves_dir: Path
) -> None:
    piped(shipped, "1\nsave mine\n", saves_dir)  # a game that began with the memory
    before = (saves_dir / "mine.json").read_bytes()
    said = piped(shipped, "2\nsave mine\n", saves_dir)  # another one, beginning plainly
    assert (saves_dir / "mine.json").read_bytes() == before
    assert (
        f"Not saved: {saves_dir / 'mine.json'} holds a game this one does not go on from (Act I: "
        in said
    )
    assert "type 'save mine!' to replace it, or save under another name.\n" in said
    said = piped(shipped, "2\nsave mine!\n", saves_dir)
    assert held(shipped, saves_dir)["mine"] == ("plain",)
    assert f"Saved to {saves_dir / 'mine.json'}.\n" in said
    # the same game further on needs no confirming
    said = piped(shipped, "1\n", saves_dir, slot="mine")
    assert held(shipped, saves_dir)["mine"][:2] == ("plain", "close-home")
    assert "save --replace" not in HELP and "  save NAME!   " in HELP


def test_a_save_under_a_name_is_a_checkpoint_and_the_game_goes_on_where_it_lives(
    shipped: Story, saves_dir: Path
) -> None:
    said = piped(shipped, "1\nsave mine\n1\nundo\nsave\n", saves_dir)
    now = held(shipped, saves_dir)
    assert now["mine"] == ("memory",)  # as saved: not moved on by the choice after it
    assert now["autosave"] == ("memory",)  # the choice after it, undone
    assert said.endswith(f"Progress saved to {saves_dir / 'autosave.json'}.\n")
    # `save` alone goes to the slot last saved to, where this game is, at the same point
    assert said.count(f"Saved to {saves_dir / 'mine.json'}.") == 2


def test_an_undo_in_the_games_own_slot_replaces_it_and_keeps_no_copy(
    tiny: Story, tmp_path: Path
) -> None:
    """The player took the choice back: the game's own slot is its to rewrite (no rotation
    of backups for a choice undone, which would soon push real games out of them)."""
    game = autosave(tiny, tmp_path, Game(play(tiny, "wait"), WHEN)).game
    back = autosave(tiny, tmp_path, replace(game, state=start(tiny)))
    assert back.kept is None and held(tiny, tmp_path) == {"autosave": ()}
    # but a game that is not this one, found in the slot, is never written over: saved there
    # since (by another process), it stays, and this game moves to a free slot to keep both
    save_game(tiny, tmp_path, AUTOSAVE, Game(play(tiny, "room"), WHEN))
    moved = autosave(tiny, tmp_path, back.game)
    assert moved.kept is None and moved.moved_from == AUTOSAVE and moved.slot == "save-1"
    assert held(tiny, tmp_path) == {"autosave": ("room",), "save-1": ()}


def test_a_save_that_no_longer_applies_in_full_is_kept_when_the_game_goes_on(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """Loaded after its story lost a choice, a game goes on from the furthest point; its first
    autosave keeps the save as it was (the author may put the choice back)."""
    before = load_story(write_story())
    save_game(before, tmp_path, "mine", Game(play(before, "wait", "room", "continue"), WHEN))
    without_wait = ACT.replace("      - id: wait\n", "      - id: linger\n")
    after = load_story(write_story({"one.yaml": without_wait}))
    loaded = load_game(after, tmp_path, "mine")
    assert loaded.stop is not None and loaded.game.on_disk is None
    saved = autosave_game(after, Saving(tmp_path), loaded.game)
    assert saved.slot == "mine" and saved.kept == tmp_path / "mine-1.json"
    assert read_save(tmp_path / "mine-1.json", after).history == ("wait", "room", "continue")


def test_save_to_tells_this_game_from_another(tiny: Story, tmp_path: Path) -> None:
    saving = Saving(tmp_path)
    other = save_to(tiny, saving, Game(play(tiny, "room"), WHEN), "mine")
    assert isinstance(other, Saved) and other.game.named == "mine" and other.game.slot is None
    game = Game(play(tiny, "wait"), WHEN)
    occupied = save_to(tiny, saving, game, "mine")
    assert isinstance(occupied, Occupied) and occupied.save.history == ("room",)
    assert held(tiny, tmp_path) == {"mine": ("room",)}
    replaced = save_over(tiny, saving, game, "mine")
    assert isinstance(replaced, Saved) and held(tiny, tmp_path) == {"mine": ("wait",)}
    further = replace(game, state=play(tiny, "wait", "room"))  # the same game, further on
    assert isinstance(save_to(tiny, saving, further, "mine"), Saved)
    assert lives_in(saving, Game(start(tiny), WHEN)) == AUTOSAVE


def test_plain_play_loaded_from_the_title_saves_where_it_was_loaded_from(
    tiny: Story, saves_dir: Path
) -> None:
    save_game(tiny, saves_dir, "quiet", Game(play(tiny, "wait"), WHEN))
    out, err = io.StringIO(), io.StringIO()
    play_plain(tiny, io.StringIO("3\nquiet\n"), out, err, 80, saving=Saving(saves_dir))
    assert held(tiny, saves_dir) == {"quiet": ("wait",)}
    assert f"Progress saved to {saves_dir / 'quiet.json'}." in err.getvalue()


# -- the same in the terminal ------------------------------------------------------------------


def terminal(story: Story, keys: str, folder: Path, **options: Any) -> str:
    """A session of the full-screen game with these keys: what it printed, bar and all, as
    one line (words split by single spaces)."""
    shown = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=PlainTextOutput(shown)):
        pipe.send_text(keys)
        pipe.close()
        play_interactive(story, saving=Saving(folder), **options)
    return " ".join(shown.getvalue().split())  # notes are wrapped to the width; paths whole


def test_in_the_terminal_a_game_loaded_from_a_backup_saves_there_and_keeps_the_other(
    tiny: Story, saves_dir: Path
) -> None:
    """Issue 14, in the terminal: New game, a choice, Load autosave-1, a choice, then `s`
    offered autosave-1, where the rotation had just moved the other game, and Enter wrote
    over it."""
    save_game(tiny, saves_dir, AUTOSAVE, Game(play(tiny, "wait"), WHEN))  # the game before
    # a new game opens the door (the game before is kept in autosave-1); load autosave-1 (the
    # list is newest first: autosave, autosave-1); open the door there too; s, Enter; quit
    shown = terminal(tiny, "1" + "l" + "2" + "1" + "s" + "\r" + "q", saves_dir, new=True)
    assert f"kept in {saves_dir / 'autosave-1.json'}." in shown
    assert held(tiny, saves_dir) == {"autosave": ("room",), "autosave-1": ("wait", "room")}
    assert f"Saved to {saves_dir / 'autosave-1.json'}." in shown
    assert " · autosave-1 " in shown  # the bar names where it saves
    assert shown.endswith(f"Progress saved to {saves_dir / 'autosave-1.json'}. Goodbye.")


def test_in_the_terminal_the_bar_names_the_loaded_slot_and_autosaves_go_there(
    tiny: Story, saves_dir: Path
) -> None:
    save_game(tiny, saves_dir, "quiet", Game(play(tiny, "wait"), WHEN))
    # the title: Continue (quiet, the only save), then open the door; quit at the pause
    shown = terminal(tiny, "1" + "1" + "q", saves_dir)
    assert "Act I: One · The room · quiet " in shown
    assert held(tiny, saves_dir) == {"quiet": ("wait", "room")}
    assert shown.endswith(f"Progress saved to {saves_dir / 'quiet.json'}. Goodbye.")
