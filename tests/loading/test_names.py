"""Names from the file system and the command line: a file or folder whose name carries escape
sequences, and paths given as arguments, are shown cleaned in every message
(`her_if.loading.diagnostics.display_path`), never as a terminal would obey them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, WriteStory
from tests.support.cli import run_cli
from tests.support.escapes import assert_clean

EVIL = "x\x1b]52;c;aGk=\x07\x1b[2J\u202e"
"""A name that writes the clipboard, clears the screen and turns the text around."""

PACK = """\
pack: side
title: Side
version: "1.0"
extends: tiny
files: [side.yaml]
"""
SIDE = """\
act: one
scenes:
  side:
    title: The side room
    text: Sideways.
    continue: end
"""


def test_an_unlisted_file_whose_name_carries_escapes(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """In the story's folder and in a pack's, told by `check` (again from the story cache)."""
    root = write_story()
    (root / f"{EVIL}.yaml").write_text("scenes: {}\n", encoding="utf-8")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(PACK, encoding="utf-8")
    (pack / "side.yaml").write_text(SIDE, encoding="utf-8")
    (pack / f"{EVIL}.yml").write_text("scenes: {}\n", encoding="utf-8")
    for _ in range(2):  # the second answered by the cache
        out, err, status = run_cli("check", "--story", str(root), "--story", str(pack))
        assert status == 0, err
        assert out.count("x.yaml' is in the story folder") == 1
        assert out.count("x.yml' is in the pack folder") == 1
        assert_clean(out + err, "0 errors")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--story", "{evil}"],
        ["playtest", "--story", "{story}", "--walkthroughs", "{evil}"],
        ["graph", "--story", "{story}", "-o", "{evil}/missing/g.dot"],
        ["play", "--story", "{story}", "--transcript", "{evil}/missing/t.txt"],
        ["play", "--story", "{story}", "--saves", "{story}/one.yaml/{evil}"],
        ["new-scene", "one.new", "--story", "{story}", "--story", "{evil}"],
    ],
    ids=["check-story", "walkthroughs", "graph-o", "transcript", "play-saves", "pack"],
)
def test_a_path_given_as_an_argument_is_echoed_clean(
    args: list[str], write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story()
    evil = tmp_path / EVIL
    evil.mkdir()
    argv = [arg.format(story=root, evil=evil) for arg in args]
    out, err, status = run_cli(*argv)
    assert status == 2
    assert_clean(out + err, f"{tmp_path}/x")


def test_a_walkthrough_in_a_folder_whose_name_carries_escapes(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """`play --script` names the walkthrough as it reports it held."""
    root = write_story()
    evil = tmp_path / EVIL
    evil.mkdir()
    script = evil / "walk.yaml"
    script.write_text("choices: [wait]\n", encoding="utf-8")
    out, err, status = run_cli("play", "--story", str(root), "--script", str(script))
    assert status == 0, err
    assert_clean(out + err, "/x/walk.yaml: ok, 1 choices")


@pytest.mark.skipif(os.name != "posix", reason="a file name of bytes that are not UTF-8")
def test_a_file_name_that_is_not_text(write_story: WriteStory) -> None:
    """Its bytes (not UTF-8) are shown as U+FFFD; writing them out was a UnicodeEncodeError."""
    root = write_story()
    with open(os.fsencode(root) + b"/bad\xff.yaml", "wb") as bad:
        bad.write(b"scenes: {}\n")
    done = subprocess.run(
        [sys.executable, "-m", "her_if", "check", "--story", str(root)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "'bad\ufffd.yaml' is in the story folder" in done.stdout.decode("utf-8")
