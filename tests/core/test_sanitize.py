"""Nothing from a story or a save may drive the terminal: escapes and controls are removed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her_if.core.engine import View, choose, start, view
from her_if.core.model import Story
from her_if.core.sanitize import clean
from her_if.loading.loader import load_story
from her_if.play.piped import play_lines
from her_if.play.session import Saving
from her_if.play.transcript import Transcript, render_chosen, render_view
from her_if.play.tui.render import act_card, chosen_fragments, scene_fragments, title_card
from tests.support.cli import run_cli
from tests.support.escapes import assert_clean


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("copy\x1b]52;c;aGVsbG8=\x07this", "copythis"),  # OSC 52: write the clipboard
        ("title\x1b]0;pwned\x1b\\ here", "title here"),  # OSC 0: set the window title
        ("\x1b[2J\x1b[Hcleared", "cleared"),  # CSI: clear the screen, home the cursor
        ("red\x1b[31m text", "red text"),  # colours
        ("\x9b2Jeight-bit", "eight-bit"),  # 8-bit CSI
        ("bell\x07 and \x00nul", "bell and nul"),  # C0 controls
        ("abc\u202edcba", "abcdcba"),  # bidi override: text that reads differently
        ("a\u2066b\u2069c", "abc"),  # bidi isolates
        ("\x1bPdevice control\x1b\\done", "done"),  # DCS string
    ],
)
def test_escapes_and_controls_are_removed(hostile: str, shown: str) -> None:
    assert clean(hostile) == shown


def test_ordinary_text_is_untouched() -> None:
    text = "Café — “quoted”, 日本語, emoji 🙂, and a new\nline"
    assert clean(text) == text


def test_tabs_become_spaces() -> None:
    assert clean("a\tb") == "a b"


# -- end to end: a hostile story and pack, through every way text reaches a terminal ---------

HOSTILE = (
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: write the clipboard
    "\x1b]0;pwned\x1b\\"  # OSC 0: the window's title
    "\x1b]2;pwned\x07"  # OSC 2: likewise
    "\x1b[2J\x1b[H"  # CSI: clear the screen, cursor home
    "\x1bPq#0;2;0;0;0#0~~@@vv@@~~$\x1b\\"  # DCS: a sixel image
    "\x9b2J"  # 8-bit CSI
    "\x9d0;pwned\x9c"  # 8-bit OSC
    "\u202e\u2066\u200f\u061c"  # bidi: override, isolate, marks
    "\x08\r\x07\x7f\x00\x85"  # backspace, carriage return, bell, DEL, NUL, NEL
)


def hostile(text: str) -> str:
    """`text` with every kind of escape after it, as a YAML double-quoted string (escapes
    written as `\\u001b`: a raw ESC is not allowed in a YAML file at all)."""
    return json.dumps(text + HOSTILE)


@pytest.fixture
def evil(tmp_path: Path) -> tuple[Path, Path]:
    """A story and a pack whose every title and text carries every escape."""
    story, pack = tmp_path / "evil", tmp_path / "evil-pack"
    story.mkdir()
    pack.mkdir()
    (story / "story.yaml").write_text(
        textwrap.dedent(
            f"""\
            id: evil
            title: {hostile("Evil")}
            premise: {hostile("A premise")}
            start: one.hall
            acts:
              - {{id: one, title: {hostile("Act One")}, file: one.yaml}}
            state:
              trust: {{type: counter, min: 0, max: 3, default: 1}}
            """
        ),
        encoding="utf-8",
    )
    (story / "one.yaml").write_text(
        textwrap.dedent(
            f"""\
            act: one
            scenes:
              hall:
                title: {hostile("The hall")}
                text:
                  - {hostile("Trust is {trust}.")}
                choices:
                  - {{id: go, text: {hostile("Go on")}, to: end}}
              end:
                title: {hostile("The end")}
                text: {hostile("It ends")}
                ending: {{id: fin, title: {hostile("Fin")}}}
            """
        ),
        encoding="utf-8",
    )
    (pack / "pack.yaml").write_text(
        textwrap.dedent(
            f"""\
            pack: evil-pack
            title: {hostile("Side")}
            version: {hostile("1.0")}
            extends: evil
            about: {hostile("About")}
            files: [side.yaml]
            """
        ),
        encoding="utf-8",
    )
    (pack / "side.yaml").write_text(
        textwrap.dedent(
            f"""\
            act: one
            scenes:
              side:
                title: {hostile("The side room")}
                text: {hostile("Sideways")}
                continue: end
            extend:
              hall:
                choices:
                  - {{id: side, text: {hostile("Step aside")}, to: side}}
            """
        ),
        encoding="utf-8",
    )
    return story, pack


def test_the_hostile_story_really_carries_the_escapes(evil: tuple[Path, Path]) -> None:
    """What the tests below see clean is dirty in the model: YAML kept every escape."""
    story = load_story(evil[0], [evil[1]])
    for text in (story.title, story.acts[0].title, story.packs[0].label):
        assert HOSTILE in text
    assert HOSTILE in story.scenes["one.side"].title
    assert "\x1b]52;c;" in story.premise  # folded into one line, escapes and all


def every_view(story: Story) -> list[tuple[View, str | None]]:
    """Each view of every path through the story, with the text of the choice taken in it."""
    found: list[tuple[View, str | None]] = []
    stack = [start(story)]
    while stack:
        state = stack.pop()
        shown = view(story, state)
        found.append((shown, None))
        for offer in shown.choices:
            found.append((shown, offer.text))
            stack.append(choose(story, state, offer.id))
    return found


def test_the_plain_renderer_and_transcripts_show_no_escape(evil: tuple[Path, Path]) -> None:
    story = load_story(evil[0], [evil[1]])
    out = io.StringIO()
    transcript = Transcript(out, 72)
    for shown, chosen in every_view(story):
        out.write(render_view(shown, 72, new_act=True))
        transcript.record(shown, chosen)
        if chosen is not None:
            out.write(render_chosen(chosen, 72))
    assert_clean(
        out.getvalue(), "Act One", "The hall", "Trust is 1.", "Go on", "Step aside",
        "The side room", "Sideways", "The end", "It ends", "Fin",
    )  # fmt: skip


def test_piped_play_shows_no_escape(evil: tuple[Path, Path], saves_dir: Path) -> None:
    story = load_story(evil[0], [evil[1]])
    out, err = io.StringIO(), io.StringIO()
    lines = ["\x1b[2Jtyped\x07\n", "help\n", "save\n", "saves\n", "2\n", "undo\n", "1\n"]
    play_lines(story, lines, out, 72, saving=Saving(saves_dir), err=err)
    assert_clean(out.getvalue() + err.getvalue(), "The hall", "Step aside", "The end", "Fin")
    assert "typed" in out.getvalue()  # the line typed is echoed in the message, cleaned


def test_the_terminal_front_end_renders_no_escape(evil: tuple[Path, Path]) -> None:
    story = load_story(evil[0], [evil[1]])
    fragments = list(title_card(story, 80))
    for shown, chosen in every_view(story):
        fragments += act_card(shown, 80)
        fragments += scene_fragments(shown, 80, new_act=True)
        if chosen is not None:
            fragments += chosen_fragments(chosen, 80)
    text = "".join(fragment[1] for fragment in fragments)
    assert_clean(text, "EVIL", "A premise", "ACT ONE", "The hall", "Sideways", "The end: Fin")


def test_check_playtest_and_graph_print_no_escape(evil: tuple[Path, Path]) -> None:
    stories = ["--story", str(evil[0]), "--story", str(evil[1])]
    out, err, status = run_cli("check", *stories)
    assert status == 0
    assert_clean(out + err, "Evil", "Side", "1.0")
    out, err, status = run_cli("playtest", *stories)
    assert status == 0
    assert_clean(out + err, "Evil + Side 1.0", "fin (Fin)")
    out, err, status = run_cli("graph", *stories)
    assert status == 0
    assert_clean(out + err, "The hall", "The side room")


def test_new_scene_prints_no_escape_from_an_act_file_name(evil: tuple[Path, Path]) -> None:
    """The act's file name comes from the manifest, so a stranger chooses it too."""
    story = evil[0]
    named = "one\x1b]0;pwned\x07.yaml"
    (story / "one.yaml").rename(story / named)
    manifest = story / "story.yaml"
    manifest.write_text(
        manifest.read_text().replace("file: one.yaml", f"file: {json.dumps(named)}")
    )
    for extra in ([], ["--write"]):
        out, err, status = run_cli("new-scene", "one.porch", "--story", str(story), *extra)
        assert status == 0, err
        assert_clean(out + err, "porch", "one.yaml")


def test_diagnostics_that_quote_a_story_print_no_escape(evil: tuple[Path, Path]) -> None:
    """Messages quote keys, names, targets and slots as written: each escape is dropped."""
    side = evil[1] / "side.yaml"
    text = side.read_text(encoding="utf-8")
    text = text.replace("continue: end", "continue: " + hostile("nowhere"))
    text = text.replace("    text: ", "    " + hostile("tex") + ": x\n    text: ", 1)
    text += "  " + hostile("ha") + ":\n    choices: [{to: hall, text: x}]\n"
    side.write_text(text, encoding="utf-8")
    (evil[0] / "one.yaml").write_text(
        (evil[0] / "one.yaml").read_text(encoding="utf-8").replace("{trust}", "{trust\\u001b[2J}"),
        encoding="utf-8",
    )
    stories = ["--story", str(evil[0]), "--story", str(evil[1])]
    for command in ("check", "playtest", "play"):
        out, err, status = run_cli(command, *stories)
        assert status == 2
        assert_clean(out + err, "unknown key 'tex", "unknown scene 'nowhere", "{trust} in")
        assert err.count("\n") == 5  # four errors and the count, a line each
    out, _, status = run_cli("check", "--json", *stories)
    assert status == 2
    assert_clean(out, "unknown key")


def test_the_game_itself_prints_no_escape(evil: tuple[Path, Path], tmp_path: Path) -> None:
    """Once, the real command in a process of its own: piped play through the story and the
    pack, with a transcript written to a file, then `saves` listing the autosave."""
    stories = ["--story", str(evil[0]), "--story", str(evil[1])]
    played = subprocess.run(
        [sys.executable, "-m", "her_if", "play", *stories, "--transcript", str(tmp_path / "t.txt")],
        input=b"2\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert played.returncode == 0, played.stderr
    shown = (played.stdout + played.stderr).decode("utf-8")
    assert_clean(shown, "Act One", "The hall", "Sideways", "Fin")
    assert_clean((tmp_path / "t.txt").read_text(encoding="utf-8"), "Step aside", "The end")
    out, err, status = run_cli("saves", *stories)
    assert status == 0
    assert_clean(out + err, "Act I:", "The end")


ESCAPY = st.lists(
    st.sampled_from(
        [*"\x1b\x9b\x9d\x9c\x90\x07\\[]();P?0123456789abJm \n\t\u202e\u2066\x00", "\x1b]", "\x1b["]
    ),
    max_size=24,
).map("".join)


@given(ESCAPY | st.text())
def test_no_text_survives_clean_with_a_control_in_it(text: str) -> None:
    shown = clean(text)
    assert_clean(shown)
    assert clean(shown) == shown  # nothing left to remove: no sequence is formed by removal


@given(st.text(st.characters(blacklist_categories=["Cc", "Cf", "Cs"]) | st.sampled_from("\n")))
def test_text_without_controls_is_shown_as_written(text: str) -> None:
    assert clean(text) == text


def test_encodable_gives_ascii_stand_ins_where_the_stream_cannot_carry_a_character() -> None:
    from her_if.core.sanitize import encodable

    text = "Act I \u00b7 The letter desk \u2014 \u201cyes\u201d\u2026 \u2500\u2500 \u65e5"
    assert encodable(text, "ascii") == 'Act I - The letter desk -- "yes"... -- ?'
    assert encodable(text, "ANSI_X3.4-1968") == encodable(text, "ascii")  # what a C locale says
    assert encodable(text, "utf-8") == text
    assert encodable("caf\u00e9 \u00b7", "latin-1") == "caf\u00e9 \u00b7"  # it can: unchanged
    assert encodable("no such codec \u2014", "x-unknown") == "no such codec --"
