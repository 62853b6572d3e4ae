"""The answers built on the index, as plain values (her_if/lsp/navigation.py, completion.py,
rename.py): on a copy of the fixture story of tests/fixtures/lsp, analysed by the server's own
workspace, with no server. A rename is held to the loader: its edits, written to the files,
give a story that loads, with the walkthrough still passing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from her_if.analysis.script import check_expectations, load_script, run_script
from her_if.loading.loader import load_story
from her_if.lsp import navigation as nav
from her_if.lsp.index import Span, index_files
from her_if.lsp.workspace import Analysis, Settings, Workspace
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "lsp"


class Lamp:
    """The fixture in a folder of its own, analysed; `at` finds a cursor in a file's text."""

    def __init__(self, folder: Path) -> None:
        shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
        self.folder = folder.resolve()
        self.story = self.folder / "story"
        self.workspace = Workspace(
            Settings(self.story, (self.folder / "pack",), self.folder / "walkthroughs")
        )
        self.analysis = self.analyse({})

    def analyse(self, buffers: dict[Path, str]) -> Analysis:
        self.analysis = self.workspace.analyse(buffers)
        self.index = index_files(self.analysis.texts, self.analysis.story)
        return self.analysis

    def file(self, name: str) -> Path:
        found = [p for p in self.analysis.texts if p.name == name]
        assert len(found) == 1, name
        return found[0]

    def at(
        self, name: str, around: str, needle: str | None = None, after: int = 0
    ) -> tuple[Path, int, int]:
        """The file, line and character of `needle` inside the one `around` in the file
        (plus `after` characters)."""
        path = self.file(name)
        text = self.analysis.texts[path]
        assert text.count(around) == 1, around
        at = text.index(around) + around.index(needle or around) + after
        return path, text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1)


@pytest.fixture(scope="module")
def lamp(tmp_path_factory: pytest.TempPathFactory) -> Lamp:
    return Lamp(tmp_path_factory.mktemp("lamp"))


def where(span: Span) -> tuple[str, int, int, int]:
    return span.path.name, span.line + 1, span.start, span.end


# -- definition and references ---------------------------------------------------------------


def test_a_target_leads_to_its_scene_a_name_to_its_declaration_a_beat_to_the_sheet(
    lamp: Lamp,
) -> None:
    index = lamp.index
    assert [
        where(s) for s in nav.definition(index, *lamp.at("home.yaml", "to: window", "window"))
    ] == [("home.yaml", 21, 2, 8)]
    assert [
        where(s) for s in nav.definition(index, *lamp.at("town.yaml", "to: home.hall", "hall"))
    ] == [("home.yaml", 3, 2, 6)]
    assert [
        where(s) for s in nav.definition(index, *lamp.at("home.yaml", "if: trust", "trust"))
    ] == [("story.yaml", 9, 2, 7)]
    assert [where(s) for s in nav.definition(index, *lamp.at("home.yaml", "[view]", "view"))] == [
        ("beats.yaml", 6, 8, 12)
    ]
    assert [
        where(s) for s in nav.definition(index, *lamp.at("window.yaml", "{trust: 3}", "trust"))
    ] == [("story.yaml", 9, 2, 7)]
    assert nav.definition(index, *lamp.at("home.yaml", "title: The hall", "title")) == []


def test_references_are_who_leads_to_a_scene_and_where_a_state_is_set_and_read(
    lamp: Lamp,
) -> None:
    index = lamp.index
    cursor = lamp.at("home.yaml", "then: window", "window")
    found = [where(s)[:2] for s in nav.references(index, *cursor, include_declaration=False)]
    assert found == [
        ("home.yaml", 8),
        ("home.yaml", 12),
        ("home.yaml", 20),
        ("story.yaml", 28),
        ("town.yaml", 6),
        ("window.yaml", 6),
        ("window.yaml", 8),
    ]
    with_it = nav.references(index, *cursor, include_declaration=True)
    assert where(with_it[0])[:2] == ("home.yaml", 21) and len(with_it) == len(found) + 1
    cursor = lamp.at("pack.yaml", "lamp_lit:", "lamp_lit")
    assert [where(s)[:2] for s in nav.references(index, *cursor, include_declaration=False)] == [
        ("extra.yaml", 6),
        ("extra.yaml", 13),
    ]


# -- hover -----------------------------------------------------------------------------------


def test_a_scene_s_hover_gives_its_title_first_lines_and_who_leads_there(lamp: Lamp) -> None:
    hover = nav.hover(lamp.index, lamp.analysis, *lamp.at("home.yaml", "to: window", "window"))
    assert hover is not None
    assert where(hover.span) == ("home.yaml", 12, 12, 18)
    assert hover.markdown.split("\n\n") == [
        "**The window** · scene `home.window`",
        "> The city hums below, and the glass is cold.\n> \n"
        "> {case mood | low: Rain. | calm: Cloud. | bright: Sun.}",
        "Led to from 2 places: `home.hall` (2).",
        "Asked after (visited, visits) in 3 places: `home.hall`, story.yaml, `town.cafe`.",
        "Named by 1 walkthrough.",
    ]


def test_a_state_s_hover_gives_its_type_default_about_and_where_it_is_set_and_read(
    lamp: Lamp,
) -> None:
    hover = nav.hover(lamp.index, lamp.analysis, *lamp.at("home.yaml", "{= trust", "trust"))
    assert hover is not None
    assert hover.markdown.split("\n\n") == [
        "**trust** · counter 0..5, default 2",
        "How far you let the voice in.",
        "Set in 1 place: `home.hall`.",
        "Read in 4 places: `home.hall` (2), `home.voice` (2).",
    ]
    mood = nav.hover(lamp.index, lamp.analysis, *lamp.at("home.yaml", "{case mood", "mood"))
    assert mood is not None
    assert mood.markdown.startswith("**mood** · enum (low, calm, bright), default calm\n\n")


def test_a_beat_s_hover_gives_its_summary_and_the_scenes_staging_it(lamp: Lamp) -> None:
    hover = nav.hover(lamp.index, lamp.analysis, *lamp.at("town.yaml", "[meeting]", "meeting"))
    assert hover is not None
    assert hover.markdown == (
        "**meeting** · beat of act `town`\n\nCoffee in town.\n\nStaged in 1 place: `town.cafe`."
    )


def test_a_hover_over_a_scene_that_does_not_exist_says_so(lamp: Lamp) -> None:
    home = lamp.file("home.yaml")
    text = lamp.analysis.texts[home].replace("to: window", "to: nowhere")
    index = index_files({**lamp.analysis.texts, home: text}, lamp.analysis.story)
    line = text.splitlines().index("        to: nowhere")
    hover = nav.hover(index, lamp.analysis, home, line, 14)
    assert hover is not None and hover.markdown == "No scene `home.nowhere` in the story."
    assert nav.hover(index, lamp.analysis, home, 0, 0) is None


# -- rename ----------------------------------------------------------------------------------


def applied(lamp: Lamp, edits: dict[Path, list[tuple[Span, str]]], folder: Path) -> Path:
    """A copy of the fixture in `folder` with the edits written into its files."""
    shutil.copytree(lamp.folder, folder)
    for path, changes in edits.items():
        target = folder / path.relative_to(lamp.folder)
        lines = target.read_text(encoding="utf-8").split("\n")
        for span, text in sorted(changes, key=lambda c: (c[0].line, c[0].start), reverse=True):
            row = lines[span.line]
            lines[span.line] = row[: span.start] + text + row[span.end :]
        target.write_text("\n".join(lines), encoding="utf-8")
    return folder


def walkthrough_passes(folder: Path) -> bool:
    story = load_story(folder / "story", [folder / "pack"])
    script = load_script(folder / "walkthroughs" / "window.yaml", story)
    outcome = run_script(story, script)
    return not check_expectations(story, script, outcome.state)


def test_renaming_a_scene_edits_every_file_and_keeps_the_choice_ids(
    lamp: Lamp, tmp_path: Path
) -> None:
    edits = nav.rename(
        lamp.index, lamp.analysis, *lamp.at("home.yaml", "  window:", "window"), "outlook"
    )
    assert isinstance(edits, dict)
    assert {p.name: [(s.line + 1, t) for s, t in e] for p, e in edits.items()} == {
        "home.yaml": [
            (8, "outlook"),
            (12, "id: window\n        "),
            (12, "outlook"),
            (20, "outlook"),
            (21, "outlook"),
        ],
        "story.yaml": [(28, "home.outlook")],
        "town.yaml": [(6, "home.outlook")],
        "window.yaml": [(6, "home.outlook"), (8, "home.outlook")],
    }
    folder = applied(lamp, edits, tmp_path / "renamed")
    story = load_story(folder / "story", [folder / "pack"])
    assert "home.outlook" in story.scenes and "home.window" not in story.scenes
    assert [c.id for c in story.scenes["home.hall"].choices][:3] == ["window", "go-out", "voice"]
    assert walkthrough_passes(folder)


def test_a_scene_may_be_renamed_from_a_reference_in_its_full_form(lamp: Lamp) -> None:
    cursor = lamp.at("town.yaml", "to: home.hall", "hall")
    edits = nav.rename(lamp.index, lamp.analysis, *cursor, "home.entry")
    assert isinstance(edits, dict)
    assert [t for _, t in edits[lamp.file("town.yaml")]] == ["id: hall, ", "home.entry"]
    assert [t for _, t in edits[lamp.file("extra.yaml")]] == ["entry", "entry"]
    assert [t for _, t in edits[lamp.file("window.yaml")]] == ["home.entry", "home.entry"]


SCENE, STATE = ("home.yaml", "to: window", "window"), ("story.yaml", "  trust:", "trust")
NOT_A_STATE_NAME = (
    "is not a state name: write lower-case letters, digits and '_' (not '-'), not starting "
    "with a digit, and not a word of the condition language"
)


@pytest.mark.parametrize(
    ("cursor", "new", "refusal"),
    [
        (SCENE, "hall", "there is already a scene 'home.hall' (home.yaml:3): choose another id"),
        (
            SCENE,
            "town.cafe",
            "a rename keeps scene 'home.window' in its act 'home': write the new id as 'cafe' "
            "or 'home.cafe'",
        ),
        (
            SCENE,
            "Big Window",
            "'Big Window' is not a scene id: write lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit",
        ),
        (STATE, "met", "state 'met' is already declared (story.yaml:15): choose another name"),
        (STATE, "not", f"'not' {NOT_A_STATE_NAME}"),
        (STATE, "if", f"'if' {NOT_A_STATE_NAME}"),
        (STATE, "trust-level", f"'trust-level' {NOT_A_STATE_NAME}"),
    ],
)
def test_a_rename_to_a_taken_or_invalid_name_is_refused(
    lamp: Lamp, cursor: tuple[str, str, str], new: str, refusal: str
) -> None:
    assert nav.rename(lamp.index, lamp.analysis, *lamp.at(*cursor), new) == refusal


def test_renaming_a_state_edits_its_declaration_its_uses_and_the_walkthrough(
    lamp: Lamp, tmp_path: Path
) -> None:
    edits = nav.rename(
        lamp.index, lamp.analysis, *lamp.at("home.yaml", "add: {trust", "trust"), "faith"
    )
    assert isinstance(edits, dict)
    assert sum(len(e) for e in edits.values()) == 8
    assert {t for e in edits.values() for _, t in e} == {"faith"}
    folder = applied(lamp, edits, tmp_path / "renamed")
    story = load_story(folder / "story", [folder / "pack"])
    assert "faith" in story.variables and "trust" not in story.variables
    assert walkthrough_passes(folder)


def test_renaming_a_beat_edits_the_sheet_and_the_scenes_staging_it(lamp: Lamp) -> None:
    edits = nav.rename(
        lamp.index, lamp.analysis, *lamp.at("beats.yaml", "id: view", "view"), "outlook"
    )
    assert isinstance(edits, dict)
    assert {p.name: [(s.line + 1, t) for s, t in e] for p, e in edits.items()} == {
        "beats.yaml": [(6, "outlook")],
        "home.yaml": [(23, "outlook")],
    }


def test_no_rename_while_a_file_does_not_parse(lamp: Lamp) -> None:
    town = lamp.file("town.yaml")
    texts = {**lamp.analysis.texts, town: lamp.analysis.texts[town] + "  broken: [\n"}
    index = index_files(texts, lamp.analysis.story)
    cursor = lamp.at("home.yaml", "to: window", "window")
    assert nav.rename(index, lamp.analysis, *cursor, "outlook") == (
        "town.yaml is not valid YAML yet, so its uses of 'home.window' cannot be seen: fix it, "
        "then rename"
    )


def test_prepare_rename_offers_a_defined_name_and_nothing_else(lamp: Lamp) -> None:
    span = nav.prepare_rename(lamp.index, *lamp.at("home.yaml", "call: voice", "voice"))
    assert span is not None and where(span) == ("home.yaml", 19, 14, 19)
    assert nav.prepare_rename(lamp.index, *lamp.at("home.yaml", "title: The hall", "hall")) is None
    assert nav.rename(lamp.index, lamp.analysis, lamp.file("home.yaml"), 0, 0, "x") == (
        "there is no scene, state or beat name here to rename"
    )


# -- symbols ---------------------------------------------------------------------------------


def test_an_act_file_s_outline_is_its_scenes_with_their_choices(lamp: Lamp) -> None:
    outline = nav.document_symbols(lamp.index, lamp.analysis, lamp.file("home.yaml"))
    assert [(s.name, s.detail, [c.name for c in s.children]) for s in outline] == [
        ("hall", "The hall", ["window", "go-out", "voice"]),
        ("window", "The window", []),
        ("voice", "The voice", []),
    ]
    assert where(outline[1].span) == ("home.yaml", 21, 2, 8) and outline[1].end == (27, 2)
    manifest = nav.document_symbols(lamp.index, lamp.analysis, lamp.file("story.yaml"))
    assert [(s.name, s.kind) for s in manifest] == [
        ("trust", "state"),
        ("met", "state"),
        ("bright", "state"),
        ("mood", "state"),
    ]
    sheet = nav.document_symbols(lamp.index, lamp.analysis, lamp.file("beats.yaml"))
    assert [s.name for s in sheet] == ["arrival", "view", "meeting"]


def test_workspace_symbols_are_every_scene_and_state_matching_the_query(lamp: Lamp) -> None:
    story = lamp.analysis.story
    assert story is not None
    names = [s.name for s in nav.workspace_symbols(lamp.index, lamp.analysis, "")]
    assert sorted(names) == sorted([*story.scenes, *story.variables])
    assert [s.name for s in nav.workspace_symbols(lamp.index, lamp.analysis, "c")] == [
        "town.cafe",  # their short ids start with the query
        "town.closing",
        "home.voice",  # its id holds it
    ]
    assert [s.name for s in nav.workspace_symbols(lamp.index, lamp.analysis, "TRU")] == ["trust"]
    found = nav.workspace_symbols(lamp.index, lamp.analysis, "closing time")
    assert [(s.name, s.detail) for s in found] == [("town.closing", "Closing time")]


# -- completion ------------------------------------------------------------------------------


def labels(lamp: Lamp, name: str, text: str, line: int, character: int) -> list[str]:
    """What completion offers at (line, character) of `name` with `text` as its buffer."""
    path = lamp.file(name)
    index = index_files({**lamp.analysis.texts, path: text}, lamp.analysis.story)
    return [i.label for i in nav.completion(index, lamp.analysis, path, line, character)]


def typed(lamp: Lamp, name: str, replace: str, with_: str) -> list[str]:
    """Completion at the end of `with_`, written in place of `replace` in the file."""
    text = lamp.analysis.texts[lamp.file(name)]
    assert text.count(replace) == 1, replace
    edited = text.replace(replace, with_)
    at = text.index(replace) + len(with_)
    return labels(
        lamp, name, edited, edited.count("\n", 0, at), at - (edited.rfind("\n", 0, at) + 1)
    )


SCENES_FROM_HOME = ["hall", "window", "voice", "lamp", "town.cafe", "town.closing"]


def test_a_target_completes_the_scenes_short_within_the_act_and_in_full_elsewhere(
    lamp: Lamp,
) -> None:
    assert sorted(typed(lamp, "home.yaml", "to: window", "to: ")) == sorted(SCENES_FROM_HOME)
    assert typed(lamp, "home.yaml", "then: window", "then: wi")[0] == "window"
    assert typed(lamp, "home.yaml", "continue: hall", "continue: town.") == [
        "town.cafe",
        "town.closing",
    ]
    assert typed(lamp, "town.yaml", "to: home.hall", "to: ho")[:2] == ["home.hall", "home.window"]
    assert typed(lamp, "window.yaml", "scene: home.window", "scene: ca") == ["town.cafe"]
    assert typed(lamp, "window.yaml", "visited: [home.hall", "visited: [home.hall, clo") == [
        "town.closing"
    ]
    assert typed(lamp, "story.yaml", "start: home.hall", "start: home.v") == ["home.voice"]


def test_a_scene_offered_carries_its_title_and_replaces_the_whole_token(lamp: Lamp) -> None:
    path = lamp.file("home.yaml")
    text = lamp.analysis.texts[path]
    line = text.splitlines().index("        to: window")
    item = nav.completion(lamp.index, lamp.analysis, path, line, 15)[0]  # to: win|dow
    assert (item.label, item.kind, item.detail) == ("window", "scene", "The window")
    assert item.span == Span(path, line, 12, 18)


def test_conditions_complete_state_functions_and_an_enum_s_values(lamp: Lamp) -> None:
    offered = typed(lamp, "home.yaml", "if: trust >= 2 and not bright", "if: trust >= 2 and ")
    assert {
        "trust",
        "met",
        "bright",
        "mood",
        "lamp_lit",
        "visited",
        "visits",
        "min",
        "max",
        "not",
    } <= set(offered)
    assert typed(lamp, "home.yaml", "if: trust >= 2 and not bright", "if: mood == ") == [
        "low",
        "calm",
        "bright",
    ]
    assert typed(lamp, "home.yaml", "if: trust >= 2 and not bright", 'if: visited("ca') == [
        "town.cafe"
    ]
    assert typed(lamp, "town.yaml", 'visits("cafe")', 'visits("cl') == ["closing"]


def test_an_enum_s_values_are_quoted_in_a_condition(lamp: Lamp) -> None:
    path = lamp.file("home.yaml")
    text = lamp.analysis.texts[path].replace("if: trust >= 2 and not bright", "if: mood != ")
    line = text.splitlines().index("        if: mood != ")
    index = index_files({**lamp.analysis.texts, path: text}, lamp.analysis.story)
    items = nav.completion(index, lamp.analysis, path, line, 20)
    assert [i.insert_text for i in items] == ['"low"', '"calm"', '"bright"']


def test_text_completes_inside_its_forms_only(lamp: Lamp) -> None:
    assert typed(lamp, "home.yaml", "Trust is {trust}.", "Trust is ") == []
    assert {"if", "case", "trust", "mood"} <= set(
        typed(lamp, "home.yaml", "Trust is {trust}.", "Trust is {")
    )
    assert typed(lamp, "home.yaml", '{if visited("window")', '{if visited("vo') == ["voice"]
    assert typed(lamp, "home.yaml", "{= trust * 2}", "{= tr") == ["trust", "true"]
    assert typed(lamp, "home.yaml", "{case mood | low:", "{case mood | ") == [
        "low",
        "calm",
        "bright",
        "else",
    ]
    assert typed(lamp, "home.yaml", "{case mood | low:", "{case mo") == ["mood"]


def test_effects_complete_state_then_its_values(lamp: Lamp) -> None:
    assert set(typed(lamp, "home.yaml", "set: {met: true}", "set: {")) == {
        "trust",
        "met",
        "bright",
        "mood",
        "lamp_lit",
    }
    assert typed(lamp, "home.yaml", "add: {trust: 1}", "add: {") == ["trust"]
    assert typed(lamp, "home.yaml", "set: {met: true}", "set: {mood: ")[:3] == [
        "low",
        "calm",
        "bright",
    ]
    assert typed(lamp, "home.yaml", "set: {met: true}", "set: {met: f")[:1] == ["false"]
    assert typed(lamp, "window.yaml", "state: {trust: 3}", "state: {trust: 3, mo") == ["mood"]


def test_beats_complete_from_the_beat_sheet(lamp: Lamp) -> None:
    assert typed(lamp, "home.yaml", "beats: [view]", "beats: [") == ["arrival", "view", "meeting"]
    assert typed(lamp, "home.yaml", "beats: [view]", "beats: [arrival, me") == ["meeting"]


def test_keys_complete_as_the_schema_knows_them_at_that_nesting(lamp: Lamp) -> None:
    choice = typed(
        lamp, "home.yaml", "        add: {trust: 1}\n", "        add: {trust: 1}\n        "
    )
    assert "call" in choice and "open_if" in choice and "text" not in choice and "to" not in choice
    scene = typed(lamp, "home.yaml", "    return: true\n", "    return: true\n    ")
    assert {"beats", "choices", "continue", "ending"} <= set(scene)
    assert "title" not in scene and "set" not in scene
    assert typed(lamp, "story.yaml", "journal:", "beat_sheet: beats.yaml\npre") == ["premise"]
    assert "open_if" in typed(
        lamp,
        "town.yaml",
        "      - {text: Go home., to: home.hall}",
        "      - {text: Go home., to: home.hall, op",
    )


def test_completion_works_in_a_file_that_does_not_parse(lamp: Lamp) -> None:
    text = lamp.analysis.texts[lamp.file("home.yaml")]
    half = text.replace(
        "  voice:\n", '  voice:\n    choices:\n      - text: "Half a line\n        to: wi\n', 1
    )
    line = half.splitlines().index("        to: wi")
    assert labels(lamp, "home.yaml", half, line, 14)[0] == "window"


def test_a_manifest_and_a_pack_complete_what_their_own_keys_take(lamp: Lamp) -> None:
    stats = "journal:\n  - id: first"
    assert typed(lamp, "story.yaml", stats, "stats:\n  - name: tr") == ["trust"]
    declared = "  met:\n    type: flag"
    assert typed(lamp, "story.yaml", declared, "  met:\n    type: ") == ["flag", "counter", "enum"]
    assert typed(lamp, "extra.yaml", "extend:\n  hall:", "extend:\n  ha") == ["hall"]
