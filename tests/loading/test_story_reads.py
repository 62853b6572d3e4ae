"""`story_reads.overlaid`: an editor's unsaved buffers read in place of their files, by the
same loader, so that every message's place, and what the story records of the file, follow
the buffer."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.loading.story_reads import MAX_FILE_BYTES, overlaid, read_bytes
from tests.conftest import ACT, WriteStory


def test_a_buffer_is_read_in_place_of_its_file(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT})
    act = root / "one.yaml"
    buffer = ACT.replace("title: The hall", "title: The great hall")
    with overlaid({act.resolve(): buffer.encode()}):
        story = load_story(root)
    assert story.scenes["one.hall"].title == "The great hall"
    [recorded] = [f for f in story.files if f.role == "act"]
    assert recorded.sha256 == hashlib.sha256(buffer.encode()).hexdigest()
    assert load_story(root).scenes["one.hall"].title == "The hall"  # the file, once outside


def test_a_buffers_errors_are_placed_in_the_buffer(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT})
    buffer = "\n\n" + ACT.replace("to: room", "to: rom")  # two lines further down
    buffers = {(root / "one.yaml").resolve(): buffer.encode()}
    with overlaid(buffers), pytest.raises(StoryError) as raised:
        load_story(root)
    [found] = raised.value.diagnostics
    line = buffer.split("\n").index("        to: rom") + 1
    assert (found.pos.line, found.pos.column) == (line, 13)
    assert "unknown scene 'rom'" in found.message


def test_a_buffer_is_found_by_any_path_to_its_file(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("on disk", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    with overlaid({(tmp_path / "real.yaml").resolve(): b"in the buffer"}):
        assert read_bytes(tmp_path / "link.yaml") == b"in the buffer"
        assert read_bytes(tmp_path / "sub" / ".." / "real.yaml") == b"in the buffer"
    assert read_bytes(tmp_path / "link.yaml") == b"on disk"


def test_a_buffer_is_held_to_the_limit_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("small", encoding="utf-8")
    with overlaid({path.resolve(): b"x" * (MAX_FILE_BYTES + 1)}):
        problem = read_bytes(path)
    assert isinstance(problem, str) and "may be at most 4 MB" in problem


def test_a_buffer_of_a_file_not_on_disk_yet_is_read(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    with overlaid({path.resolve(): b"act: one"}):
        assert read_bytes(path) == b"act: one"
    assert read_bytes(path) == "file not found"
