"""docs/authoring.md cannot drift from the code: its examples are loaded by the real loader, and
its tutorial is followed, step by step, on a copy of the story.

The convention is in the Markdown source, on each fence's opening line (GitHub shows only the
language, so readers see plain YAML; the words after it are for this test):

- In the reference, every ```` ```yaml ```` block names its kind. `harness-manifest`,
  `harness-act` and `harness-beats` are the small story the reference introduces once (the
  harness). `manifest` replaces its `story.yaml`; `state` is appended to the end of its
  `state:` block; `act` replaces `story/town.yaml`; `scene` is one or more scenes put at the
  top of `story/home.yaml`'s scenes; `pack` is a pack folder on the harness, whose `files:`
  are the `pack-act` blocks that follow it, in order (with `layered`, loaded after the last
  valid pack before it); `walkthrough` is a script played on the harness with the last valid
  `scene` example in place.
- `error` marks an example that must fail: the ```` ```text ```` block right after it lists
  every message, exactly as `her-if check` (or `play --script`) prints them when run from the
  folder holding the harness (`story/`, and a pack in a folder named after its id).
  `warning` marks one that loads with exactly the warnings listed in the block after it.
- Every other example must load without errors and pass its JSON Schema. A
  ```` ```text shows act.scene ```` block after a scene example is what the player reads in
  that scene at the start of a game begun there.
- In the tutorial, ```` ```yaml tutorial STEP ```` blocks are what the author types, applied as
  the prose around them says (`apply_step`); each line of a ```` ```sh ```` block that starts
  with `.venv/bin/her-if` is run in-process, in order, on the copy; a block tagged `output`
  shows (part of) what the command before it printed: its lines in order, `...` for lines
  left out, a line ending in ` ...` for one cut short, any number standing for any number.

Beyond the blocks, the conditions in the reference's table must parse, its claims about
precedence must hold, and each message its table of common messages quotes must be one an
example produces.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml

from her_if import cli
from her_if.analysis.check import summarize
from her_if.analysis.explore import explore
from her_if.analysis.script import load_script, run_script
from her_if.core.engine import start, view
from her_if.core.expr import Expr
from her_if.core.model import Story
from her_if.loading.conditions import parse_condition
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.loading.scene_loader import SceneBuilder
from tests.conftest import ROOT
from tests.support.schema import declared_keys, documents, mark_used_keys, validator

DOC = ROOT / "docs" / "authoring.md"
HER_IF = ".venv/bin/her-if"


# -- reading the document --------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, the words after it, its text and where it opens."""

    lang: str
    tags: tuple[str, ...]
    body: str
    line: int

    def __str__(self) -> str:
        return f"docs/authoring.md:{self.line}"

    @property
    def kind(self) -> str:
        return self.tags[0] if self.tags else ""


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    opened: tuple[str, int] | None = None
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("```"):
            if opened is not None:
                body.append(line + "\n")
            continue
        assert line.startswith("```"), f"docs/authoring.md:{number}: keep fences at column 1"
        if opened is None:
            opened = (line[3:].strip(), number)
            body = []
            continue
        assert line == "```", f"docs/authoring.md:{number}: a block opens inside a block"
        info, start = opened
        lang, *tags = info.split() or [""]
        blocks.append(Block(lang, tuple(tags), "".join(body), start))
        opened = None
    assert opened is None, f"docs/authoring.md:{opened[1]}: block never closed"
    return blocks


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def section_lines(heading: str) -> range:
    """The lines of the section whose heading starts with `heading` (`## Reference`), up to
    the next heading of its level or above."""
    found = list(headings())
    level = len(heading.split(" ")[0])
    start = next(i for i, line in found if line.startswith(heading))
    end = next(
        (i for i, line in found if i > start and len(line.split(" ")[0]) <= level),
        len(doc_text().splitlines()) + 1,
    )
    return range(start, end)


def headings() -> Iterator[tuple[int, str]]:
    """The document's headings, with their line numbers (a `#` in a code block is none)."""
    fenced = False
    for number, line in enumerate(doc_text().splitlines(), start=1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#+ ", line):
            yield number, line


def section(heading: str) -> list[Block]:
    lines = section_lines(heading)
    return [b for b in read_blocks(doc_text()) if b.line in lines]


# -- the reference: examples and the harness ---------------------------------------------------

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
    """For a scene example, what the player reads in its scenes (` ```text shows act.scene `)."""

    @property
    def kind(self) -> str:
        return self.blocks[0].kind

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(self.blocks[0].tags[1:])

    def __str__(self) -> str:
        return f"line {self.blocks[0].line}: {' '.join(self.blocks[0].tags)}"


def reference_examples() -> list[Example]:
    """The examples after the harness, grouped (a pack with its files) and paired with the
    messages they must produce."""
    blocks = [b for b in section("## Reference") if b.lang == "yaml" or b.lang == "text"]
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
    h = harness()
    staged = write_harness(folder, h)
    block = example.blocks[0]
    if example.kind == "scene":
        put_scenes(staged, h, block.body)
    elif example.kind == "state":
        path = staged.story / "story.yaml"
        path.write_text(h.manifest + block.body, encoding="utf-8")
        staged.written[path] = "story.schema.json"
    elif example.kind == "manifest":
        path = staged.story / "story.yaml"
        path.write_text(block.body, encoding="utf-8")
        staged.written[path] = "story.schema.json"
    elif example.kind == "act":
        path = staged.story / h.acts["town"][0]
        path.write_text(block.body, encoding="utf-8")
        staged.written[path] = "act.schema.json"
    elif example.kind == "pack":
        before = examples[: examples.index(example)]
        if "layered" in example.flags:
            earlier = [e for e in before if e.kind == "pack" and "error" not in e.flags]
            assert earlier, f"{example}: a layered pack needs a valid pack before it"
            write_pack(staged, earlier[-1])
        write_pack(staged, example)
    elif example.kind == "walkthrough":
        before = examples[: examples.index(example)]
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


def messages(block: Block) -> list[str]:
    return [line.rstrip() for line in block.body.splitlines() if line.strip()]


def comparable(message: str) -> str:
    """A message as compared: PyYAML words its syntax errors differently without libyaml (which
    the examples were written with), so then only where a syntax error is counts."""
    head, marker, _ = message.partition(": YAML syntax: ")
    return head + marker if marker and not yaml.__with_libyaml__ else message


EXAMPLES = reference_examples()


def test_every_yaml_block_says_what_it_is() -> None:
    """So that no example escapes: an untagged block would be checked by nobody."""
    reference, tutorial = section_lines("## Reference"), section_lines("## Tutorial")
    untagged = []
    for block in read_blocks(doc_text()):
        if block.lang != "yaml":
            continue
        if block.line in reference:
            known = block.kind in KIND_SCHEMA and set(block.tags[1:]) <= FLAGS
        elif block.line in tutorial:
            known = block.kind in ("tutorial", "output")
        else:
            known = False
        if not known:
            untagged.append(f"{block}: ```yaml {' '.join(block.tags)}")
    assert untagged == []


def test_every_error_and_warning_example_is_followed_by_its_messages() -> None:
    unsaid = [str(e) for e in EXAMPLES if {"error", "warning"} & e.flags and e.expect is None]
    empty = [str(e) for e in EXAMPLES if e.expect is not None and not messages(e.expect)]
    assert unsaid == empty == []
    assert len(EXAMPLES) >= 30  # a floor, so that a parsing slip cannot make them vanish


def test_the_harness_loads_and_passes_its_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    h = harness()
    staged = write_harness(tmp_path, h)
    story = load_story(staged.story)
    assert set(story.variables) >= {"trust", "met", "mood"}
    assert summarize(story).warnings == ()  # so a warning example's warnings are its own
    assert schema_problems(staged.story / "story.yaml", "story.schema.json") == []
    for name, _ in h.acts.values():
        assert schema_problems(staged.story / name, "act.schema.json") == []
    if h.beats is not None:
        assert schema_problems(staged.story / h.beats[0], "beats.schema.json") == []


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_a_reference_example_does_what_the_reference_says(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    staged = stage(example, tmp_path, EXAMPLES)
    errors, warnings = outcome(staged)
    if "error" in example.flags:
        assert example.expect is not None
        assert [comparable(m) for m in errors] == [comparable(m) for m in messages(example.expect)]
        return
    assert errors == []
    if "warning" in example.flags:  # the harness has none of its own
        assert example.expect is not None
        assert warnings == messages(example.expect)
    problems = {
        str(path.relative_to(tmp_path)): schema_problems(path, schema)
        for path, schema in staged.written.items()
    }
    assert {path: found for path, found in problems.items() if found} == {}
    for block in example.shows:
        story = load_story(staged.story, staged.packs)
        shown = view(story, start(story, block.tags[1])).paragraphs
        assert list(shown) == paragraphs(block.body), block


def paragraphs(text: str) -> list[str]:
    """Text as the game shows it: paragraphs split at blank lines, each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def test_every_text_block_of_the_reference_is_messages_or_what_a_scene_shows() -> None:
    """A `shows` block after anything but a scene example, or a stray text block, would be
    checked by nobody."""
    claimed = {b.line for e in EXAMPLES for b in (e.expect, *e.shows) if b is not None}
    stray = [str(b) for b in section("## Reference") if b.lang == "text" and b.line not in claimed]
    assert stray == []
    assert all(e.kind == "scene" for e in EXAMPLES if e.shows)
    assert sum(len(e.shows) for e in EXAMPLES) >= 3


def slug(heading: str) -> str:
    """A heading's anchor, as GitHub makes it."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_within_the_page_has_its_heading() -> None:
    text = doc_text()
    anchors = {slug(line.lstrip("#")) for _, line in headings()}
    targets = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert targets and targets - anchors == set()
    for other in set(re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text)):
        assert (DOC.parent / other).exists(), other  # a file or folder of the repository


def test_each_message_in_the_table_of_common_ones_is_shown_by_an_example() -> None:
    """The table quotes messages; each must be one that an example above really produces."""
    lines = section_lines("### Messages you will meet most")
    text = [t for i, t in enumerate(doc_text().splitlines(), 1) if i in lines]
    quoted = [match.group(1) for line in text if (match := re.match(r"\| `([^`]+)` \|", line))]
    shown = [m for e in EXAMPLES if e.expect is not None for m in messages(e.expect)]
    assert len(quoted) >= 10
    unmatched = [
        q
        for q in quoted
        if not any(
            re.search(".*".join(re.escape(part.strip()) for part in q.split("...")), m)
            for m in shown
        )
    ]
    assert unmatched == []


@cache
def harness_story() -> Story:
    with tempfile.TemporaryDirectory() as folder:
        return load_story(write_harness(Path(folder), harness()).story)


def harness_condition(source: str) -> Expr:
    """A condition as the loader parses it in a scene of the harness's first act."""
    story = harness_story()
    scenes = SceneBuilder(story.variables, story.scenes.keys(), {})
    return parse_condition(source, story.variables, lambda n: scenes.lookup_scene(n, "home"))


def test_the_conditions_in_the_table_parse_and_the_precedence_is_as_said() -> None:
    lines = section_lines("### Conditions")
    text = "\n".join(t for i, t in enumerate(doc_text().splitlines(), 1) if i in lines)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "literals" not in line]
    conditions = [c for row in rows[2:] for c in re.findall(r"`([^`]+)`", row.split(" | ")[1])]
    assert len(conditions) >= 10
    for source in conditions:
        harness_condition(source)  # raises ConditionError if the table is wrong
    claims = re.findall(r"`([^`]+)` means `([^`]+)`", text)
    assert len(claims) >= 2
    for written, meant in claims:
        assert harness_condition(written) == harness_condition(meant), written


def test_the_reference_shows_every_key_of_every_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its valid examples, with the harness, use every key an editor can complete."""
    monkeypatch.chdir(tmp_path)
    declared = {
        (id(properties), key): f"{name}: {key}"
        for name, doc in documents().items()
        for properties, key in declared_keys(doc)
    }
    used: set[tuple[int, str]] = set()
    h = harness()
    harness_files = write_harness(tmp_path / "harness", h)
    shown = {harness_files.story / "story.yaml": "story.schema.json"}
    shown.update({harness_files.story / n: "act.schema.json" for n, _ in h.acts.values()})
    if h.beats is not None:
        shown[harness_files.story / h.beats[0]] = "beats.schema.json"
    for index, example in enumerate(EXAMPLES):
        if not {"error", "warning"} & example.flags:
            shown.update(stage(example, tmp_path / str(index), EXAMPLES).written)
    for path, schema in shown.items():
        instance = yaml.safe_load(path.read_text(encoding="utf-8"))
        mark_used_keys(documents()[schema], instance, schema, used)
    assert sorted(declared[k] for k in declared.keys() - used) == []


# -- the tutorial ------------------------------------------------------------------------------

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
    lines = section_lines("## Tutorial")
    prose = "\n".join(t for i, t in enumerate(doc_text().splitlines(), 1) if i in lines)
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


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory) -> Followed:
    """The tutorial, followed on a copy of the checkout's story, in its order (the working
    folder and the input are the copy's only while it is followed)."""
    if "creature:" in (ROOT / "story" / "01-installation.yaml").read_text(encoding="utf-8"):
        pytest.skip(
            "the tutorial's scene is already in story/ (you followed the tutorial in this "
            "checkout; `git checkout -- story tests` undoes it)"
        )
    folder = tmp_path_factory.mktemp("tutorial")
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


def test_the_tutorial_has_its_steps_in_order(followed: Followed) -> None:
    assert tuple(followed.steps) == TUTORIAL_STEPS


def test_the_tutorial_runs_every_authoring_command_and_each_succeeds(followed: Followed) -> None:
    ran = {run.argv[0] for run in followed.runs}
    assert {"check", "new-scene", "playtest", "graph", "play"} <= ran
    assert [(run.argv, run.code, run.out) for run in followed.runs if run.code != 0] == []
    assert any("--write" in run.argv for run in followed.runs if run.argv[0] == "new-scene")
    assert any("--script" in run.argv for run in followed.runs if run.argv[0] == "play")
    assert any("--walkthroughs" in run.argv for run in followed.runs if run.argv[0] == "playtest")


def shows(expected: str, actual: str) -> list[str]:
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


def test_the_tutorial_shows_what_each_command_prints(followed: Followed) -> None:
    assert len(followed.shown) >= 6
    wrong = {
        f"{block} ({' '.join(run.argv)})": missing
        for block, run in followed.shown
        if (missing := shows(block.body, run.out))
    }
    assert wrong == {}


def test_after_the_tutorial_the_story_checks_clean(followed: Followed) -> None:
    story = load_story(followed.folder / "story")
    assert summarize(story).warnings == ()
    for path, schema in (
        ("story/story.yaml", "story.schema.json"),
        ("story/01-installation.yaml", "act.schema.json"),
        (str(WALKTHROUGH), "walkthrough.schema.json"),
    ):
        assert schema_problems(followed.folder / path, schema) == [], path


def test_the_new_scene_is_reached_in_an_exploration_and_by_the_walkthrough(
    followed: Followed,
) -> None:
    story = load_story(followed.folder / "story")
    found = explore(story)
    assert found.complete and found.defects == 0
    assert NEW_SCENE in found.scenes_reached
    script = load_script(followed.folder / WALKTHROUGH, story)
    result = run_script(story, script)
    assert result.ok and NEW_SCENE in result.state.visits
    assert result.state.vars["asked_creature"] is True


def test_live_reload_in_the_tutorial_shows_the_edit_where_the_player_is(
    followed: Followed,
) -> None:
    [run] = [r for r in followed.runs if r.argv[0] == "play" and "--script" not in r.argv]
    assert "--watch" in run.argv
    old, new = tutorial_edit()
    before, marker, after = " ".join(run.out.split()).partition("Reloaded: ")
    assert marker, run.out
    assert "1. Ask the creature how it can be so sure." in before  # the choice is the first
    assert "A word with the creature" in before and old in before
    assert "A word with the creature" in after and new in after
