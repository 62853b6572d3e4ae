"""Fuzzing the save reader: random bytes and mutated real saves, through every path a player
reads a save by (read, list, load and replay, piped `load`, `her-if saves`, `--slot`).

Each case must end in a valid load or a one-line `SaveError` naming the file, leave the file's
bytes and time as they were, and print nothing a terminal would obey. The budget per test is
`--fuzz-examples` (tests/conftest.py); these tests set no `max_examples` of their own.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import her_if
from her_if import cli, load_story
from her_if.core.engine import choose, start, view
from her_if.core.model import CONTINUE, Story
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import MAX_CHOICES, SaveError, list_saves, read_save
from her_if.play.listings import render_listing
from her_if.play.piped import play_lines
from her_if.play.session import Game, Saving, load_game, save_game
from tests.support.cli import run_cli
from tests.support.saves import WHEN

SLOT = "fuzz"

LOOPING_MANIFEST = """\
id: loop
title: Loop
start: one.hall
acts:
  - {id: one, title: One, file: one.yaml}
state:
  lost: {type: flag, default: false}
"""
LOOPING = """\
act: one
scenes:
  hall:
    title: The hall
    text: You pace.
    choices:
      - {id: pace, text: Pace., to: hall}
      - {id: leave, text: Leave., to: end}
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


@pytest.fixture(scope="module")
def real_saves(shipped: Story) -> tuple[bytes, ...]:
    """Saves of the story as the game writes them, after random playthroughs of several
    lengths (from none to an ending)."""
    rng = random.Random(8)
    saves = []
    with tempfile.TemporaryDirectory() as folder:
        for length in (0, 1, 4, 15, 40, 500):
            state = start(shipped)
            for _ in range(length):
                shown = view(shipped, state)
                if shown.ending is not None:
                    break
                state = choose(shipped, state, rng.choice(shown.choices).id)
            path = save_game(shipped, Path(folder), "x", Game(state, WHEN, 754.2))
            saves.append(path.read_bytes())
    return tuple(saves)


@pytest.fixture(scope="module")
def choice_ids(shipped: Story) -> tuple[str, ...]:
    ids = {choice.id for scene in shipped.scenes.values() for choice in scene.choices}
    return (CONTINUE, *sorted(ids))


# -- what a hostile save looks like ----------------------------------------------------------

HOSTILE_TEXTS = st.sampled_from(
    [
        "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
        "\x1b]0;owned\x07",  # retitle the window
        "\x1b[2J\x1b[H",  # clear the screen
        "\x9b31m",  # 8-bit CSI
        "\u202eelif",  # bidi override
        "\x00\x07\x7f",
        "installation.desk",
        CONTINUE,
        "../../etc/passwd",
        "",
        "x" * 500,
        "1",
        "her",
    ]
) | st.text(max_size=30)

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats()
    | HOSTILE_TEXTS
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXTS, inner, max_size=4),
    max_leaves=10,
)
RAW_VALUES = st.sampled_from(
    [
        "1" + "0" * 5000,  # more digits than Python turns into an int
        "-" + "9" * 400,
        "1" + "0" * 310,  # past a float's range: a play time of it was an OverflowError
        "1e999",
        "-1e999",
        "NaN",
        "Infinity",
        "[" * 100_000 + "]" * 100_000,  # deeper than any parser recurses
        '{"a":' * 3000 + "1" + "}" * 3000,
        '"\\ud800"',  # a lone surrogate
        '"\\u001b]52;c;aGk=\\u0007"',
    ]
)
PLACEHOLDER = "\ue000raw\ue000"


@st.composite
def mutated(draw: st.DrawFn, saves: tuple[bytes, ...], ids: tuple[str, ...]) -> bytes:
    """A real save, changed the ways a broken disk, an editor or an attacker would."""
    data = draw(st.sampled_from(saves))
    kind = draw(
        st.sampled_from(
            ["flip", "truncate", "insert", "value", "raw", "drop", "duplicate", "history", "many"]
        )
    )
    if kind == "flip":
        flipped = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(flipped) - 1))
            flipped[at] ^= draw(st.integers(1, 255))
        return bytes(flipped)
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
    document = json.loads(data)
    key = draw(st.sampled_from(sorted(document)))
    where = document
    if isinstance(document[key], dict | list) and document[key] and draw(st.booleans()):
        where = document[key]  # one level down: a value in "vars", an item of "history"
        key = draw(st.sampled_from(sorted(where) if isinstance(where, dict) else range(len(where))))
    if kind == "value":
        where[key] = draw(VALUES)
    elif kind == "raw":
        where[key] = PLACEHOLDER
    elif kind == "drop":
        del where[key]
    elif kind == "history":
        document["history"] = draw(
            st.lists(st.sampled_from(ids), max_size=30)
            | st.permutations(document["history"])
            | st.builds(
                lambda n, each: [each] * n,
                st.integers(0, MAX_CHOICES + 2),
                st.sampled_from([CONTINUE, "pace", ids[1]]),
            )
        )
    elif kind == "many":
        for name in draw(st.lists(st.sampled_from(sorted(document)), min_size=2, max_size=6)):
            document[name] = draw(VALUES)
    text = json.dumps(document, indent=draw(st.sampled_from([None, 1])))
    if kind == "raw":
        text = text.replace(json.dumps(PLACEHOLDER), draw(RAW_VALUES))
    if kind == "duplicate":  # JSON allows a key twice; the last one counts
        name = draw(st.sampled_from(sorted(document)))
        text = text.replace("{", "{" + json.dumps(name) + ": " + json.dumps(draw(VALUES)) + ", ", 1)
        if draw(st.booleans()):  # and once more at the end
            text = text[:-1] + ", " + json.dumps(name) + ": null}"
    return text.encode("utf-8", "surrogatepass")


@st.composite
def hostile(draw: st.DrawFn, saves: tuple[bytes, ...], ids: tuple[str, ...]) -> bytes:
    """Random bytes or text now and then; mostly a real save, mutated (the deeper cases)."""
    kind = draw(st.sampled_from(["bytes", "text", "begun", *["mutated"] * 5]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    if kind == "text":
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    if kind == "begun":
        return b'{"format": "her-if-save", "version": 1' + draw(st.binary(max_size=200))
    return draw(mutated(saves, ids))


# -- what every reader must do with it -------------------------------------------------------


@contextlib.contextmanager
def fuzzed(data: bytes) -> Iterator[Path]:
    """A fresh saves folder holding `data` as the slot `fuzz`."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / f"{SLOT}.json").write_bytes(data)
        yield folder


def fingerprint_of(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def one_line_naming(message: str, path: Path) -> None:
    assert message.startswith(f"{display_path(path)}: "), message
    assert "\n" not in message and clean(message) == message, repr(message)
    assert len(message) < 400, message


def _gist(problem: str) -> str:
    """The kind of problem, for Hypothesis' statistics: the message without its details."""
    words = problem.partition(": ")[2]
    return words.split("(")[0].split("'")[0].split(",")[0][:50]


def printable(text: str) -> None:
    assert clean(text) == text, repr(text[:300])


def check_every_reader(story: Story, folder: Path) -> None:
    path = folder / f"{SLOT}.json"
    before = fingerprint_of(path)
    try:
        save = read_save(path, story)
        problem = None
    except SaveError as err:
        save, problem = None, str(err)
        one_line_naming(problem, path)
    event("loads" if save is not None else "refused: " + _gist(problem or ""))

    listing = list_saves(folder, story)
    if save is None:
        assert listing.entries == ()
        assert [(u.slot, u.problem) for u in listing.unreadable] == [(SLOT, problem)]
    else:
        assert [e.save for e in listing.entries] == [save] and listing.unreadable == ()
    printable(render_listing(listing))
    json.dumps(listing.as_json())

    try:
        loaded = load_game(story, folder, SLOT)
    except SaveError as err:
        assert save is None and str(err) == problem
    else:
        assert save is not None
        assert loaded.game.state.scene in story.scenes
        assert len(loaded.game.state.history) <= len(save.history)
        if loaded.change is not None:
            printable(loaded.change)
    assert fingerprint_of(path) == before

    # piped play's `load`, then the end of the input: a save that loads goes on being saved
    # where it was loaded from, and loses nothing (its history is still in some slot, as
    # itself or continued, or in `fuzz-1` when it no longer applies in full); one that does
    # not load is left as it was
    out, said = io.StringIO(), io.StringIO()
    play_lines(story, [f"load {SLOT}\n"], out, 72, saving=Saving(folder), err=said)
    printable(out.getvalue() + said.getvalue())
    assert ("Not loaded: " in out.getvalue()) == (save is None)
    if save is None:
        assert fingerprint_of(path) == before
    else:
        held = [read_save(p, story).history for p in folder.glob("*.json")]
        assert any(h[: len(save.history)] == save.history for h in held)

    # a new game living in the slot: its first autosave keeps what is there when it loads
    # (in `fuzz-1`), and replaces nothing it cannot read
    said = io.StringIO()
    play_lines(story, ["1\n"], io.StringIO(), 72, saving=Saving(folder, SLOT), err=said)
    printable(said.getvalue())
    assert ("Not saved: " in said.getvalue()) == (save is None)
    if save is None:
        assert fingerprint_of(path) == before

    # and a game saving to the slot replaces a save of this story, and nothing else
    try:
        save_game(story, folder, SLOT, Game(start(story), WHEN))
    except SaveError as err:
        assert save is None
        assert str(err).startswith(f"{display_path(path)}: not saving over it, since ")
        assert fingerprint_of(path) == before
    else:
        assert save is not None


@given(data=st.data())
def test_hostile_saves_through_every_reader(
    shipped: Story, real_saves: tuple[bytes, ...], choice_ids: tuple[str, ...], data: st.DataObject
) -> None:
    with fuzzed(data.draw(hostile(real_saves, choice_ids))) as folder:
        check_every_reader(shipped, folder)


@given(data=st.data())
def test_hostile_saves_through_the_command_line(
    shipped: Story, real_saves: tuple[bytes, ...], choice_ids: tuple[str, ...], data: st.DataObject
) -> None:
    """`her-if saves` over a folder of hostile files, and `her-if play --slot` resuming one of
    them: exit 0 or 2, every file listed or reported, nothing printed a terminal would obey,
    nothing changed. (`--json` prints `Listing.as_json`, which the test above covers.)"""
    files = data.draw(st.lists(hostile(real_saves, choice_ids), min_size=1, max_size=6))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for number, content in enumerate(files):
            (folder / f"f{number}.json").write_bytes(content)
        before = {p.name: fingerprint_of(p) for p in folder.iterdir()}
        # the story is loaded once for the module: what is under test is the reading
        with mock.patch.object(cli, "_load", lambda stories: shipped):
            text, _, status = run_cli("saves", "--saves", name)
            assert status == 0
            printable(text)
            listed = text.splitlines()[1:] if text.startswith("Saves in ") else text.splitlines()
            assert len(listed) == len(files)
            assert {p.name: fingerprint_of(p) for p in folder.iterdir()} == before
            out, err, status = run_cli("play", "--slot", "f0", "--saves", name)
        printable(out + err)
        if status == 2:
            one_line_naming(err.removeprefix("her-if: ").rstrip("\n"), folder / "f0.json")
            assert fingerprint_of(folder / "f0.json") == before["f0.json"]
        else:
            went_on = "\n## " in out or "\n(back in " in out  # the game went on from the save
            assert status == 0 and went_on


# -- limits that keep loading bounded --------------------------------------------------------


def test_the_longest_history_a_save_holds_loads_quickly_even_in_a_loop(tmp_path: Path) -> None:
    """A story that loops lets a history be as long as a file: MAX_CHOICES of them replay in
    well under the second promised, and one more is refused in a line, on reading and on
    writing alike (a save the game could not read back would be a loss of its own)."""
    root = tmp_path / "loop"
    root.mkdir()
    (root / "story.yaml").write_text(LOOPING_MANIFEST)
    (root / "one.yaml").write_text(LOOPING)
    story = load_story(root)
    state = start(story)
    for _ in range(MAX_CHOICES):
        state = choose(story, state, "pace")
    folder = tmp_path / "saves"
    save_game(story, folder, "long", Game(state, WHEN))
    began = time.perf_counter()
    loaded = load_game(story, folder, "long")
    took = time.perf_counter() - began
    assert loaded.game.state == state and loaded.change is None
    assert took < 2.0, f"loading {MAX_CHOICES:,} choices took {took:.2f} s"

    longer = choose(story, state, "pace")
    with pytest.raises(SaveError, match=r"this game has 5,001 choices, more than a save holds"):
        save_game(story, folder, "long", Game(longer, WHEN))
    assert read_save(folder / "long.json", story).history == state.history
    text = (folder / "long.json").read_text().replace('"history": [', '"history": ["pace",', 1)
    (folder / "longer.json").write_text(text)
    with pytest.raises(SaveError) as caught:
        read_save(folder / "longer.json", story)
    assert str(caught.value) == (
        f'{display_path(folder / "longer.json")}: "history" holds 5,001 choices, '
        "more than a save holds (5,000)"
    )


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00"]
)
def test_a_time_at_the_edge_of_the_calendar_is_refused_not_a_crash(
    shipped: Story, real_saves: tuple[bytes, ...], tmp_path: Path, moment: str
) -> None:
    """Shown in local time or written back as UTC, such a time would overflow."""
    document = json.loads(real_saves[2])
    document["updated"] = moment
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SaveError, match='"updated" should be a time between the years 2 and 9998'):
        read_save(path, shipped)


# -- no code in a save ------------------------------------------------------------------------

FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "jsonpickle"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}


def test_no_code_path_can_run_what_a_save_holds() -> None:
    """Saves are JSON read with json.loads: nothing in the package imports a deserialiser that
    can build objects (pickle, marshal, shelve) or calls eval, exec, compile or __import__,
    and the save module parses with json.loads and nothing else."""
    package = Path(her_if.__file__).parent
    found = []
    for source in sorted(package.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                names = {node.func.id} & FORBIDDEN_CALLS
            else:
                continue
            found += [
                f"{source.name}:{node.lineno}: {n}"
                for n in names & (FORBIDDEN_MODULES | FORBIDDEN_CALLS)
            ]
    assert found == []
    saves = ast.parse((package / "persistence" / "save_format.py").read_text(encoding="utf-8"))
    parsers = {
        f"{node.func.value.id}.{node.func.attr}"
        for node in ast.walk(saves)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.attr in {"loads", "load", "load_all", "unsafe_load"}
    }
    assert parsers == {"json.loads"}
