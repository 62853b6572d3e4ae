"""The docs cannot drift from the code: their examples are loaded by the real loader, and the
tutorial of docs/authoring.md is followed, step by step, on a copy of the story.

Three pages hold examples: the reference of docs/authoring.md (its `## Reference` section),
docs/format.md and docs/from-ink-choicescript-twine.md, all loaded in the one harness story that
docs/authoring.md introduces (tests/support/doc_examples.py reads them). The convention is in
the Markdown source, on each fence's opening line (GitHub shows only the language, so readers
see plain YAML; the words after it are for this test):

- Every ```` ```yaml ```` example block names its kind. `harness-manifest`, `harness-act` and
  `harness-beats` are the harness. `manifest` replaces its `story.yaml`; `state` is appended to
  the end of its `state:` block; `act` replaces `story/town.yaml`; `scene` is one or more
  scenes put at the top of `story/home.yaml`'s scenes; `pack` is a pack folder on the harness,
  whose `files:` are the `pack-act` blocks that follow it, in order (with `layered`, loaded
  after the last valid pack before it on its page); `walkthrough` is a script played on the
  harness with the last valid `scene` example before it on its page in place. In
  docs/format.md and the idiom page, a block tagged `sketch` is an illustration with comments,
  only parsed as YAML.
- `error` marks an example that must fail: the ```` ```text ```` block right after it lists
  every message, exactly as `her-if check` (or `play --script`) prints them when run from the
  folder holding the harness (`story/`, and a pack in a folder named after its id).
  `warning` marks one that loads with exactly the warnings listed in the block after it.
- Every other example must load without errors and pass its JSON Schema. A
  ```` ```text shows act.scene [seed N] [after ID ...] ```` block after a scene example is
  what the player sees in that scene in a game begun there (with that seed, after those
  choices): its paragraphs, and, if it lists them, the choices on offer and those shown closed,
  and the echo of the last choice taken (the notation is `doc_seen.Seen`'s).
- In the tutorial, ```` ```yaml tutorial STEP ```` blocks are what the author types, applied as
  the prose around them says (`apply_step`); each line of a ```` ```sh ```` block that starts
  with `.venv/bin/her-if` is run in-process, in order, on the copy; a block tagged `output`
  shows (part of) what the command before it printed: its lines in order, `...` for lines
  left out, a line ending in ` ...` for one cut short, any number standing for any number.

Beyond the blocks, the conditions in each table of conditions must parse, its claims about
precedence and values must hold, each message a table of messages quotes must be one an
example produces, and each example of ours in the idiom page's tables must be in one of its
loaded examples.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

import pytest
import yaml

from her_if.analysis.check import summarize
from her_if.analysis.explore import explore
from her_if.analysis.script import load_script, run_script
from her_if.core.engine import start
from her_if.core.expr import Expr, compile_expr
from her_if.core.model import Story
from her_if.loading.conditions import parse_condition
from her_if.loading.loader import load_story
from her_if.loading.scene_loader import SceneBuilder
from tests.conftest import ROOT
from tests.support.doc_examples import (
    AUTHORING,
    FLAGS,
    FORMAT,
    IDIOMS,
    KIND_SCHEMA,
    WHOLE_PAGES,
    Example,
    comparable,
    doc_text,
    example_blocks,
    harness,
    headings,
    messages,
    outcome,
    read_blocks,
    reference_examples,
    schema_problems,
    section_lines,
    section_text,
    stage,
    write_harness,
)
from tests.support.doc_seen import as_compared, expected, seen
from tests.support.schema import declared_keys, documents, mark_used_keys
from tests.support.tutorial import (
    NEW_SCENE,
    TUTORIAL_STEPS,
    WALKTHROUGH,
    Followed,
    follow,
    output_missing,
    tutorial_edit,
)

PAGES = (AUTHORING, *WHOLE_PAGES)
EXAMPLES = reference_examples()


def test_every_yaml_block_says_what_it_is() -> None:
    """So that no example escapes: an untagged block would be checked by nobody."""
    reference, tutorial = section_lines("## Reference"), section_lines("## Tutorial")
    untagged = []
    for doc in PAGES:
        for block in read_blocks(doc):
            if block.lang != "yaml":
                continue
            example = block.kind in KIND_SCHEMA and set(block.tags[1:]) <= FLAGS
            if doc != AUTHORING:
                known = example or block.tags == ("sketch",)
            elif block.line in reference:
                known = example
            elif block.line in tutorial:
                known = block.kind in ("tutorial", "output")
            else:
                known = False
            if not known:
                untagged.append(f"{block}: ```yaml {' '.join(block.tags)}")
    assert untagged == []


@pytest.mark.parametrize("doc", WHOLE_PAGES, ids=lambda d: d.name)
def test_every_sketch_is_yaml(doc: Path) -> None:
    sketches = [b for b in read_blocks(doc) if b.lang == "yaml" and b.kind == "sketch"]
    for block in sketches:
        assert yaml.safe_load(block.body) is not None, block


def test_every_error_and_warning_example_is_followed_by_its_messages() -> None:
    unsaid = [str(e) for e in EXAMPLES if {"error", "warning"} & e.flags and e.expect is None]
    empty = [str(e) for e in EXAMPLES if e.expect is not None and not messages(e.expect)]
    assert unsaid == empty == []
    for doc, floor in ((AUTHORING, 30), (FORMAT, 20), (IDIOMS, 3)):
        # a floor, so that a parsing slip cannot make them vanish
        assert len([e for e in EXAMPLES if e.doc == doc]) >= floor, doc.name


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
        want = expected(block)
        assert as_compared(want, seen(story, block)) == want, block


@pytest.mark.parametrize("doc", PAGES, ids=lambda d: d.name)
def test_every_text_block_of_the_examples_is_messages_or_what_a_scene_shows(doc: Path) -> None:
    """A `shows` block after anything but a scene example, or a stray text block, would be
    checked by nobody."""
    mine = [e for e in EXAMPLES if e.doc == doc]
    claimed = {b.line for e in mine for b in (e.expect, *e.shows) if b is not None}
    stray = [str(b) for b in example_blocks(doc) if b.lang == "text" and b.line not in claimed]
    assert stray == []
    assert all(e.kind == "scene" for e in mine if e.shows)
    assert sum(len(e.shows) for e in mine) >= 3


def slug(heading: str) -> str:
    """A heading's anchor, as GitHub makes it."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    return {slug(line.lstrip("#")) for _, line in headings(doc)}


@pytest.mark.parametrize("doc", PAGES, ids=lambda d: d.name)
def test_every_link_within_the_docs_has_its_heading(doc: Path) -> None:
    text = doc_text(doc)
    targets = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert targets and targets - anchors(doc) == set()
    for other, anchor in set(re.findall(r"\]\(([^)#:]+)(?:#([^)]*))?\)", text)):
        assert (doc.parent / other).exists(), other  # a file or folder of the repository
        if anchor and other.endswith(".md") and (doc.parent / other).parent == doc.parent:
            assert anchor in anchors(doc.parent / other), f"{other}#{anchor}"


MESSAGE_TABLES = (
    (AUTHORING, "### Messages you will meet most"),
    (IDIOMS, "## What the loader says to old habits"),
)


@pytest.mark.parametrize("doc, heading", MESSAGE_TABLES, ids=lambda x: getattr(x, "name", x))
def test_each_message_in_a_table_of_messages_is_shown_by_an_example(
    doc: Path, heading: str
) -> None:
    """The table quotes messages; each must be one that an example really produces."""
    text = section_text(heading, doc).splitlines()
    quoted = [
        match.group(1).replace("\\|", "|")
        for line in text
        if (match := re.match(r"\| `([^`]+)` \|", line))
    ]
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


CONDITION_TABLES = ((AUTHORING, "### Conditions"), (FORMAT, "## Conditions and expressions"))


@pytest.mark.parametrize("doc, heading", CONDITION_TABLES, ids=lambda x: getattr(x, "name", x))
def test_the_conditions_in_a_table_parse_and_the_claims_about_them_hold(
    doc: Path, heading: str
) -> None:
    text = section_text(heading, doc)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "literals" not in line]
    conditions = [c for row in rows[2:] for c in re.findall(r"`([^`]+)`", row.split(" | ")[1])]
    assert len(conditions) >= 10
    for source in conditions:
        harness_condition(source)  # raises ConditionError if the table is wrong
    claims = re.findall(r"`([^`]+)` means `([^`]+)`", text)
    assert len(claims) >= 2
    for written, meant in claims:
        assert harness_condition(written) == harness_condition(meant), written
    state = start(harness_story())
    for source in re.findall(r"`([^`]+)` is true[.,;]", text):
        test = compile_expr(harness_condition(source))
        assert test(state.vars, state.visits) is True, source


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


def test_each_example_of_ours_in_the_idiom_tables_is_in_a_loaded_example() -> None:
    """The tables map another system's idiom to ours with a short example; each must be text
    that one of the page's examples (loaded, and checked as above) holds, word for word."""
    bodies = [b.body for e in EXAMPLES if e.doc == IDIOMS for b in (*e.blocks, *e.shows)]
    rows = [line for line in doc_text(IDIOMS).splitlines() if line.startswith("| ")]
    ours = [
        code
        for row in rows
        if not set(row) <= set("|- ") and len(row.split(" | ")) >= 3
        for code in re.findall(r"`([^`]+)`", row.split(" | ")[1].replace("\\|", "|"))
    ]
    assert len(ours) >= 30
    assert [code for code in ours if not any(code in body for body in bodies)] == []


# -- the tutorial ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory) -> Followed:
    """The tutorial, followed on a copy of the checkout's story."""
    if "creature:" in (ROOT / "story" / "01-installation.yaml").read_text(encoding="utf-8"):
        pytest.skip(
            "the tutorial's scene is already in story/ (you followed the tutorial in this "
            "checkout; `git checkout -- story tests` undoes it)"
        )
    return follow(tmp_path_factory.mktemp("tutorial"))


def test_the_tutorial_has_its_steps_in_order(followed: Followed) -> None:
    assert tuple(followed.steps) == TUTORIAL_STEPS


def test_the_tutorial_runs_every_authoring_command_and_each_succeeds(followed: Followed) -> None:
    ran = {run.argv[0] for run in followed.runs}
    assert {"check", "new-scene", "playtest", "graph", "play"} <= ran
    assert [(run.argv, run.code, run.out) for run in followed.runs if run.code != 0] == []
    assert any("--write" in run.argv for run in followed.runs if run.argv[0] == "new-scene")
    assert any("--script" in run.argv for run in followed.runs if run.argv[0] == "play")
    assert any("--walkthroughs" in run.argv for run in followed.runs if run.argv[0] == "playtest")


def test_the_tutorial_shows_what_each_command_prints(followed: Followed) -> None:
    assert len(followed.shown) >= 6
    wrong = {
        f"{block} ({' '.join(run.argv)})": missing
        for block, run in followed.shown
        if (missing := output_missing(block.body, run.out))
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
