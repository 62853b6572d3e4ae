"""The tutorial of docs/authoring.md, followed as an author would: each step applied to a copy
of the story as the prose says, each command run in-process, and what it printed kept to be
compared with the output the page shows (tests/test_docs.py)."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from her_if import cli
from tests.conftest import ROOT
from tests.support.doc_examples import Block, section, section_text

HER_IF = ".venv/bin/her-if"

TUTORIAL_STEPS = ("flag", "scene", "choice", "paragraph", "walkthrough")
WALKTHROUGH = Path("tests/walkthroughs/installation-creature.yaml")
NEW_SCENE = "installation.creature"


def apply_step(step: str, body: str, folder: Path) -> None:
    """Do what the tutorial tells the author to do with the block, exactly."""
    story = folder / "story"
    if step == "flag":  # "add it at the end of story.yaml: `state:` is its last block"
        manifest = story / "story.yaml"
        text = manifest.read_text(encoding="utf-8")
        assert list(yaml.safe_load(text))[-1] == "state"
        manifest.write_text(text.rstrip("\n") + "\n" + body, encoding="utf-8")
    elif step == "scene":  # "replace the skeleton new-scene wrote, down to the end of the file"
        act = story / "01-installation.yaml"
        lines = act.read_text(encoding="utf-8").splitlines(keepends=True)
        at = lines.index("  creature:\n")
        assert "Write the scene here." in "".join(lines[at:]), "the skeleton is not there"
        act.write_text("".join(lines[:at]) + body, encoding="utf-8")
    elif step == "choice":  # "right under the `choices:` line of scene `game`"
        insert_in_scene(story / "01-installation.yaml", "game", body, after=True)
    elif step == "paragraph":  # "at the end of `catherine`'s text, above its `choices:` line"
        insert_in_scene(story / "01-installation.yaml", "catherine", body, after=False)
    elif step == "walkthrough":  # "save it as tests/walkthroughs/installation-creature.yaml"
        (folder / WALKTHROUGH).write_text(body, encoding="utf-8")
    else:
        pytest.fail(f"unknown tutorial step '{step}'")


def insert_in_scene(path: Path, scene: str, body: str, *, after: bool) -> None:
    """Put `body` right after (or right before) the `choices:` line of `scene`."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  {scene}:\n")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"  \S", lines[i])), len(lines))
    [at] = [i for i in range(start, end) if lines[i] == "    choices:\n"]
    lines.insert(at + 1 if after else at, body)
    path.write_text("".join(lines), encoding="utf-8")


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    code: int
    out: str
    """stdout, then stderr."""


@dataclass
class Followed:
    folder: Path
    steps: list[str] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    shown: list[tuple[Block, Run]] = field(default_factory=list)
    """Each output block, and the command it shows the output of."""


class Typing:
    """Piped input for `her-if play`: the lines, with the author's edit made (as in an editor,
    while the game waits) just before the `reload` line is read."""

    def __init__(self, lines: list[str], edit: tuple[Path, str, str]) -> None:
        self.lines = lines
        self.edit = edit

    def isatty(self) -> bool:
        return False

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            if line == "reload":
                path, old, new = self.edit
                text = path.read_text(encoding="utf-8")
                assert old in text, f"the tutorial's edit: '{old}' is not in {path}"
                path.write_text(text.replace(old, new), encoding="utf-8")
            yield line + "\n"


def tutorial_edit() -> tuple[str, str]:
    """The live-reload edit the tutorial asks for: "change `old` to `new`"."""
    prose = section_text("## Tutorial")
    [edit] = re.findall(r"change `([^`]+)` to `([^`]+)`", prose)
    return edit[0], edit[1]


def run_command(argv: list[str], folder: Path) -> Run:
    """Run a command as the author does from the top of the checkout, where the story is
    `story/`: here, the copy's (named, so that nothing can reach the checkout's own)."""
    if "--story" not in argv:
        argv = [*argv, "--story", str(folder / "story")]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return Run(tuple(argv), code, out.getvalue() + err.getvalue())


def commands(block: Block) -> Iterator[list[str]]:
    """The her-if commands of a shell block's lines that begin with one, as argument lists: up
    to a `|`, and skipping other commands after `&&` (a line that begins otherwise, such as
    the setup line that installs and starts the game, is the author's to run)."""
    for line in block.body.splitlines():
        parts = [shlex.split(part, comments=True) for part in line.split("&&")]
        if not parts or not parts[0] or parts[0][0] != HER_IF:
            continue
        for words in parts:
            if words and words[0] == HER_IF:
                yield words[1 : words.index("|") if "|" in words else None]


def follow(folder: Path) -> Followed:
    """The tutorial, followed on a copy of the checkout's story in `folder`, in its order (the
    working folder and the input are the copy's only while it is followed)."""
    for name in ("story", "seeds", "schema", "tests/walkthroughs"):
        shutil.copytree(ROOT / name, folder / name)
    done = Followed(folder)
    old, new = tutorial_edit()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("HER_IF_SAVES", str(folder / "saves"))
        last: Run | None = None
        for block in section("## Tutorial"):
            if block.lang == "sh":
                for argv in commands(block):
                    if argv[0] == "play" and "--script" not in argv:
                        edit = (folder / "story" / "01-installation.yaml", old, new)
                        patch.setattr(sys, "stdin", Typing(["1", "1", "1", "reload"], edit))
                    last = run_command(argv, folder)
                    done.runs.append(last)
            elif block.kind == "tutorial":
                step = block.tags[1]
                apply_step(step, block.body, folder)
                done.steps.append(step)
            elif block.kind == "output":
                assert last is not None, f"{block}: output of no command"
                done.shown.append((block, last))
    return done


def output_missing(expected: str, actual: str) -> list[str]:
    """The expected lines not found, in order, in the actual output (see the module doc)."""

    def plain(line: str) -> str:
        return re.sub(r"\d[\d,]*", "N", line.rstrip())

    lines = [plain(line) for line in actual.splitlines()]
    missing: list[str] = []
    position = 0
    for want in (plain(line) for line in expected.splitlines()):
        if want.strip() in ("", "..."):
            continue
        prefix = want.removesuffix(" ...") if want.endswith(" ...") else None
        for index in range(position, len(lines)):
            got = lines[index]
            if got == want or (prefix is not None and got.startswith(prefix)):
                position = index + 1
                break
        else:
            missing.append(want)
    return missing
