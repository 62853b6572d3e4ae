"""Fuzzing the story loader: random documents, and real story files mutated, in every role a
story file plays (manifest, act, beat sheet, pack manifest, pack file, walkthrough).

Every case must end in a loaded story (which then starts, and plays a few steps, printing
nothing a terminal would obey) or in a `StoryError` whose every diagnostic has a position
inside a file (`file:line:col`, line and column from 1) and prints as one clean line; never
another exception, and never more than a few seconds. Conditions and text with `{...}` slots
are fuzzed on their own too. The budget of each test is `--fuzz-examples` (tests/conftest.py):
none sets `max_examples`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from her_if.analysis.script import load_script
from her_if.core.engine import choose, start, view
from her_if.core.expr import compile_expr, names_read
from her_if.core.model import Counter, Enum, Flag, Story, Value, Variable
from her_if.core.sanitize import clean
from her_if.loading.conditions import ConditionError, parse_condition
from her_if.loading.diagnostics import Diagnostic, StoryError
from her_if.loading.loader import load_story
from her_if.play.transcript import render_view
from tests.conftest import ACT, MANIFEST, ROOT
from tests.support.bounds import time_limit

LIMIT = 5.0
"""Seconds one example may take: the largest (the whole of Her) loads in a fraction of it."""


# -- the corpus: real files, each in a tree where it plays its role -------------------------


@dataclass
class Tree:
    """Story files laid out as they are used: a story folder, packs, perhaps a walkthrough."""

    name: str
    files: dict[str, bytes] = field(repr=False)
    story: str
    packs: tuple[str, ...] = ()
    script: str | None = None
    targets: tuple[str, ...] = ()
    """The files to mutate (all but the walkthrough's story, when it has one)."""
    root: Path = field(default=Path())

    def lay_out(self, folder: Path) -> None:
        self.root = folder / self.name
        for rel, data in self.files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def _read(rel: str) -> bytes:
    return (ROOT / rel).read_bytes()


def _parse(data: bytes) -> Any:
    """YAML as plain data, by libyaml: the pure-Python loader would take seconds for Her."""
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _tree_from(name: str, folders: dict[str, str], **kw: object) -> Tree:
    """A tree of the repository's folders `{their path: path in the tree}`, YAML files only."""
    files = {}
    for source, dest in folders.items():
        for path in sorted((ROOT / source).glob("*.yaml")):
            files[f"{dest}/{path.name}"] = path.read_bytes()
    return Tree(name, files, **kw)  # type: ignore[arg-type]


def _one_act(act_id: str, packs: dict[str, str] | None = None) -> Tree:
    """The real manifest cut to one act of Her (its state, premise and all), with that act's
    real file: the act is fuzzed without paying for loading the other four each time."""
    manifest = _parse(_read("story/story.yaml"))
    [entry] = [a for a in manifest["acts"] if a["id"] == act_id]
    first = next(iter(_parse(_read(f"story/{entry['file']}"))["scenes"]))
    manifest.pop("beat_sheet")
    manifest.update(acts=[entry], start=f"{act_id}.{first}")
    files = {
        "story/story.yaml": yaml.safe_dump(manifest, sort_keys=False).encode(),
        f"story/{entry['file']}": _read(f"story/{entry['file']}"),
    }
    for source, dest in (packs or {}).items():
        for path in sorted((ROOT / source).glob("*.yaml")):
            files[f"{dest}/{path.name}"] = path.read_bytes()
    targets = [f"story/{entry['file']}", *(rel for rel in files if not rel.startswith("story/"))]
    return Tree(
        f"her-{act_id}",
        files,
        "story",
        tuple(packs.values()) if packs else (),
        None,
        tuple(targets),
    )


def _beat_sheet() -> Tree:
    """The real beat sheet, with a story of the five acts it names (one scene each)."""
    acts = ["installation", "blind-date", "surrogate", "upgrade", "departure"]
    manifest = (
        "id: beats\ntitle: Beats\nstart: installation.s\nbeat_sheet: ../seeds/plot.yaml\nacts:\n"
        + "".join(f"  - {{id: {a}, title: {a}, file: {a}.yaml}}\n" for a in acts)
        + "state: {}\n"
    )
    files = {"story/story.yaml": manifest.encode(), "seeds/plot.yaml": _read("seeds/plot.yaml")}
    for a in acts:
        files[f"story/{a}.yaml"] = (
            f"act: {a}\nscenes:\n  s:\n    title: S\n    text: T\n    ending: {{id: {a}, title: E}}\n"
        ).encode()
    return Tree("beats", files, "story", targets=("seeds/plot.yaml",))


def _trees() -> list[Tree]:
    tiny = Tree(
        "tiny",
        {"story/story.yaml": MANIFEST.encode(), "story/one.yaml": ACT.encode()},
        "story",
        targets=("story/story.yaml", "story/one.yaml"),
    )
    flawed = _tree_from(
        "flawed",
        {"tests/fixtures/flawed": "story"},
        story="story",
        targets=("story/story.yaml", "story/one.yaml"),
    )
    harbor = _tree_from(
        "harbor",
        {
            "tests/fixtures/packs/story": "story",
            "tests/fixtures/packs/lantern": "lantern",
            "tests/fixtures/packs/walkthroughs": "walk",
        },
        story="story",
        packs=("lantern",),
        script="walk/lantern.yaml",
        targets=(
            "story/story.yaml",
            "story/dock.yaml",
            "lantern/pack.yaml",
            "lantern/lighthouse.yaml",
            "walk/lantern.yaml",
        ),
    )
    rival = _tree_from(
        "rival",
        {"tests/fixtures/packs/story": "story", "tests/fixtures/packs/rival": "rival"},
        story="story",
        packs=("rival",),
        targets=("rival/pack.yaml", "rival/rival.yaml"),
    )
    her = _tree_from(
        "her",
        {"story": "story", "seeds": "seeds", "tests/walkthroughs": "walk"},
        story="story",
        script="walk/film.yaml",
        targets=("story/story.yaml", "walk/film.yaml", "walk/upgrade-curious.yaml"),
    )
    return [
        tiny,
        flawed,
        harbor,
        rival,
        her,
        _beat_sheet(),
        *(_one_act(a) for a in ("installation", "blind-date", "surrogate", "departure")),
        _one_act("upgrade", {"examples/packs/amys-documentary": "amy"}),
    ]


TREES = _trees()
TARGETS = [(tree, target) for tree in TREES for target in tree.targets]
CHEAP = [(tree, target) for tree, target in TARGETS if not tree.name.startswith("her")]
COSTLY = [(tree, target) for tree, target in TARGETS if tree.name.startswith("her")]


@st.composite
def targets(draw: st.DrawFn) -> tuple[Tree, str]:
    """A file of the corpus; one time in eight, one of Her's (each load of which costs ten
    times a small story's), so that the default budget stays a few seconds."""
    return draw(st.sampled_from(COSTLY if draw(st.integers(0, 7)) == 0 else CHEAP))


@pytest.fixture(scope="module", autouse=True)
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz-story")
    for tree in TREES:
        tree.lay_out(folder)


@cache
def pristine_story(name: str) -> Story:
    """The story of a tree as shipped, for fuzzing its walkthroughs alone."""
    tree = next(t for t in TREES if t.name == name)
    return load_story(tree.root / tree.story, [tree.root / p for p in tree.packs])


# -- what every outcome must satisfy --------------------------------------------------------


def positioned(diagnostic: Diagnostic, lines: Callable[[str], int]) -> None:
    """From line 1 and column 1, on a line of its file (or just past the last, for what is
    missing at the end); one clean line when printed."""
    pos = diagnostic.pos
    assert isinstance(pos.path, str) and pos.path, diagnostic
    assert isinstance(pos.line, int) and isinstance(pos.column, int), diagnostic
    assert pos.line >= 1 and pos.column >= 1, diagnostic
    assert pos.line <= lines(pos.path) + 1, diagnostic
    shown = str(diagnostic)
    assert clean(shown) == shown and "\n" not in shown, repr(shown)


def played(story: Story, steps: int = 12) -> None:
    """A loaded story starts, shows clean text and goes on: the first choice, a few times."""
    state = start(story)
    for _ in range(steps):
        shown = view(story, state)
        text = render_view(shown, 72, new_act=True)
        assert clean(text) == text, repr(text)
        if shown.ending is not None or not shown.choices:
            break
        state = choose(story, state, shown.choices[0].id)


def outcome(tree: Tree, target: str, content: bytes) -> str:
    """Put `content` in the tree at `target`, read the tree as the game would, then put the
    file back; assert the promise on whatever happened, and say what it was."""
    path = tree.root / target
    original = tree.files[target]
    path.write_bytes(content)
    try:
        with time_limit(LIMIT):
            try:
                if target == tree.script:
                    story = pristine_story(tree.name)
                    load_script(path, story)
                else:
                    story = load_story(tree.root / tree.story, [tree.root / p for p in tree.packs])
                    if tree.script is not None:
                        load_script(tree.root / tree.script, story)
                    played(story)
                return "loads"
            except StoryError as err:
                assert err.diagnostics
                for diagnostic in err.diagnostics:
                    positioned(diagnostic, cache(line_count))
                return f"refused, first: {_gist(err.diagnostics[0].message)}"
    finally:
        path.write_bytes(original)


def line_count(path: str) -> int:
    """The lines of the file a diagnostic names, as YAML counts them (a file that is gone,
    or a folder, has as many as the diagnostic says)."""
    try:
        text = Path(path).read_bytes().decode("utf-8", "replace")
    except OSError:
        return 10**9
    return len(re.findall("\r\n|[\r\n\x85\u2028\u2029]", text)) + 1  # NEL, LS, PS too


def _gist(message: str) -> str:
    """The kind of message, for Hypothesis' statistics (`--hypothesis-show-statistics`)."""
    return re.sub(r"'[^']*'|\d+", "_", message)[:60]


# -- random documents -----------------------------------------------------------------------

WORDS = [
    "id", "title", "start", "acts", "state", "file", "type", "default", "min", "max", "values",
    "about", "beat_sheet", "premise", "characters", "act", "scenes", "text", "choices", "to",
    "if", "set", "add", "once", "continue", "ending", "beats", "pack", "version", "extends",
    "files", "extend", "from", "expect", "scene", "visited", "summary", "sources", "choice",
]  # fmt: skip
VALUES = [
    "one.hall", "hall", "room", "end", "one", "tiny", "trust", "met", "mood", "calm", "wild",
    "counter", "flag", "enum", "one.yaml", "fin", "trust > 1", 'mood == "wild"', "not met",
    'visited("hall")', "{trust}", "{nope}", "{", "}", "", " ", "-", "~", "2013-12-18", "<<",
    "\x1b]52;c;aGk=\x07", "\u202e", "\x9b2J", "é",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.sampled_from(VALUES)
    | st.text(max_size=12)
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(WORDS) | st.text(max_size=6) | st.integers(0, 3), inner, max_size=5
        )
    ),
    max_leaves=30,
)


def graft(base: object, draw: st.DrawFn) -> object:
    """`base` with one subtree, somewhere along a random path, replaced by a random document."""
    if isinstance(base, dict) and base and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(base, key=str)))
        return {**base, key: graft(base[key], draw)}
    if isinstance(base, list) and base and draw(st.booleans()):
        index = draw(st.integers(0, len(base) - 1))
        return [*base[:index], graft(base[index], draw), *base[index + 1 :]]
    return draw(documents)


@cache
def parsed(tree: str, target: str) -> object:
    """A file of the corpus as plain data (never changed: `graft` copies what it replaces)."""
    return yaml.load(
        next(t for t in TREES if t.name == tree).files[target], Loader=yaml.CSafeLoader
    )


@st.composite
def random_documents(draw: st.DrawFn) -> tuple[Tree, str, bytes]:
    tree, target = draw(targets())
    # half the time grafted onto the real file, so the loader gets past its first keys
    fresh = draw(st.booleans())
    document = draw(documents) if fresh else graft(parsed(tree.name, target), draw)
    text = yaml.dump(
        document,
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, True, None])),
        width=draw(st.sampled_from([80, 10**6])),
    )
    return tree, target, text.encode()


@given(random_documents())
def test_random_documents_load_or_fail_with_positions(case: tuple[Tree, str, bytes]) -> None:
    event(outcome(*case))


# -- mutated real files ---------------------------------------------------------------------

ALPHABET = [
    *":-[]{}&*!|>'\"%@#,?\\ ~=<",
    " ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "0",
    "9",
    "a",
    "é",
    "\u202e",
    "\ufeff",
    "\x85",
    "\u2028",
]
RAW = [b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\x1b", b"\xfe\xff"]
pieces = st.sampled_from([c.encode() for c in ALPHABET] + RAW)
MUTATIONS = [
    "delete", "duplicate", "swap", "indent", "dedent", "tab", "flip", "insert", "remove",
    "truncate", "splice",
]  # fmt: skip


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True) or [b""]
    pick = st.integers(0, len(lines) - 1)
    at = draw(st.integers(0, len(data)))
    kind = draw(st.sampled_from(MUTATIONS))
    if kind == "delete":
        del lines[draw(pick)]
    elif kind == "duplicate":
        index = draw(pick)
        lines.insert(draw(pick), lines[index])
    elif kind == "swap":
        i, j = draw(pick), draw(pick)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind in ("indent", "dedent", "tab"):
        index = draw(pick)
        line = lines[index]
        if kind == "indent":
            lines[index] = b" " * draw(st.integers(1, 4)) + line
        elif kind == "dedent":
            lines[index] = line[min(draw(st.integers(1, 4)), len(line) - len(line.lstrip(b" "))) :]
        else:
            lines[index] = b"\t" + line.lstrip(b" ")
    elif kind == "flip" and data:
        at = min(at, len(data) - 1)
        piece: bytes = draw(pieces)
        return data[:at] + piece + data[at + 1 :]
    elif kind == "insert":
        piece = draw(pieces)
        return data[:at] + piece + data[at:]
    elif kind == "remove":
        return data[:at] + data[at + draw(st.integers(1, 8)) :]
    elif kind == "truncate":
        return data[:at]
    elif kind == "splice":
        begin = draw(st.integers(0, len(data)))
        return data[:at] + data[begin : begin + draw(st.integers(1, 200))] + data[at:]
    return b"".join(lines)


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[Tree, str, bytes]:
    tree, target = draw(targets())
    data = tree.files[target]
    for _ in range(draw(st.integers(1, 4))):
        data = draw(mutation(data))
    return tree, target, data


@given(mutated_files())
def test_mutated_story_files_load_or_fail_with_positions(case: tuple[Tree, str, bytes]) -> None:
    event(outcome(*case))


def test_the_corpus_is_as_the_fuzzers_think() -> None:
    """Unmutated, the whole stories load and the others (the pack that clashes with every
    thing, the beat sheet with no scenes to stage it, single acts of Her with no other acts to
    lead to) end in positioned errors, so what a fuzz case changes is the mutation's doing."""
    whole = {"tiny", "flawed", "harbor", "her"}
    for tree in TREES:
        for target in tree.targets:
            result = outcome(tree, target, tree.files[target])
            assert (result == "loads") == (tree.name in whole), (tree.name, target, result)
    assert len(CHEAP) > 8 and len(COSTLY) > 8


# -- conditions and text ---------------------------------------------------------------------

VARIABLES: dict[str, Variable] = {
    "trust": Counter("trust", 2, 0, 10),
    "doubt": Counter("doubt", 1, -3, 3),
    "met": Flag("met", False),
    "mood": Enum("mood", "calm", ("calm", "wild")),
}
SCENES = {"one.hall", "one.room"}
TOKENS = [
    "trust", "doubt", "met", "mood", "nope", "visited", "(", ")", '"hall"', '"one.room"',
    '"wild"', '"calm"', '"x"', "==", "!=", "<", "<=", ">", ">=", "=", "and", "or", "not", "+",
    "-", "*", "/", "%", "**", "0", "1", "-7", "10", "1.5", "true", "false", "True", "None",
    ".", "__class__", "[", "]", "{", "}", ",", ":", "lambda", "if", "else", "for", "in", "is",
    "f'", "'", '"', "\\", "#", "@", "!", "&&", "||", ";", "\n", "\t", "\x00", "\u202e", "\uff54",
]  # fmt: skip
numbers = st.sampled_from(["trust", "doubt", "0", "1", "-2", "10"])
sums = st.tuples(numbers, st.sampled_from(["", " + ", " - "]), numbers).map(
    lambda t: t[0] if not t[1] else "".join(t)
)
comparisons = st.tuples(sums, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), sums).map(
    " ".join
)
FACTS = [
    "met", "true", "false", 'visited("hall")', 'visited("one.room")', 'mood == "wild"',
    '"calm" != mood', "1 <= trust < 5",
]  # fmt: skip
facts = st.sampled_from(FACTS)
well_formed = st.recursive(
    facts | comparisons,
    lambda inner: (
        inner.map("not {}".format)
        | st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map(
            lambda t: f"({''.join(t)})"
        )
    ),
    max_leaves=8,
)
conditions = (
    well_formed
    | st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join)
    | st.text(max_size=40)
)
states = st.fixed_dictionaries(
    {
        "trust": st.integers(0, 10),
        "doubt": st.integers(-3, 3),
        "met": st.booleans(),
        "mood": st.sampled_from(["calm", "wild"]),
    }
)


def resolve(name: str) -> str | None:
    qualified = name if "." in name else f"one.{name}"
    return qualified if qualified in SCENES else None


@given(conditions, states, st.sets(st.sampled_from(sorted(SCENES))))
def test_any_condition_is_refused_with_its_place_or_evaluates_to_true_or_false(
    source: str, values: dict[str, Value], visited: set[str]
) -> None:
    with time_limit(LIMIT):
        try:
            tree = parse_condition(source, VARIABLES, resolve)
        except ConditionError as err:
            assert 0 <= err.offset <= len(source), (source, err.offset)
            assert err.message and "\n" not in err.message
            event("refused")
            return
    assert names_read(tree) <= VARIABLES.keys()
    result = compile_expr(tree)(values, dict.fromkeys(visited, 1))
    assert type(result) is bool, (source, result)
    event("evaluates")


TEXT = st.lists(
    st.sampled_from([*"{}ab \n", "{trust}", "{mood}", "{{", "}}", "{nope}", "\u202e", "\x1b[2J"]),
    max_size=12,
).map("".join) | st.text(max_size=30)


@given(TEXT, st.sampled_from(["scene text", "paragraph", "choice", "title", "ending"]))
def test_any_text_loads_and_shows_clean_or_is_refused_with_its_place(text: str, where: str) -> None:
    quoted = json.dumps(text)  # a YAML double-quoted string, escapes and all
    act = {
        "scene text": ACT.replace(
            "|\n      You stand in the hall. Trust is {trust}.\n\n      A second paragraph.", quoted
        ),
        "paragraph": ACT.replace("- The room is bright.", f"- {quoted}"),
        "choice": ACT.replace("text: Open the door.", f"text: {quoted}"),
        "title": ACT.replace("title: The room", f"title: {quoted}"),
        "ending": ACT.replace("title: Fin", f"title: {quoted}"),
    }[where]
    event(outcome(TREES[0], "story/one.yaml", act.encode()))
