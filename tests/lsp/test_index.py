"""The index of what is where: every scene, state and beat name, defined or used, at its exact
place, read from each file's text (her_if/lsp/index.py and the modules it reads files with).

On a copy of the shipped story, the index is held to an oracle that shares none of its code
(PyYAML's own reading of each act file) and to the text itself (every range holds its name);
on the fixture story of tests/fixtures/lsp, to what each kind of place means.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from her_if.loading.loader import load_story
from her_if.lsp.index import Index, Span, Symbol, file_index, index_files
from her_if.lsp.index_file import index_file
from her_if.lsp.index_forms import condition_mentions, text_mentions
from her_if.lsp.index_model import Kind
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "lsp"


def texts_of(*folders: Path) -> dict[Path, str]:
    return {
        path.resolve(): path.read_text(encoding="utf-8")
        for folder in folders
        for path in sorted(folder.glob("*.yaml"))
    }


@pytest.fixture(scope="module")
def lamp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture: its story, walkthroughs and pack."""
    dest = tmp_path_factory.mktemp("lamp")
    shutil.copytree(FIXTURE, dest, dirs_exist_ok=True)
    return dest


@pytest.fixture(scope="module")
def index(lamp: Path) -> Index:
    texts = texts_of(lamp / "story", lamp / "walkthroughs", lamp / "pack")
    return index_files(texts, load_story(lamp / "story", [lamp / "pack"]))


def uses(index: Index, kind: Kind, name: str) -> list[tuple[str, int, str, str]]:
    """(file, line from 1, the text at the range, role) of each symbol of the name."""
    found = index.definitions(kind, name) + index.references(kind, name)
    return [(s.span.path.name, s.span.line + 1, written(index, s), s.role) for s in found]


def written(index: Index, symbol: Symbol) -> str:
    span = symbol.span
    return index.texts[span.path].splitlines()[span.line][span.start : span.end]


# -- the shipped story -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, str]:
    dest = tmp_path_factory.mktemp("shipped")
    for folder in ("story", "seeds", "tests/walkthroughs"):
        shutil.copytree(ROOT / folder, dest / folder)
    return texts_of(dest / "story", dest / "seeds", dest / "tests" / "walkthroughs")


def test_every_range_in_the_shipped_story_holds_the_name_it_stands_for(
    shipped: dict[Path, str],
) -> None:
    index = index_files(shipped, None)
    symbols = [s for path in shipped for s in index.symbols_in(path)]
    assert len(symbols) > 1000
    for symbol in symbols:
        forms = (
            {symbol.name, symbol.name.partition(".")[2]}
            if symbol.kind == "scene"
            else {symbol.name}
        )
        assert written(index, symbol) in forms, symbol


def test_the_shipped_story_s_scenes_and_targets_are_those_pyyaml_reads(
    shipped: dict[Path, str],
) -> None:
    index = index_files(shipped, None)
    for path, text in shipped.items():
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or "scenes" not in data:
            continue
        act = data["act"]
        expected_scenes = sorted(_full(act, name) for name in data["scenes"])
        expected_targets = sorted(
            _full(act, target) for scene in data["scenes"].values() for target in _targets(scene)
        )
        symbols = index.symbols_in(path)
        assert sorted(s.name for s in symbols if s.role == "definition") == expected_scenes
        assert sorted(s.name for s in symbols if s.role == "target") == expected_targets
        staged = sorted(b for scene in data["scenes"].values() for b in scene.get("beats", []))
        assert sorted(s.name for s in symbols if s.kind == "beat") == staged


def _full(act: str, name: str) -> str:
    return name if "." in name else f"{act}.{name}"


def _targets(scene: dict[str, Any]) -> list[str]:
    found: list[str] = []
    lead = scene.get("continue")
    if isinstance(lead, str):
        found.append(lead)
    elif isinstance(lead, dict):
        found += [v for k, v in lead.items() if k in ("call", "then")]
    for choice in scene.get("choices") or []:
        found += [v for k, v in choice.items() if k in ("to", "call", "then")]
    return found


def test_the_shipped_manifest_declares_the_state_and_the_beat_sheet_its_beats(
    shipped: dict[Path, str],
) -> None:
    index = index_files(shipped, None)
    manifest = next(p for p in shipped if p.name == "story.yaml")
    declared = yaml.safe_load(shipped[manifest])["state"]
    assert sorted(index.states()) == sorted(declared)
    sheet = next(p for p in shipped if p.name == "plot.yaml")
    assert sorted(index.beats()) == sorted(b["id"] for b in yaml.safe_load(shipped[sheet])["beats"])


# -- what each place means -------------------------------------------------------------------


def test_a_scene_is_defined_by_its_key_and_named_act_locally_or_in_full(index: Index) -> None:
    assert uses(index, "scene", "home.window") == [
        ("home.yaml", 21, "window", "definition"),
        ("home.yaml", 8, "window", "read"),  # {if visited("window"): ...} in a block
        ("home.yaml", 12, "window", "target"),
        ("home.yaml", 20, "window", "target"),
        ("story.yaml", 28, "home.window", "read"),  # the journal's if:
        ("town.yaml", 6, "home.window", "read"),  # inside double quotes, after an escape
        ("window.yaml", 6, "home.window", "walkthrough"),
        ("window.yaml", 8, "home.window", "walkthrough"),
    ]


def test_a_pause_a_call_a_start_and_an_extension_lead_to_their_scenes(index: Index) -> None:
    assert [(f, line, role) for f, line, _, role in uses(index, "scene", "home.hall")] == [
        ("home.yaml", 3, "definition"),
        ("home.yaml", 27, "target"),  # continue: hall
        ("story.yaml", 3, "target"),  # start:
        ("town.yaml", 8, "target"),  # in a flow mapping
        ("window.yaml", 2, "walkthrough"),  # from: scene:
        ("window.yaml", 8, "walkthrough"),  # expect: visited:
        ("extra.yaml", 7, "target"),  # the pack's continue: hall
        ("extra.yaml", 9, "target"),  # extend: hall
    ]
    assert [line for _, line, _, _ in uses(index, "scene", "home.voice")] == [28, 19]
    assert uses(index, "scene", "town.cafe") == [
        ("town.yaml", 3, "cafe", "definition"),
        ("home.yaml", 16, "town.cafe", "target"),
        ("town.yaml", 11, "cafe", "read"),  # open_if: visits("cafe") >= 2
    ]


def test_state_is_declared_set_and_read_in_conditions_texts_and_effects(index: Index) -> None:
    assert uses(index, "state", "trust") == [
        ("story.yaml", 9, "trust", "definition"),
        ("home.yaml", 7, "trust", "read"),  # {trust} in a block
        ("home.yaml", 13, "trust", "set"),  # add: {trust: 1}
        ("home.yaml", 17, "trust", "read"),  # if: trust >= 2 and not bright
        ("home.yaml", 30, "trust", "read"),  # {= trust * 2}
        ("home.yaml", 31, "trust", "read"),  # set: {bright: "trust > 3"}
        ("window.yaml", 3, "trust", "walkthrough"),
        ("window.yaml", 7, "trust", "walkthrough"),
    ]
    assert [(f, line, role) for f, line, _, role in uses(index, "state", "mood")] == [
        ("story.yaml", 21, "definition"),
        ("home.yaml", 26, "read"),  # {case mood | ...}
        ("home.yaml", 31, "set"),
        ("story.yaml", 31, "read"),  # a journal paragraph's if:
        ("window.yaml", 7, "walkthrough"),
    ]


def test_a_value_set_bare_is_a_value_not_a_read_of_a_state_of_that_name(index: Index) -> None:
    """`set: {mood: bright}` gives mood its value `bright`; the flag `bright` is read only
    where a condition names it."""
    assert [(f, line, role) for f, line, _, role in uses(index, "state", "bright")] == [
        ("story.yaml", 18, "definition"),
        ("home.yaml", 17, "read"),  # not bright
        ("home.yaml", 31, "set"),  # bright: "trust > 3", beside mood: bright
    ]


def test_beats_are_defined_in_the_beat_sheet_and_staged_by_scenes(index: Index) -> None:
    assert uses(index, "beat", "view") == [
        ("beats.yaml", 6, "view", "definition"),
        ("home.yaml", 23, "view", "beat"),
    ]
    assert index.beats()["meeting"].summary == "Coffee in town."


def test_a_pack_s_state_and_scenes_are_indexed_like_the_story_s(index: Index) -> None:
    assert [(f, role) for f, _, _, role in uses(index, "state", "lamp_lit")] == [
        ("pack.yaml", "definition"),
        ("extra.yaml", "set"),
        ("extra.yaml", "read"),
    ]
    assert [(f, role) for f, _, _, role in uses(index, "scene", "home.lamp")] == [
        ("extra.yaml", "definition"),
        ("extra.yaml", "target"),
    ]


def test_at_finds_the_name_under_a_cursor_from_its_first_character_to_just_after_it(
    index: Index, lamp: Path
) -> None:
    home = (lamp / "story" / "home.yaml").resolve()
    line = index.texts[home].splitlines()[11]
    assert line.strip() == "to: window"
    start = line.index("window")
    for column in (start, start + 3, start + 6):
        assert index.at(home, 11, column) == Symbol(
            "scene", "home.window", Span(home, 11, start, start + 6), "target"
        )
    assert index.at(home, 11, start - 2) is None


def test_the_scenes_and_state_of_a_file_carry_what_a_hover_and_an_outline_show(
    index: Index, lamp: Path
) -> None:
    home = index.files[(lamp / "story" / "home.yaml").resolve()]
    hall = home.scenes[0]
    assert (hall.id, hall.title, hall.opening) == (
        "home.hall",
        "The hall",
        'You stand in the hall. Trust is {trust}. {if visited("window"): The window is '
        "open. | The window is shut.}",
    )
    assert [(c.id, c.explicit, c.target) for c in hall.choices] == [
        ("window", False, "home.window"),
        ("go-out", True, "town.cafe"),
        ("voice", False, "home.voice"),
    ]
    assert hall.end[0] == 20  # the scene's body ends where `window:` begins
    trust = index.states()["trust"].facts
    assert (trust.type, trust.default, trust.minimum, trust.maximum, trust.about) == (
        "counter",
        "2",
        "0",
        "5",
        "How far you let the voice in.",
    )
    assert index.states()["mood"].facts.values == ("low", "calm", "bright")


# -- texts as they are being typed -----------------------------------------------------------


def test_a_file_is_indexed_once_per_text_and_an_edit_indexes_that_file_alone(
    lamp: Path,
) -> None:
    texts = texts_of(lamp / "story")
    first = index_files(texts, None)
    again = index_files(dict(texts), None)
    assert all(again.files[p] is first.files[p] for p in texts)
    home = (lamp / "story" / "home.yaml").resolve()
    edited = {**texts, home: texts[home].replace("to: window", "to: hall")}
    after = index_files(edited, None)
    assert [p.name for p in texts if after.files[p] is not first.files[p]] == ["home.yaml"]
    in_home = [s for s in after.references("scene", "home.window") if s.span.path == home]
    assert [(s.span.line + 1, s.role) for s in in_home] == [(8, "read"), (20, "target")]


def test_text_that_is_not_yaml_keeps_the_last_good_index_marked_stale(lamp: Path) -> None:
    path = lamp / "story" / "half.yaml"
    good = "act: home\nscenes:\n  porch:\n    title: P\n    text: x\n    continue: hall\n"
    assert [s.name for s in file_index(path, good).symbols] == ["home.porch", "home.hall"]
    half = good + "  step:\n    title: [unclosed\n"
    index = index_files({path: half}, None)
    assert index.stale(path)
    assert index.at(path, 2, 3) is not None  # `porch` is still where it was
    assert index.definitions("scene", "home.porch")
    assert not index_file(path, half).symbols
    never = lamp / "story" / "never.yaml"
    assert index_files({never: "scenes: [\n"}, None).symbols_in(never) == []


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01 not yaml at all",
        "- a\n- b\n",
        "act: [1, 2]\nscenes: {3: 4, x: [5], y: {choices: [1, {to: [2]}], text: [[[{if: 3}]]]}}\n",
        "act: home\nscenes:\n  a:\n    text: " + "{" * 5000 + "\n",
        "act: home\nscenes:\n  a:\n    text: '" + "{if x: " * 300 + "'\n",
        "act: home\nscenes:\n  a:\n    choices:\n      - if: '" + "(" * 400 + "'\n",
        "act: home\nscenes:\n  a:\n    text: " + "word " * 800_000 + "\n",
    ],
    ids=["control", "a-list", "wrong-types", "braces", "nested-forms", "deep-condition", "4mb"],
)
def test_bad_input_gives_an_index_and_never_an_exception(text: str, tmp_path: Path) -> None:
    found = index_file(tmp_path / "bad.yaml", text)
    assert all(s.span.line >= 0 for s in found.symbols)


def test_a_byte_order_mark_does_not_shift_the_first_line_s_ranges(tmp_path: Path) -> None:
    text = "\ufeffstart: home.hall\n"
    [symbol] = index_file(tmp_path / "story.yaml", text).symbols
    assert text.splitlines()[0][symbol.span.start : symbol.span.end] == "home.hall"


def test_a_condition_half_typed_still_names_what_it_has_so_far() -> None:
    assert [
        (m.kind, m.name, m.offset) for m in condition_mentions('trust > 1 and visited("ho')
    ] == [
        ("state", "trust", 0),
        ("scene", "ho", 23),
    ]
    assert [m.name for m in condition_mentions("not met and act.scene or max(trust, 2)")] == [
        "met",
        "trust",
    ]


def test_the_forms_of_a_text_name_what_they_read() -> None:
    text = '{{x}} {if met: a {trust} | b} {case mood | low: {= trust * 2} | else: c} {visits("hall")} {seq: {if visited("w"): d}}'
    assert [
        (m.kind, m.name, text[m.offset : m.offset + len(m.name)]) for m in text_mentions(text)
    ] == [
        ("state", "met", "met"),
        ("state", "trust", "trust"),
        ("state", "mood", "mood"),
        ("state", "trust", "trust"),
        ("scene", "hall", "hall"),
        ("scene", "w", "w"),
    ]
