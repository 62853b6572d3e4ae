"""The JSON Schemas in schema/ and the loader agree: one source of truth for editors and game.

Every fixture in tests/fixtures/schema/ names its schema on its first line, as every YAML file
we ship does. A valid fixture must pass both the schema and the real loader (inside a tiny
story built around it); an invalid one must fail both, each for the reason its header states:
`# loader:` a piece of the loader's message, `# schema:` where the schema objects (a JSON
path). Editors validate with these schemas as the author types, so a disagreement would mean
red squiggles on a good story, or none on a broken one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from her_if.analysis.script import load_script
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ROOT
from tests.support.schema import (
    SCHEMA,
    declared_keys,
    documents,
    mark_used_keys,
    registry,
    validator,
)

FIXTURES = ROOT / "tests" / "fixtures" / "schema"
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")
SHIPPED = (
    "story",
    "seeds",
    "examples",
    "tests/walkthroughs",
    "tests/fixtures/flawed",
    "tests/fixtures/schema/valid",
)
"""The YAML an author reads or copies: the story, its beats, the example packs, the scripts."""


# -- the schemas ----------------------------------------------------------------------------


def schema_named_by(path: Path) -> str:
    """The schema a YAML file names on its first line (as a file name in schema/)."""
    match = MODELINE.match(path.read_text(encoding="utf-8"))
    assert match, f"{path} does not start with '# yaml-language-server: $schema=...'"
    target = (path.parent / match.group(1)).resolve()
    assert target.parent == SCHEMA.resolve(), f"{path}: {match.group(1)} is not in schema/"
    assert target.is_file(), f"{path}: {match.group(1)} does not exist"
    return target.name


def schema_errors(path: Path) -> list[str]:
    """The JSON path of every place the file's schema objects to."""
    instance = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [e.json_path for e in validator(schema_named_by(path)).iter_errors(instance)]


def test_there_is_one_schema_per_kind_of_file_and_one_for_shared_definitions() -> None:
    assert sorted(documents()) == [
        "act.schema.json",
        "beats.schema.json",
        "defs.schema.json",
        "pack-act.schema.json",
        "pack.schema.json",
        "story.schema.json",
        "walkthrough.schema.json",
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMA.glob("*.json")))
def test_each_schema_is_a_valid_draft_2020_12_schema_whose_refs_resolve(name: str) -> None:
    doc = documents()[name]
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)
    resolver = registry().resolver(base_uri=name)
    refs = [node["$ref"] for node in _nodes(doc) if "$ref" in node]
    assert refs or name == "defs.schema.json"
    for ref in refs:
        resolver.lookup(ref)  # raises on a reference to nothing


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMA.glob("*.json")))
def test_every_property_has_a_title_and_a_description_for_editors(name: str) -> None:
    """Editors show them on hover: an author should never meet a key without an explanation."""
    for properties, key in declared_keys(documents()[name]):
        assert {"title", "description"} <= properties[key].keys(), f"{name}: '{key}'"


# -- every YAML file we ship names its schema and passes it ---------------------------------


def shipped_yaml() -> list[Path]:
    return sorted(p for folder in SHIPPED for p in (ROOT / folder).rglob("*.y*ml"))


def test_the_shipped_yaml_includes_the_story_the_beats_and_the_walkthroughs() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in shipped_yaml()}
    assert {"story/story.yaml", "story/01-installation.yaml", "seeds/plot.yaml"} <= names
    assert {"tests/walkthroughs/film.yaml", "tests/fixtures/flawed/one.yaml"} <= names


@pytest.mark.parametrize("path", shipped_yaml(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shipped_yaml_file_names_its_schema_and_passes_it(path: Path) -> None:
    assert schema_named_by(path) != "defs.schema.json"  # it constrains nothing on its own
    assert schema_errors(path) == []


# -- the fixtures: schema and loader agree ---------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    path: Path
    schema: str
    what: str
    loader: str = ""
    """Invalid fixtures: a piece of the loader's error message."""
    where: str = ""
    """Invalid fixtures: the JSON path at which the schema reports an error."""


def read_fixture(path: Path) -> Fixture:
    header = {"what": "", "loader": "", "schema": ""}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.startswith("#"):
            break
        key, _, value = line.removeprefix("# ").partition(": ")
        if key in ("loader", "schema"):
            header[key] = value
        else:
            header["what"] += line
    return Fixture(path, schema_named_by(path), header["what"], header["loader"], header["schema"])


def fixtures(kind: str) -> list[Fixture]:
    return [read_fixture(p) for p in sorted((FIXTURES / kind).glob("*.yaml"))]


# The story each fixture is loaded in: three acts, a beat sheet, one state of each type.
MANIFEST = """\
id: tiny
title: Tiny
start: one.hall
beat_sheet: plot.yaml
acts:
  - {id: one, title: One, file: one.yaml}
  - {id: two, title: Two, file: two.yaml}
  - {id: three, title: Three, file: three.yaml}
state:
  trust: {type: counter, min: 0, max: 3, default: 1}
  met: {type: flag, default: false}
  mood: {type: enum, values: [calm, wild], default: calm}
"""
ONE = """\
act: one
scenes:
  hall:
    title: The hall
    text: You stand in the hall.
    beats: BEATS
    choices:
      - text: Go out to the yard.
        to: two.yard
"""
TWO = """\
act: two
scenes:
  yard:
    title: The yard
    text: The yard is quiet.
    ending: {id: fin, title: Fin}
"""
THREE = """\
act: three
scenes:
  attic: {title: The attic, text: Dusty., continue: one.hall}
"""
BEATS_LINE = "    beats: BEATS\n"
PLOT = """\
beats:
  - {id: arrival, act: one, summary: He arrives., sources: []}
"""
PACK = """\
pack: extra
title: Extra
version: 1.0.0
extends: tiny
files: [scenes.yaml]
state:
  lamp: {type: flag, default: false}
"""
PACK_SCENES = """\
act: three
scenes:
  cellar: {title: The cellar, text: Damp., continue: one.hall}
"""
SLOT = {
    "story.schema.json": "story/story.yaml",
    "act.schema.json": "story/three.yaml",
    "beats.schema.json": "story/plot.yaml",
    "walkthrough.schema.json": "walkthrough.yaml",
    "pack.schema.json": "pack/pack.yaml",
    "pack-act.schema.json": "pack/scenes.yaml",
}
"""Where each kind of fixture goes in the tiny story (with a pack beside it)."""


def loader_errors(fixture: Fixture, folder: Path) -> list[str]:
    """Load the fixture in its place in the tiny story: every error, as `file: message`, with
    the fixture's file called `fixture`."""
    text = fixture.path.read_text(encoding="utf-8")
    staged = ["arrival"]
    if fixture.schema == "beats.schema.json":
        staged = _beat_ids(text)
    elif fixture.schema == "story.schema.json" and "beat_sheet:" not in text:
        staged = []
    one = ONE.replace("BEATS", json.dumps(staged)) if staged else ONE.replace(BEATS_LINE, "")
    files = {
        "story/story.yaml": MANIFEST,
        "story/one.yaml": one,
        "story/two.yaml": TWO,
        "story/three.yaml": THREE,
        "story/plot.yaml": PLOT,
        "pack/pack.yaml": PACK,
        "pack/scenes.yaml": PACK_SCENES,
        SLOT[fixture.schema]: text,
    }
    for name, content in files.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    packs = [folder / "pack"] if fixture.schema.startswith("pack") else []
    try:
        story = load_story(folder / "story", packs)
        if fixture.schema == "walkthrough.schema.json":
            load_script(folder / "walkthrough.yaml", story)
    except StoryError as err:
        where = (folder / SLOT[fixture.schema]).resolve()
        return [
            f"{'fixture' if Path(d.pos.path).resolve() == where else d.pos.path}: {d.message}"
            for d in err.diagnostics
        ]
    return []


def _beat_ids(text: str) -> list[str]:
    """The beat ids a beat sheet fixture declares, so the tiny story can stage them all."""
    try:
        beats = yaml.safe_load(text).get("beats")
        return [b["id"] for b in beats if isinstance(b.get("id"), str)]
    except (AttributeError, TypeError, yaml.YAMLError):
        return []


def test_every_kind_of_file_has_valid_and_invalid_fixtures() -> None:
    for kind in ("valid", "invalid"):
        assert {f.schema for f in fixtures(kind)} >= set(SLOT), kind


@pytest.mark.parametrize("fixture", fixtures("valid"), ids=lambda f: f.path.stem)
def test_a_valid_fixture_passes_the_schema_and_the_loader(fixture: Fixture, tmp_path: Path) -> None:
    assert fixture.what, f"{fixture.path.name}: say what it exercises in a comment"
    assert schema_errors(fixture.path) == []
    assert loader_errors(fixture, tmp_path) == []


@pytest.mark.parametrize("fixture", fixtures("invalid"), ids=lambda f: f.path.stem)
def test_an_invalid_fixture_fails_the_schema_and_the_loader_for_its_reason(
    fixture: Fixture, tmp_path: Path
) -> None:
    assert fixture.what and fixture.loader and fixture.where, f"{fixture.path.name}: header"
    assert fixture.where in schema_errors(fixture.path)
    found = loader_errors(fixture, tmp_path)
    assert any(e.startswith("fixture: ") and fixture.loader in e for e in found), found


def test_the_valid_fixtures_use_every_key_of_every_schema() -> None:
    """So that "valid" is proven for the whole format, not only for the keys that came to mind."""
    declared = {
        (id(properties), key): f"{name}: {key}"
        for name, doc in documents().items()
        for properties, key in declared_keys(doc)
    }
    used: set[tuple[int, str]] = set()
    for fixture in fixtures("valid"):
        instance = yaml.safe_load(fixture.path.read_text(encoding="utf-8"))
        mark_used_keys(documents()[fixture.schema], instance, fixture.schema, used)
    assert sorted(declared[k] for k in declared.keys() - used) == []


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)
