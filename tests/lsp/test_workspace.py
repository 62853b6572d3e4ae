"""The language server's analysis without the protocol: where the story is found, what an
analysis says of buffers and files (`check`'s own errors and warnings), what it keeps between
analyses, and the protocol's places (`ranges`). Plain calls, no server process."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.analysis.check import summarize
from her_if.loading.diagnostics import StoryError
from her_if.loading.link import Linked
from her_if.loading.loader import link_story, load_story
from her_if.lsp import ranges, workspace
from her_if.lsp.memory_parts import MemoryParts
from her_if.lsp.workspace import Settings, Workspace, find_settings
from tests.support.lsp import LAMPLIGHT, copy_story


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the two acts of tests/fixtures/lsp-diagnostics, laid out as a checkout."""
    return copy_story(tmp_path, LAMPLIGHT / "story", LAMPLIGHT / "walkthroughs")


def settings_of(folder: Path) -> Settings:
    return find_settings([folder], None)


# -- finding the story -------------------------------------------------------------------------


def test_the_story_is_found_in_the_folder_or_its_story_folder(folder: Path) -> None:
    found = find_settings([folder], None)
    assert found == Settings(
        (folder / "story").resolve(), (), (folder / "tests" / "walkthroughs").resolve()
    )
    assert find_settings([folder / "story"], None).story == (folder / "story").resolve()
    assert find_settings([folder / "tests"], None).story is None


def test_the_editors_settings_come_first_relative_to_the_workspace(folder: Path) -> None:
    options = {"her-if": {"story": "story", "packs": ["extra"], "walkthroughs": "walks"}}
    found = find_settings([folder], options, [Path("/elsewhere")])
    assert found == Settings(
        (folder / "story").resolve(), ((folder / "extra").resolve(),), (folder / "walks").resolve()
    )
    given = find_settings([], None, [folder / "story", folder / "pack"])
    assert (given.story, given.packs) == (
        (folder / "story").resolve(),
        ((folder / "pack").resolve(),),
    )


# -- what an analysis says -------------------------------------------------------------------


def test_a_clean_story_has_no_diagnostics_and_every_file_has_its_text(folder: Path) -> None:
    analysis = Workspace(settings_of(folder)).analyse({})
    story = (folder / "story").resolve()
    walkthrough = (folder / "tests" / "walkthroughs" / "bench.yaml").resolve()
    assert analysis.loaded and analysis.story is not None
    assert analysis.diagnostics == {}
    assert set(analysis.texts) == {
        story / "story.yaml",
        story / "porch.yaml",
        story / "garden.yaml",
        walkthrough,
    }
    assert analysis.texts[walkthrough] == walkthrough.read_text(encoding="utf-8")
    assert analysis.walkthroughs == (walkthrough,)


def test_warnings_are_checks_and_follow_the_buffer(folder: Path) -> None:
    story = folder / "story"
    porch = (story / "porch.yaml").resolve()
    unread = porch.read_text(encoding="utf-8").replace("        if: lit\n", "")
    analysis = Workspace(settings_of(folder)).analyse({porch: unread})
    porch.write_text(unread, encoding="utf-8")  # what check would say of the buffer, saved
    expected = summarize(load_story(story)).warnings
    assert [str(d) for listed in analysis.diagnostics.values() for d in listed] == [
        str(d) for d in expected
    ]
    assert "state 'lit' is never read" in str(expected[0])


def test_errors_are_every_error_of_the_load_with_those_that_follow(folder: Path) -> None:
    garden = (folder / "story" / "garden.yaml").resolve()
    broken = garden.read_text(encoding="utf-8").replace("scenes:", "scenes: [")
    analysis = Workspace(settings_of(folder)).analyse({garden: broken})
    porch = (folder / "story" / "porch.yaml").resolve()
    assert not analysis.loaded
    assert [d.message.split(":")[0] for d in analysis.diagnostics[garden]] == ["YAML syntax"]
    assert len(analysis.diagnostics[porch]) == 2
    assert all(
        d.follows == analysis.diagnostics[garden][0].pos for d in analysis.diagnostics[porch]
    )


def test_navigation_keeps_the_last_story_that_loaded(folder: Path) -> None:
    porch = (folder / "story" / "porch.yaml").resolve()
    ws = Workspace(settings_of(folder))
    good = ws.analyse({})
    broken = ws.analyse({porch: "act: porch\nscenes: {"})
    assert not broken.loaded and broken.story is good.story
    assert broken.texts[porch] == "act: porch\nscenes: {"


def test_a_walkthrough_naming_what_the_story_lost_is_told(folder: Path) -> None:
    garden = (folder / "story" / "garden.yaml").resolve()
    renamed = garden.read_text(encoding="utf-8").replace("id: dark", "id: night")
    analysis = Workspace(settings_of(folder)).analyse({garden: renamed})
    walkthrough = (folder / "tests" / "walkthroughs" / "bench.yaml").resolve()
    assert analysis.loaded
    assert [d.message for d in analysis.diagnostics[walkthrough]] == [
        "the story has no ending 'dark'"
    ]


def test_a_bug_is_one_diagnostic_at_the_manifest_not_an_exception(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(workspace, "link_story", broken)
    analysis = Workspace(settings_of(folder)).analyse({})
    manifest = (folder / "story" / "story.yaml").resolve()
    [bug] = analysis.diagnostics[manifest]
    assert (bug.pos.line, bug.pos.column) == (1, 1)
    assert "hit a bug" in bug.message and "RuntimeError: a bug" in bug.message


# -- the parts kept between analyses ---------------------------------------------------------


def test_an_edit_reads_and_builds_only_the_edited_file(folder: Path) -> None:
    ws = Workspace(settings_of(folder))
    ws.analyse({})
    kept = len(ws.store)
    assert kept == 4  # each act's first and second parts
    porch = (folder / "story" / "porch.yaml").resolve()
    edited = porch.read_text(encoding="utf-8").replace("hums.", "hums and ticks.")
    ws.analyse({porch: edited})
    assert len(ws.store) == kept + 2  # the edited file's two parts, and nothing else


def test_the_facts_of_each_part_are_kept_for_the_next_load(folder: Path) -> None:
    store, root = MemoryParts(), folder / "story"
    store.facts(linked(root, store))
    again = linked(root, store)
    assert all(part.facts is not None for part in again.parts.values())
    assert again.fresh == ()
    assert store.facts(again) == {sid: f for sid, f in store.facts(linked(root, None)).items()}


def linked(root: Path, store: MemoryParts | None) -> Linked:
    return link_story(root, (), store)


def test_parts_no_analysis_asks_for_are_let_go(folder: Path) -> None:
    ws = Workspace(settings_of(folder))
    porch = (folder / "story" / "porch.yaml").resolve()
    text = porch.read_text(encoding="utf-8")
    for n in range(3 * ws.store.keep_for):
        ws.analyse({porch: text.replace("hums.", f"hums {n} times.")})
    assert len(ws.store) <= 2 + 2 * (ws.store.keep_for + 1)


def test_a_load_with_errors_keeps_its_clean_files_parts(folder: Path) -> None:
    store, root = MemoryParts(), folder / "story"
    garden = root / "garden.yaml"
    garden.write_text(garden.read_text(encoding="utf-8") + "oops: [\n", encoding="utf-8")
    with pytest.raises(StoryError):
        link_story(root, (), store)
    # the porch's first part, not read again while the garden is mended (its second part
    # leads into the garden, whose scenes are unknown, so it has errors and is not kept)
    assert len(store) == 1


# -- places as the protocol counts them --------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "token"),
    [
        ("    to: garden.gate", 8, "garden.gate"),
        ("    to: garden.gate", 12, "garden.gate"),  # inside it: the whole of it
        ('  - {text: "Wave 🌙", to: x}', 11, '"Wave 🌙"'),
        ("    if: trust >= 2 and lti", 23, "lti"),
        ("    text: {if", 10, "{if"),
        ("  steps:", 2, "steps"),
        ("abc", 3, ""),
        ("", 0, ""),
    ],
)
def test_a_place_spans_the_token_there(line: str, column: int, token: str) -> None:
    start, end = ranges.token(line, column)
    assert line[start:end] == token


def test_units_are_counted_in_the_agreed_encoding() -> None:
    line = "é🌙x"
    assert [ranges.units(line, 3, enc) for enc in ("utf-8", "utf-16", "utf-32")] == [7, 4, 3]
    assert [ranges.character(line, n, "utf-16") for n in (0, 1, 3, 4, 99)] == [0, 1, 2, 3, 3]
    assert ranges.character(line, 2, "utf-16") == 1  # inside the moon: the moon


def test_a_place_past_the_text_is_its_last_lines_end() -> None:
    text = "one\r\ntwo\rthree"
    assert ranges.place(text, 3, 1) == ranges.Span(2, 0, 5)
    assert ranges.place(text, 9, 4) == ranges.Span(2, 5, 5)
