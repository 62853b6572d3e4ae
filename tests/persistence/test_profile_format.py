"""The profile's file (her_if/persistence/profile.py): what is kept round-trips, and a profile
that cannot be read costs nothing but itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from her_if.persistence.atomic_file import MARK
from her_if.persistence.profile import (
    ActEntry,
    Profile,
    ProfileError,
    Settings,
    encode,
    ended,
    entered,
    profile_path,
    read_profile,
    seen,
    with_settings,
    write_profile,
)


def _played() -> Profile:
    profile = seen(Profile("her"), ["a.hall", "a.room"], [("a.hall", "in")])
    profile = ended(profile, "home", "Home", "2026-12-07T10:00:00+00:00")
    profile = ended(profile, "home", "Home", "2026-12-07T11:00:00+00:00")
    profile = entered(profile, ActEntry("b", ("in", "continue"), 7, "2026-12-07T10:30:00+00:00"))
    return with_settings(profile, Settings("slow", 60, 4, "high-contrast"))


def test_what_is_kept_comes_back(tmp_path: Path) -> None:
    profile = _played()
    path = write_profile(tmp_path, profile)
    assert path == tmp_path / "profile" / "her.json"
    read = read_profile(tmp_path, "her")
    assert read.said is None and read.profile == profile
    found = read.profile.ending("home")
    assert found is not None and found.times == 2 and found.first < found.last
    assert read.profile.finished == 2


def test_recording_nothing_new_is_the_same_profile() -> None:
    profile = _played()
    assert seen(profile, ["a.hall"], [("a.hall", "in")]) is profile
    again = entered(profile, ActEntry("b", ("out",), 1, "later"))
    assert [a.history for a in again.acts] == [("out",)]  # the latest entry replaces the last


def test_no_profile_yet_is_a_fresh_one_and_writes_nothing(tmp_path: Path) -> None:
    read = read_profile(tmp_path, "her")
    assert read == read_profile(tmp_path, "her") and read.said is None
    assert read.profile == Profile("her")
    assert not (tmp_path / "profile").exists()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "Expecting property name"),
        (b'{"format": "something-else"}', 'no "format": "her-if-profile"'),
        (json.dumps({**encode(Profile("her")), "version": 9}).encode(), "version 9"),
        (json.dumps(encode(Profile("other"))).encode(), "the story 'other', not 'her'"),
        (json.dumps({**encode(Profile("her")), "finished": -1}).encode(), "'finished'"),
        (b"\xff\xfe", "codec"),
    ],
    ids=["not-json", "foreign", "future", "other-story", "bad-count", "not-utf8"],
)
def test_a_profile_that_cannot_be_read_is_set_aside_and_told_in_a_line(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = profile_path(tmp_path, "her")
    path.parent.mkdir()
    path.write_bytes(content)
    save = tmp_path / "autosave.json"
    save.write_text("a save, untouched")
    read = read_profile(tmp_path, "her")
    assert read.profile == Profile("her")
    assert read.said is not None and why in read.said and "\n" not in read.said
    assert "no save is touched" in read.said
    [aside] = [p for p in path.parent.iterdir()]
    assert aside.name.startswith("her.damaged-") and aside.read_bytes() == content
    assert save.read_text() == "a save, untouched"
    write_profile(tmp_path, _played())  # and a fresh one is kept from then on
    assert read_profile(tmp_path, "her").profile == _played()


def test_a_setting_out_of_range_is_its_default_not_damage(tmp_path: Path) -> None:
    data = encode(_played())
    data["settings"] = {"speed": "warp", "measure": 500, "margin": True, "theme": "neon"}
    path = profile_path(tmp_path, "her")
    path.parent.mkdir()
    path.write_text(json.dumps(data))
    read = read_profile(tmp_path, "her")
    assert read.said is None and read.profile.settings == Settings()
    assert read.profile.ending("home") is not None


def test_a_write_sweeps_what_a_killed_write_left_and_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    folder.mkdir()
    left = folder / f".her{MARK}abcd1234.tmp"
    left.write_text("half")
    stranger = folder / "notes.txt"
    stranger.write_text("mine")
    write_profile(tmp_path, _played())
    assert not left.exists() and stranger.read_text() == "mine"


def test_a_profile_that_cannot_be_written_says_where_and_why(tmp_path: Path) -> None:
    (tmp_path / "profile").write_text("a file where the folder goes")
    with pytest.raises(ProfileError, match=r"profile[/\\]her\.json: the profile cannot be written"):
        write_profile(tmp_path, _played())
    assert (tmp_path / "profile").read_text() == "a file where the folder goes"
