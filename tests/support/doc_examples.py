"""The examples of the docs, as tests/test_docs.py loads them: fenced blocks, the harness story
they are put in, where each goes in it, and what the game shows in it.

Three pages hold examples: the reference in docs/authoring.md (its `## Reference`), the format
in docs/format.md and the map of other systems' idioms. All three use the one harness, which
docs/authoring.md introduces. The conventions are in test_docs.py's docstring; the notation of
what the player sees is `doc_seen.Seen`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml

from her_if.analysis.check import summarize
from her_if.analysis.script import load_script, run_script
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ROOT
from tests.support.schema import validator

DOCS = ROOT / "docs"
AUTHORING = DOCS / "authoring.md"
FORMAT = DOCS / "format.md"
IDIOMS = DOCS / "from-ink-choicescript-twine.md"
WHOLE_PAGES = (FORMAT, IDIOMS)
"""Pages whose every YAML block is an example (or, tagged `sketch`, an illustration that is
only parsed); in docs/authoring.md the examples are the `## Reference` section's."""


# -- reading a page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, the words after it, its text and where it opens."""

    lang: str
    tags: tuple[str, ...]
    body: str
    line: int
    doc: Path = AUTHORING

    def __str__(self) -> str:
        return f"docs/{self.doc.name}:{self.line}"

    @property
    def kind(self) -> str:
        return self.tags[0] if self.tags else ""


@cache
def doc_text(doc: Path = AUTHORING) -> str:
    return doc.read_text(encoding="utf-8")


def read_blocks(doc: Path = AUTHORING) -> list[Block]:
    blocks: list[Block] = []
    opened: tuple[str, int] | None = None
    body: list[str] = []
    name = f"docs/{doc.name}"
    for number, line in enumerate(doc_text(doc).splitlines(), start=1):
        if not line.lstrip().startswith("```"):
            if opened is not None:
                body.append(line + "\n")
            continue
        assert line.startswith("```"), f"{name}:{number}: keep fences at column 1"
        if opened is None:
            opened = (line[3:].strip(), number)
            body = []
            continue
        assert line == "```", f"{name}:{number}: a block opens inside a block"
        info, start_line = opened
        lang, *tags = info.split() or [""]
        blocks.append(Block(lang, tuple(tags), "".join(body), start_line, doc))
        opened = None
    assert opened is None, f"{name}:{opened[1]}: block never closed"
    return blocks


def headings(doc: Path = AUTHORING) -> Iterator[tuple[int, str]]:
    """The page's headings, with their line numbers (a `#` in a code block is none)."""
    fenced = False
    for number, line in enumerate(doc_text(doc).splitlines(), start=1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#+ ", line):
            yield number, line


def section_lines(heading: str, doc: Path = AUTHORING) -> range:
    """The lines of the section whose heading starts with `heading` (`## Reference`), up to
    the next heading of its level or above."""
    found = list(headings(doc))
    level = len(heading.split(" ")[0])
    start_line = next(i for i, line in found if line.startswith(heading))
    end = next(
        (i for i, line in found if i > start_line and len(line.split(" ")[0]) <= level),
        len(doc_text(doc).splitlines()) + 1,
    )
    return range(start_line, end)


def section_text(heading: str, doc: Path = AUTHORING) -> str:
    lines = section_lines(heading, doc)
    return "\n".join(t for i, t in enumerate(doc_text(doc).splitlines(), 1) if i in lines)


def section(heading: str, doc: Path = AUTHORING) -> list[Block]:
    lines = section_lines(heading, doc)
    return [b for b in read_blocks(doc) if b.line in lines]


def example_blocks(doc: Path) -> list[Block]:
    """The blocks of `doc` that examples are made of (and their messages and showings)."""
    blocks = section("## Reference") if doc == AUTHORING else read_blocks(doc)
    return [b for b in blocks if (b.lang == "yaml" and b.kind != "sketch") or b.lang == "text"]


# -- the examples ------------------------------------------------------------------------------

KIND_SCHEMA = {
    "harness-manifest": "story.schema.json",
    "harness-act": "act.schema.json",
    "harness-beats": "beats.schema.json",
    "manifest": "story.schema.json",
    "state": "story.schema.json",
    "act": "act.schema.json",
    "scene": "act.schema.json",
    "pack": "pack.schema.json",
    "pack-act": "pack-act.schema.json",
    "walkthrough": "walkthrough.schema.json",
}
FLAGS = frozenset({"error", "warning", "layered"})
HARNESS_KINDS = ("harness-manifest", "harness-act", "harness-beats")


@dataclass(frozen=True)
class Example:
    blocks: tuple[Block, ...]
    """The example's block; for a pack, its manifest and then its files."""
    expect: Block | None = None
    """For an error or warning example, the messages."""
    shows: tuple[Block, ...] = ()
    """For a scene example, what the player sees in its scenes (` ```text shows act.scene `)."""

    @property
    def kind(self) -> str:
        return self.blocks[0].kind

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(self.blocks[0].tags[1:])

    @property
    def doc(self) -> Path:
        return self.blocks[0].doc

    def __str__(self) -> str:
        return f"{self.blocks[0]}: {' '.join(self.blocks[0].tags)}"


def examples_in(doc: Path) -> list[Example]:
    """A page's examples after the harness, grouped (a pack with its files) and paired with
    the messages they must produce and what they show."""
    blocks = example_blocks(doc)
    examples: list[Example] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if block.lang != "yaml" or block.kind in HARNESS_KINDS:
            continue
        group = [block]
        while block.kind == "pack" and i < len(blocks) and blocks[i].kind == "pack-act":
            group.append(blocks[i])
            i += 1
        expect = None
        if {"error", "warning"} & set(block.tags) and i < len(blocks) and blocks[i].lang == "text":
            expect = blocks[i]
            i += 1
        shows = []
        while i < len(blocks) and blocks[i].lang == "text" and blocks[i].kind == "shows":
            shows.append(blocks[i])
            i += 1
        examples.append(Example(tuple(group), expect, tuple(shows)))
    return examples


def reference_examples() -> list[Example]:
    return [e for doc in (AUTHORING, *WHOLE_PAGES) for e in examples_in(doc)]


def messages(block: Block) -> list[str]:
    return [line.rstrip() for line in block.body.splitlines() if line.strip()]


# -- the harness and where each example goes in it ---------------------------------------------


@dataclass(frozen=True)
class Harness:
    manifest: str
    acts: dict[str, tuple[str, str]]
    """Act id -> (file name, text), in the manifest's order."""
    beats: tuple[str, str] | None
    """(file name, text) of the beat sheet."""

    @property
    def home(self) -> str:
        return next(iter(self.acts))


def harness() -> Harness:
    blocks = {
        kind: [b for b in section("## Reference") if b.kind == kind] for kind in HARNESS_KINDS
    }
    [manifest] = blocks["harness-manifest"]
    data = yaml.safe_load(manifest.body)
    files = {act["id"]: act["file"] for act in data["acts"]}
    texts = {yaml.safe_load(b.body)["act"]: b.body for b in blocks["harness-act"]}
    assert list(texts) == list(files), "one harness-act block per act, in the manifest's order"
    assert list(data)[-1] == "state", "`state` examples are appended: keep state: last"
    beats = None
    if "beat_sheet" in data:
        [sheet] = blocks["harness-beats"]
        beats = (data["beat_sheet"], sheet.body)
    return Harness(manifest.body, {a: (files[a], texts[a]) for a in files}, beats)


@dataclass
class Staged:
    """An example written out in its place in the harness, ready to load."""

    folder: Path
    packs: list[Path] = field(default_factory=list)
    script: Path | None = None
    written: dict[Path, str] = field(default_factory=dict)
    """Each file an example put there, with its JSON Schema."""

    @property
    def story(self) -> Path:
        return self.folder / "story"


def write_harness(folder: Path, h: Harness) -> Staged:
    staged = Staged(folder)
    (folder / "story").mkdir(parents=True, exist_ok=True)
    (staged.story / "story.yaml").write_text(h.manifest, encoding="utf-8")
    for name, text in h.acts.values():
        (staged.story / name).write_text(text, encoding="utf-8")
    if h.beats is not None:
        sheet = staged.story / h.beats[0]
        sheet.parent.mkdir(parents=True, exist_ok=True)
        sheet.write_text(h.beats[1], encoding="utf-8")
    return staged


def put_scenes(staged: Staged, h: Harness, body: str) -> None:
    """Scene examples go at the top of the first act's scenes, as a file's first scenes."""
    assert body.startswith("  ") and not body.startswith("   "), "indent scenes as in a file"
    name, text = h.acts[h.home]
    head, marker, rest = text.partition("\nscenes:\n")
    assert marker, f"the harness's {name} needs a `scenes:` line"
    path = staged.story / name
    path.write_text(head + marker + body + rest, encoding="utf-8")
    staged.written[path] = "act.schema.json"


def stage(example: Example, folder: Path, examples: list[Example]) -> Staged:
    """Write `example` in its place; a walkthrough or a layered pack finds the example it
    builds on before it on its own page."""
    h = harness()
    staged = write_harness(folder, h)
    block = example.blocks[0]
    before = [e for e in examples[: examples.index(example)] if e.doc == example.doc]
    if example.kind == "scene":
        put_scenes(staged, h, block.body)
    elif example.kind in ("state", "manifest"):
        path = staged.story / "story.yaml"
        text = h.manifest + block.body if example.kind == "state" else block.body
        path.write_text(text, encoding="utf-8")
        staged.written[path] = "story.schema.json"
    elif example.kind == "act":
        path = staged.story / h.acts["town"][0]
        path.write_text(block.body, encoding="utf-8")
        staged.written[path] = "act.schema.json"
    elif example.kind == "pack":
        if "layered" in example.flags:
            earlier = [e for e in before if e.kind == "pack" and "error" not in e.flags]
            assert earlier, f"{example}: a layered pack needs a valid pack before it"
            write_pack(staged, earlier[-1])
        write_pack(staged, example)
    elif example.kind == "walkthrough":
        scenes = [e for e in before if e.kind == "scene" and "error" not in e.flags]
        if scenes:
            put_scenes(staged, h, scenes[-1].blocks[0].body)
        staged.script = folder / "walkthrough.yaml"
        staged.script.write_text(block.body, encoding="utf-8")
        staged.written[staged.script] = "walkthrough.schema.json"
    else:
        pytest.fail(f"{block}: unknown kind '{example.kind}'")
    return staged


def write_pack(staged: Staged, example: Example) -> None:
    manifest, *files = example.blocks
    data = yaml.safe_load(manifest.body)
    pack_id = data.get("pack") if isinstance(data.get("pack"), str) else "pack"
    root = staged.folder / pack_id
    root.mkdir()
    (root / "pack.yaml").write_text(manifest.body, encoding="utf-8")
    staged.written[root / "pack.yaml"] = "pack.schema.json"
    names = data.get("files") or []
    assert len(names) == len(files), f"{manifest}: `files` names {len(names)}, {len(files)} follow"
    for name, block in zip(names, files, strict=True):
        (root / name).write_text(block.body, encoding="utf-8")
        staged.written[root / name] = "pack-act.schema.json"
    staged.packs.append(root)


def outcome(staged: Staged) -> tuple[list[str], list[str]]:
    """Every error and every warning, as `her-if check` (or `play --script`) prints them."""
    try:
        story = load_story(staged.story, staged.packs)
        if staged.script is not None:
            result = run_script(story, load_script(staged.script, story))
            return list(result.failures), []
    except StoryError as err:
        return [str(d) for d in err.diagnostics], []
    return [], [str(w) for w in summarize(story).warnings]


def schema_problems(path: Path, schema: str) -> list[str]:
    instance = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [f"{e.json_path}: {e.message}" for e in validator(schema).iter_errors(instance)]


def comparable(message: str) -> str:
    """A message as compared: PyYAML words its syntax errors differently without libyaml (which
    the examples were written with), so then only where a syntax error is counts."""
    head, marker, _ = message.partition(": YAML syntax: ")
    return head + marker if marker and not yaml.__with_libyaml__ else message
