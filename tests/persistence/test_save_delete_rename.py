"""Deleting and renaming saves on disk: in one step, under the folder's lock, never over a
slot that is taken, only saves of this story, and every failure in plain words with the
files as they were."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import (
    SaveError,
    delete_save,
    read_save,
    rename_save,
)
from tests.support.saves import saved

ROOT_WRITES = not hasattr(os, "geteuid") or os.geteuid() == 0


def test_delete_removes_the_save_and_nothing_else(tiny: Story, tmp_path: Path) -> None:
    gone = saved(tiny, tmp_path, "old")
    kept = saved(tiny, tmp_path, "other")
    assert delete_save(tmp_path, "old", tiny) == gone
    assert not gone.exists() and kept.exists()


def test_rename_moves_the_save_whole(tiny: Story, tmp_path: Path) -> None:
    path = saved(tiny, tmp_path, "old", "room")
    data = path.read_bytes()
    new = rename_save(tmp_path, "old", "new", tiny)
    assert new == tmp_path / "new.json" and new.read_bytes() == data and not path.exists()
    assert read_save(new, tiny).history == ("room",)


def test_a_missing_slot_is_said_and_nothing_is_made(tiny: Story, tmp_path: Path) -> None:
    with pytest.raises(SaveError, match=r"missing\.json: no such save"):
        delete_save(tmp_path, "missing", tiny)
    with pytest.raises(SaveError, match=r"missing\.json: no such save"):
        rename_save(tmp_path, "missing", "new", tiny)
    assert not (tmp_path / "new.json").exists()


def test_a_rename_never_goes_over_a_slot_that_is_taken(tiny: Story, tmp_path: Path) -> None:
    old = saved(tiny, tmp_path, "old", "room")
    taken = saved(tiny, tmp_path, "taken")
    before = taken.read_bytes()
    with pytest.raises(SaveError) as refused:
        rename_save(tmp_path, "old", "taken", tiny)
    assert str(refused.value) == (
        f"{display_path(taken)} is taken: not renaming old over it; choose another name, or "
        "delete that save first"
    )
    assert taken.read_bytes() == before and old.exists()


def test_a_name_that_is_not_a_slot_is_refused_before_anything(tiny: Story, tmp_path: Path) -> None:
    old = saved(tiny, tmp_path, "old")
    with pytest.raises(SaveError, match="is not a slot name"):
        rename_save(tmp_path, "old", "../elsewhere", tiny)
    assert old.exists()


def test_a_file_that_is_not_a_save_of_this_story_is_neither_deleted_nor_moved(
    tiny: Story, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}')
    with pytest.raises(SaveError, match=r"notes\.json: not deleting it, since"):
        delete_save(tmp_path, "notes", tiny)
    with pytest.raises(SaveError, match=r"notes\.json: not renaming it, since"):
        rename_save(tmp_path, "notes", "new", tiny)
    assert notes.read_text() == '{"mine": true}' and not (tmp_path / "new.json").exists()


@pytest.mark.parametrize("call", ["unlink", "replace"])
def test_a_read_only_disk_is_said_and_the_save_is_unchanged(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    path = saved(tiny, tmp_path, "old")

    def refuse(*args: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, call, refuse)
    with pytest.raises(SaveError) as refused:
        if call == "unlink":
            delete_save(tmp_path, "old", tiny)
        else:
            rename_save(tmp_path, "old", "new", tiny)
    doing = "delete" if call == "unlink" else "rename"
    assert str(refused.value) == (
        f"{display_path(path)}: could not {doing} (the disk is read-only); the save is unchanged"
    )
    monkeypatch.undo()
    assert path.exists() and not (tmp_path / "new.json").exists()


@pytest.mark.skipif(ROOT_WRITES, reason="root writes anywhere")
def test_a_folder_that_cannot_be_written_keeps_its_saves(tiny: Story, tmp_path: Path) -> None:
    path = saved(tiny, tmp_path, "old")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(SaveError, match="could not delete"):
            delete_save(tmp_path, "old", tiny)
        with pytest.raises(SaveError, match="could not rename"):
            rename_save(tmp_path, "old", "new", tiny)
    finally:
        tmp_path.chmod(0o700)
    assert path.exists()
