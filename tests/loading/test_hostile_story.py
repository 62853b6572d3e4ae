"""Hostile story files, one case a test: each loads correctly or ends in positioned errors
(`file:line:col: message`, with the fix), in bounded time and memory, and nothing in it runs.

The fuzzing of the same promise is in test_fuzz_story.py; the limits are described in
SECURITY.md.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from her_if.analysis.script import load_script
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.loading.state_loader import MAX_ENUM_VALUES
from her_if.loading.yaml_compose import MAX_DEPTH, MAX_NODES
from her_if.loading.yaml_source import MAX_ERRORS, MAX_FILE_BYTES
from tests.conftest import ACT, MANIFEST, WriteStory
from tests.support.bounds import MB, cost, time_limit


def errors(root: Path, packs: tuple[Path, ...] = ()) -> list[str]:
    """Every diagnostic as `file:line:col: message`, with the file's bare name, in at most
    five seconds."""
    with time_limit(5), pytest.raises(StoryError) as caught:
        load_story(root, packs)
    return [
        f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.column}: {d.message}"
        for d in caught.value.diagnostics
    ]


def act_file(root: Path) -> Path:
    return root / "one.yaml"


# -- aliases ------------------------------------------------------------------------------------


def billion_laughs() -> str:
    """Nine levels of ten aliases each: 10**9 strings if expanded, 800 bytes as written."""
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_first_alias_in_little_time_and_memory(
    write_story: WriteStory,
) -> None:
    root = write_story(
        {"one.yaml": "act: one\n" + billion_laughs() + ACT.removeprefix("act: one\n")}
    )
    with cost() as spent:
        found = errors(root)
    assert found == [
        "one.yaml:3:12: the alias '*l0' (anchored at line 2) is not allowed in a story: "
        "write the value out in full where it is used"
    ]
    assert spent.seconds < 0.5
    assert spent.peak_bytes < 1 * MB


def test_a_bomb_where_the_loader_reads_is_refused_the_same(write_story: WriteStory) -> None:
    """In a scene's text, a list the loader would walk, the bomb is still never expanded."""
    bomb = billion_laughs().replace("\n", "\n    ")
    act = ACT.replace("  room:\n", "  room:\n    lols:\n      " + bomb.rstrip() + "\n", 1)
    with cost() as spent:
        [message] = errors(write_story({"one.yaml": act}))
    assert "the alias '*l0' (anchored at line 21) is not allowed in a story" in message
    assert spent.seconds < 0.5 and spent.peak_bytes < 1 * MB


def test_a_simple_alias_is_refused_with_the_fix(write_story: WriteStory) -> None:
    act = ACT.replace("title: The hall", "title: &t The hall").replace(
        "title: The room", "title: *t"
    )
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:20:12: the alias '*t' (anchored at line 4) is not allowed in a story: "
        "write the value out in full where it is used"
    ]


def test_an_anchor_that_nothing_reuses_is_harmless(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": ACT.replace("title: The hall", "title: &t Hall")}))
    assert story.scenes["one.hall"].title == "Hall"


def test_duplicate_keys_are_refused_at_the_second_wherever_they_are(
    write_story: WriteStory,
) -> None:
    """YAML keeps the last of two equal keys without a word; a story file may not have two."""
    manifest = MANIFEST.replace("title: Tiny\n", "title: Tiny\ntitle: Tiny again\n") + (
        "  met: {type: flag, default: true}\n"
    )
    act = ACT.replace("  room:\n", "  hall:\n    title: Again\n  room:\n", 1)
    assert errors(write_story({"story.yaml": manifest, "one.yaml": act})) == [
        "story.yaml:3:1: duplicate key 'title' in the manifest (first at line 2); YAML would "
        "silently keep only the last one",
        "story.yaml:11:3: duplicate key 'met' in state (first at line 9); YAML would silently "
        "keep only the last one",
        "one.yaml:19:3: duplicate key 'hall' in scenes (first at line 3); YAML would silently "
        "keep only the last one",
    ]


def test_merge_keys_are_refused_with_the_fix(write_story: WriteStory) -> None:
    act = ACT.replace("    title: The room\n", "    title: The room\n    <<: {once: true}\n")
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:21:5: merge keys (<<) are not allowed in scene 'room': write the keys out in full"
    ]


# -- nesting, numbers, keys ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenes", "where"),
    [
        ("[" * 10_000 + "]" * 10_000, f"2:{9 + MAX_DEPTH - 1}"),  # flow lists
        ("[" * 1_000_000 + "]" * 1_000_000, f"2:{9 + MAX_DEPTH - 1}"),
        ("\n" + "- " * 10_000 + "x", f"3:{1 + 2 * (MAX_DEPTH - 1)}"),  # block lists
        ("{a: " * 10_000 + "x" + "}" * 10_000, f"2:{9 + 4 * (MAX_DEPTH - 1)}"),  # mappings
    ],
    ids=["10k-flow-lists", "1M-flow-lists", "10k-block-lists", "10k-flow-maps"],
)
def test_deep_nesting_stops_at_the_limit_without_recursing(
    write_story: WriteStory, scenes: str, where: str
) -> None:
    """PyYAML's composer recurses (libyaml's crashes the process past ~50,000 levels, after
    quadratic time): ours reads the events in a loop and stops at the limit."""
    root = write_story({"one.yaml": "act: one\nscenes: " + scenes + "\n"})
    with cost() as spent:
        [message] = errors(root)
    assert message.startswith(f"one.yaml:{where}")
    assert message.endswith(
        f"nested more than {MAX_DEPTH} levels deep; a story file needs far fewer: flatten it"
    )
    assert spent.seconds < 1
    assert spent.peak_bytes < 20 * MB  # mostly the text itself: the 1M case is 2 MB


def test_a_whole_number_of_5000_digits_is_refused_before_python_reads_it(
    write_story: WriteStory,
) -> None:
    """Python 3.11 refuses int() of over 4,300 digits with a ValueError; we refuse at 20."""
    manifest = MANIFEST.replace("max: 3", "max: " + "9" * 5000)
    [message] = errors(write_story({"story.yaml": manifest}))
    assert message.startswith("story.yaml:7:39: state 'trust' max: the number '99999")
    assert message.endswith("is too long (5,000 characters; at most 20); write a smaller one")
    assert len(message) < 200


def test_a_huge_base_60_number_is_refused_not_computed(write_story: WriteStory) -> None:
    """YAML 1.1 reads `1:2:3` as a number in base 60, one multiplication a part: 100,000 parts
    would take PyYAML minutes."""
    manifest = MANIFEST.replace("default: 1}", "default: " + ":".join(["59"] * 100_000) + "}")
    with cost() as spent:
        [message] = errors(write_story({"story.yaml": manifest}))
    assert message.startswith("story.yaml:7:51: state 'trust' default: the number '59:59:59")
    assert spent.seconds < 1


def test_big_but_sensible_numbers_load_and_huge_decimals_are_refused(
    write_story: WriteStory,
) -> None:
    manifest = MANIFEST.replace("max: 3", "max: 9223372036854775807")
    assert load_story(write_story({"story.yaml": manifest})).variables["trust"].maximum == 2**63 - 1  # type: ignore[union-attr]
    manifest = MANIFEST.replace("max: 3", "max: 1.0e+99999")
    assert errors(write_story({"story.yaml": manifest})) == [
        "story.yaml:7:39: state 'trust' max must be a whole number, not a decimal number"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "  1: {type: flag, default: false}",
            "story.yaml:10:3: key in state must be a word; quote it: '1'",
        ),
        (
            "  yes: {type: flag, default: false}",
            "story.yaml:10:3: key in state must be a word; quote it: 'yes'",
        ),
        (
            "  ~: {type: flag, default: false}",
            "story.yaml:10:3: key in state is empty; write a name before the ':'",
        ),
        (
            "  [a, b]: {type: flag, default: false}",
            "story.yaml:10:3: key in state must be a word, not a list",
        ),
        (
            "  ? {a: 1}\n  : {type: flag, default: false}",
            "story.yaml:10:5: key in state must be a word, not a mapping",
        ),
        (
            "  ? - a\n    - b\n  : {type: flag, default: false}",
            "story.yaml:10:5: key in state must be a word, not a list",
        ),
    ],
    ids=["int", "bool", "null", "list", "complex-mapping", "complex-list"],
)
def test_keys_that_are_not_words_are_refused_where_they_are(
    write_story: WriteStory, line: str, expected: str
) -> None:
    assert errors(write_story({"story.yaml": MANIFEST + line + "\n"})) == [expected]


# -- encodings, line ends, tabs -------------------------------------------------------------


def test_binary_is_refused_at_its_first_wrong_byte(write_story: WriteStory) -> None:
    root = write_story()
    act_file(root).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert errors(root) == [
        "one.yaml:3:1: the file holds NUL bytes, so it is binary or UTF-16; save it as UTF-8 text"
    ]
    act_file(root).write_bytes(b"act: one\nscenes: \xc3\x28\n")
    assert errors(root) == ["one.yaml:2:9: not valid UTF-8; save the file as UTF-8"]
    act_file(root).write_bytes(b"act: one\rscenes: caf\xc3\xa9 \xc3\x28\r\n")  # CR, then é
    assert errors(root) == ["one.yaml:2:14: not valid UTF-8; save the file as UTF-8"]
    act_file(root).write_bytes(b"\xef\xbb\xbfact: \xff\n")  # after a byte-order mark
    assert errors(root) == ["one.yaml:1:6: not valid UTF-8; save the file as UTF-8"]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-16", "the file is UTF-16; save it as UTF-8"),  # with its byte-order mark
        ("utf-16-be", "the file holds NUL bytes, so it is binary or UTF-16; save it as UTF-8 text"),
        ("utf-32", "the file is UTF-32; save it as UTF-8"),
    ],
)
def test_utf16_and_utf32_get_a_clear_error(
    write_story: WriteStory, encoding: str, expected: str
) -> None:
    root = write_story()
    act_file(root).write_bytes(ACT.encode(encoding))
    [message] = errors(root)
    assert message.split(": ", 1)[1] == expected
    assert message.startswith("one.yaml:1:")


def test_a_utf8_byte_order_mark_loads_with_columns_unchanged(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT.replace("to: room", "to: rooom")})
    plain = errors(root)
    act_file(root).write_bytes(b"\xef\xbb\xbf" + act_file(root).read_bytes())
    assert (
        errors(root)
        == plain
        == [
            "one.yaml:11:13: choice 1 of scene 'hall' goes to unknown scene 'rooom' (did you mean 'room'?)"
        ]
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_line_ends_load_with_the_same_positions(
    write_story: WriteStory, newline: str
) -> None:
    root = write_story()
    text = act_file(root).read_text(encoding="utf-8")
    act_file(root).write_bytes(text.replace("\n", newline).encode())
    assert load_story(root).scenes["one.hall"].paragraphs[1].text.parts == ("A second paragraph.",)
    broken = text.replace("Trust is {trust}.", "Trust is {trusst}.").replace("to: room", "to: rom")
    act_file(root).write_text(broken, encoding="utf-8")
    expected = errors(root)
    assert expected[0].startswith("one.yaml:6:39: {trusst} in scene 'hall' is not declared")
    act_file(root).write_bytes(broken.replace("\n", newline).encode())
    assert errors(root) == expected


@pytest.mark.parametrize(
    ("line", "indented", "column"),
    [
        ("  hall:", "\thall:", 1),
        ("  hall:", "  \thall:", 3),
        ("    title: The hall", "\t  title: The hall", 1),
        ("      - text: Open the door.", "    \t- text: Open the door.", 5),
    ],
)
def test_tab_indentation_is_a_clear_positioned_error(
    write_story: WriteStory, line: str, indented: str, column: int
) -> None:
    act = ACT.replace(f"\n{line}\n", f"\n{indented}\n", 1)
    number = ACT.splitlines().index(line) + 1
    assert errors(write_story({"one.yaml": act})) == [
        f"one.yaml:{number}:{column}: a tab in the indentation; YAML indents with spaces only: "
        "replace the tab with spaces"
    ]


def test_a_raw_control_character_is_reported_at_its_character(write_story: WriteStory) -> None:
    root = write_story()
    act_file(root).write_text(ACT.replace("The hall", "The \x1b[2Jhall"), encoding="utf-8")
    assert errors(root) == [
        "one.yaml:4:16: the control character U+001B cannot be in a YAML file; remove it "
        "(in double quotes, an escape such as \\t is allowed)"
    ]


# -- sizes ----------------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_before_it_is_read(write_story: WriteStory) -> None:
    root = write_story()
    with act_file(root).open("r+b") as file:
        file.truncate(50 * MB)  # sparse: no 50 MB written, yet every byte counts
    with cost() as spent:
        found = errors(root)
    assert found == [
        f"one.yaml:1:1: the file is 50.0 MB; a story file may be at most "
        f"{MAX_FILE_BYTES // MB} MB: split it into several files"
    ]
    assert spent.seconds < 0.2
    assert spent.peak_bytes < 1 * MB


def test_a_file_just_over_the_cap_is_refused_too(write_story: WriteStory) -> None:
    root = write_story()
    with act_file(root).open("r+b") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    [message] = errors(root)
    assert "a story file may be at most" in message


def test_more_values_than_a_file_may_hold_are_refused(write_story: WriteStory) -> None:
    act = "act: one\nscenes:\n  many: [" + "0," * MAX_NODES + "]\n"
    began = time.perf_counter()
    [message] = errors(write_story({"one.yaml": act}))
    assert message == (
        f"one.yaml:3:{10 + 2 * (MAX_NODES - 4)}: more than {MAX_NODES:,} values in one file; "
        "split it into several files"
    )
    assert time.perf_counter() - began < 5


def test_an_enum_of_too_many_values_is_refused(write_story: WriteStory) -> None:
    values = ", ".join(f"v{n}" for n in range(MAX_ENUM_VALUES + 1))
    manifest = MANIFEST.replace(
        "values: [calm, wild], default: calm", f"values: [{values}], default: v0"
    )
    [message] = errors(write_story({"story.yaml": manifest}))
    assert message == (
        f"story.yaml:9:30: state 'mood' has {MAX_ENUM_VALUES + 1:,} values; an enum may have at "
        f"most {MAX_ENUM_VALUES:,}: use fewer (or a counter)"
    )


# -- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        (
            "!!python/object/apply:os.system [touch pwned]",
            "the tag !!python/object/apply:os.system is not allowed in a story; write a plain value",
        ),
        (
            "!!python/name:os.system",
            "the tag !!python/name:os.system is not allowed in a story; write a plain value",
        ),
        (
            "!!python/object:her_if.core.model.Story {}",
            "the tag !!python/object:her_if.core.model.Story is not allowed in a story; write a plain value",
        ),
        (
            "!!python/module:os",
            "the tag !!python/module:os is not allowed in a story; write a plain value",
        ),
        ("!shout Hall", "the tag !shout is not allowed in a story; write a plain value"),
        (
            "!<tag:example.com,2025:hall> Hall",
            "the tag tag:example.com,2025:hall is not allowed in a story; write a plain value",
        ),
        ("!!binary aGFsbA==", "the tag !!binary is not allowed in a story; write a plain value"),
        (
            "!!timestamp 2013-12-18",
            "the tag !!timestamp is not allowed in a story; write a plain value",
        ),
        ("2013-12-18", "YAML reads '2013-12-18' as !!timestamp, not as text; quote it"),
        ("&d 2013-12-18", "YAML reads '2013-12-18' as !!timestamp, not as text; quote it"),
        ("=", "YAML reads '=' as !!value, not as text; quote it"),
        ("!!set {a, b}", "the tag !!set is not allowed in a story; write a plain value"),
        ("!!omap [{a: 1}]", "the tag !!omap is not allowed in a story; write a plain value"),
        ("!!pairs [{a: 1}]", "the tag !!pairs is not allowed in a story; write a plain value"),
    ],
)
def test_tags_are_refused_where_they_are_and_nothing_runs(
    write_story: WriteStory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    title: str,
    problem: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    root = write_story({"one.yaml": ACT.replace("title: The hall", f"title: {title}")})
    assert errors(root) == [f"one.yaml:4:12: scene 'hall' title: {problem}"]
    assert not (tmp_path / "pwned").exists()


def test_an_explicit_plain_tag_is_only_a_type(write_story: WriteStory) -> None:
    story = load_story(
        write_story({"one.yaml": ACT.replace("title: The hall", "title: !!str 2013")})
    )
    assert story.scenes["one.hall"].title == "2013"


# -- empty, not files, several documents ---------------------------------------------------


EMPTY = "one.yaml:1:1: the file is empty (or only comments): write its keys as docs/format.md shows"


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing yet\n", "\ufeff"])
def test_an_empty_act_file_is_an_error_not_an_empty_act(write_story: WriteStory, text: str) -> None:
    root = write_story()
    act_file(root).write_text(text, encoding="utf-8")
    assert errors(root) == [EMPTY]


def test_an_empty_manifest_and_walkthrough_are_errors(
    write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story({"story.yaml": "# a story, some day\n"})
    assert errors(root) == [EMPTY.replace("one.yaml", "story.yaml")]
    story = load_story(write_story({"story.yaml": MANIFEST}))
    script = tmp_path / "walk.yaml"
    script.write_text("", encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_script(script, story)
    assert [d.message for d in caught.value.diagnostics] == [EMPTY.split(": ", 1)[1]]


@pytest.mark.parametrize("kind", ["folder", "fifo"])
@pytest.mark.parametrize("which", ["act", "beat sheet", "walkthrough"])
def test_a_folder_or_a_named_pipe_is_refused_without_waiting(
    write_story: WriteStory, tmp_path: Path, kind: str, which: str
) -> None:
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    root = write_story({"story.yaml": MANIFEST + "beat_sheet: beats.yaml\n"})
    (root / "beats.yaml").write_text("beats: []\n", encoding="utf-8")
    target = {"act": act_file(root), "beat sheet": root / "beats.yaml"}.get(
        which, tmp_path / "walk.yaml"
    )
    target.unlink(missing_ok=True)
    if kind == "folder":
        target.mkdir()
        problem = "a folder, not a file; name a YAML file here"
    else:
        os.mkfifo(target)
        problem = "not a regular file (a named pipe, socket or device); name a YAML file here"
    with time_limit(2):  # a read of a pipe with no writer would wait forever
        if which == "walkthrough":
            story = load_story(write_story({"story.yaml": MANIFEST}))
            with pytest.raises(StoryError) as caught:
                load_script(target, story)
            found = [
                f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.column}: {d.message}"
                for d in caught.value.diagnostics
            ]
        else:
            found = errors(root)
    assert f"{target.name}:1:1: {problem}" in found


def test_a_second_document_is_refused(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT + "---\nact: two\n"})
    assert errors(root) == [
        "one.yaml:30:1: a second YAML document ('---'); a story file holds one: remove the "
        "'---' line and what follows, or move it to a file of its own"
    ]


# -- nothing quadratic ---------------------------------------------------------------------
# Each of these took minutes (or gigabytes) before the limits and fixes it tests.


def scenes(count: int, body: str) -> str:
    """An act of `count` scenes `s0`..., each `body` formatted with its number `n`."""
    return "act: one\nscenes:\n" + "".join(
        f"  s{n}:\n" + textwrap.indent(body.format(n=n, next=n + 1), "    ") for n in range(count)
    )


def test_a_long_chain_of_pauses_is_checked_in_linear_time(write_story: WriteStory) -> None:
    act = scenes(3000, "title: t\ntext: x\ncontinue: s{next}\n") + (
        "  s3000:\n    title: t\n    text: x\n    ending: {id: e, title: E}\n"
    )
    root = write_story({"story.yaml": MANIFEST.replace("one.hall", "one.s0"), "one.yaml": act})
    with time_limit(5):
        assert len(load_story(root).scenes) == 3001


def test_thousands_of_unknown_targets_are_all_reported_quickly(write_story: WriteStory) -> None:
    act = scenes(2000, "title: t\ntext: x\nchoices: [{{text: go, to: nowhere{n}}}]\n")
    root = write_story({"story.yaml": MANIFEST.replace("one.hall", "one.s0"), "one.yaml": act})
    began = time.perf_counter()
    found = errors(root)
    assert len(found) == MAX_ERRORS + 1  # the first thousand, then one line for the rest
    assert found[0] == "one.yaml:6:30: choice 1 of scene 's0' goes to unknown scene 'nowhere0'"
    assert time.perf_counter() - began < 5


def test_a_walkthrough_of_thousands_of_wrong_scenes_is_reported_quickly(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """Each wrong name gets a "did you mean" (from the first 300 scenes) until 100 have: after
    that the rest are listed without one, or 3,000 would take a minute."""
    act = scenes(1000, "title: t\ntext: x\nending: {{id: e{n}, title: E}}\n")
    root = write_story({"story.yaml": MANIFEST.replace("one.hall", "one.s0"), "one.yaml": act})
    story = load_story(root)
    script = tmp_path / "walk.yaml"
    wrong = ", ".join(f"one.s{n}x" for n in range(3000))
    script.write_text(f"choices: []\nexpect:\n  visited: [{wrong}]\n", encoding="utf-8")
    began = time.perf_counter()
    with time_limit(10), pytest.raises(StoryError) as caught:
        load_script(script, story)
    messages = [d.message for d in caught.value.diagnostics]
    assert len(messages) == MAX_ERRORS + 1
    assert messages[0] == "unknown scene 'one.s0x' (write act.scene) (did you mean 'one.s0'?)"
    assert messages[MAX_ERRORS - 1] == f"unknown scene 'one.s{MAX_ERRORS - 1}x' (write act.scene)"
    assert time.perf_counter() - began < 2


def test_past_a_thousand_errors_in_a_file_one_line_says_so(write_story: WriteStory) -> None:
    act = ACT.replace("A second paragraph.", "} " * (MAX_ERRORS + 500))
    found = errors(write_story({"one.yaml": act}))
    assert len(found) == MAX_ERRORS + 1
    assert found[0] == "one.yaml:8:7: stray '}' in scene 'hall'; write '}}' for a brace"
    assert found[-1] == (
        f"one.yaml:8:{7 + 2 * MAX_ERRORS}: more than {MAX_ERRORS:,} errors in this file; the "
        "rest are not listed: fix these and check again"
    )


def test_megabytes_of_text_in_one_paragraph_take_little_time_and_memory(
    write_story: WriteStory,
) -> None:
    """A paragraph is split and its lines folded without a regular expression that remembers
    every character (half a gigabyte for 4 MB) or retries every space (hours)."""
    text = "x" + " " * 1_000_000 + "y\n      " + "word " * 500_000
    act = ACT.replace("A second paragraph.", text)
    with cost(limit=20) as spent:
        story = load_story(write_story({"one.yaml": act}))
    [folded] = story.scenes["one.hall"].paragraphs[1].text.parts
    assert folded == "x" + " " * 1_000_000 + "y" + " word" * 500_000
    assert spent.peak_bytes < 40 * MB  # the text is 3.5 MB; a few copies of it, no more


# -- conditions and placeholders, at load ---------------------------------------------------

FUNCTIONS = 'the functions are visited("act.scene"), visits("act.scene"), min() and max()'
"""How a call of anything but the language's own functions is refused."""


@pytest.mark.parametrize(
    ("condition", "column", "reason"),
    [
        ("mood.__class__", 13, "attribute access (`.`) is not allowed in conditions"),
        ("met.__class__.__mro__", 13, "attribute access (`.`) is not allowed in conditions"),
        ("visited.__globals__", 13, "attribute access (`.`) is not allowed in conditions"),
        (
            "__import__('os').system('x') == 0",
            13,
            FUNCTIONS,
        ),
        (
            "open('/etc/passwd')",
            13,
            FUNCTIONS,
        ),
        ("eval('met')", 13, FUNCTIONS),
        ("met[0]", 13, "indexing (`[...]`) is not allowed in conditions"),
        ("(lambda: met)()", 13, FUNCTIONS),
        ("lambda: met", 13, "a lambda is not allowed in conditions"),
        ("[m for m in met]", 13, "a comprehension is not allowed in conditions"),
        (
            "any(m for m in met)",
            13,
            FUNCTIONS,
        ),
        ("(m for m in met)", 13, "a comprehension is not allowed in conditions"),
        ("f'{met}' == 'x'", 13, "an f-string is not allowed in conditions"),
        ("(met := true)", 14, "`:=` is not allowed in conditions"),
        ("met if met else met", 13, "`x if y else z` is not allowed in conditions"),
        ("trust ** 99999 > 1", 13, "only `+`, `-`, `*`, `//` and `%` work on numbers"),
        ("mood in ('wild',)", 13, "`in` is not allowed in conditions; use `==` or `!=`"),
        (
            "\uff4d\uff45\uff54",
            13,
            "condition holds '\uff4d' (U+FF4D); conditions and expressions are plain ASCII",
        ),
        ("met and \u202etrue", 21, "condition holds the invisible character U+202E"),
    ],
)
def test_a_condition_outside_the_language_is_refused_at_load(
    write_story: WriteStory, condition: str, column: int, reason: str
) -> None:
    act = ACT.replace(
        'if: mood == "wild" and met', "if: " + json.dumps(condition, ensure_ascii=False)
    )
    [message] = errors(write_story({"one.yaml": act}))
    assert message.startswith(f"one.yaml:24:{column + 1}: ")  # +1: the opening quote
    assert reason in message


@pytest.mark.parametrize(
    ("value", "column", "reason"),
    [
        ("__import__('os').system('x')", 22, FUNCTIONS),
        ("trust.__class__", 22, "attribute access (`.`) is not allowed in expressions"),
        ("(lambda: trust)()", 22, FUNCTIONS),
        ("[t for t in trust]", 22, "a comprehension is not allowed in expressions"),
        ("trust ** 99999", 22, "only `+`, `-`, `*`, `//` and `%` work on numbers"),
        ("trust * " * 40 + "1", 22, "expression is nested more than 32 levels deep"),
        ("trust + " * 100 + "1", 22, "expression is 801 characters long; the limit is 500"),
        ("random(0, 10**9)", 32, "random() takes whole numbers written out, not 10 ** 9"),
        ("pick(" + "1, " * 300 + "1)", 22, "expression is 907 characters long"),
        ("1 + \u202e1", 26, "expression holds the invisible character U+202E"),
    ],
    ids=[
        "import",
        "attribute",
        "lambda",
        "comprehension",
        "power",
        "deep",
        "long",
        "huge-draw",
        "long-pick",
        "bidi",
    ],
)
def test_an_effect_expression_outside_the_language_is_refused_at_load(
    write_story: WriteStory, value: str, column: int, reason: str
) -> None:
    """An effect's expression is the condition language's, held to the same bounds: nothing
    in it runs, and a draw cannot be made to hold a billion outcomes."""
    act = ACT.replace("set: {met: true}", "set: {trust: " + json.dumps(value) + "}")
    with cost() as spent:
        [message] = errors(write_story({"one.yaml": act}))
    assert message.startswith(f"one.yaml:13:{column + 1}: ")  # +1: the opening quote
    assert reason in message
    assert spent.seconds < 1


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("met or " * 15_000 + "met", "condition is 105003 characters long; the limit is 500"),
        ("(" * 1000 + "met" + ")" * 1000, "condition is 2003 characters long; the limit is 500"),
        ("(" * 240 + "met" + ")" * 240, "cannot parse condition: too many nested parentheses"),
        ("not " * 120 + "met", "condition is nested more than 32 levels deep"),
        ("-" * 400 + "trust > 0", "condition is nested more than 32 levels deep"),
        ("trust" + " + trust" * 60 + " > 0", "condition is nested more than 32 levels deep"),
    ],
    ids=["100kb", "1000-parens", "240-parens", "not-chain", "minus-chain", "plus-chain"],
)
def test_long_and_deep_conditions_are_refused_without_recursing(
    write_story: WriteStory, condition: str, reason: str
) -> None:
    act = ACT.replace('if: mood == "wild" and met', f'if: "{condition}"')
    with cost() as spent:
        [message] = errors(write_story({"one.yaml": act}))
    assert message.startswith("one.yaml:24:")
    assert reason in message
    assert len(message) < 300
    assert spent.seconds < 1


@pytest.mark.parametrize(
    ("slot", "reason"),
    [
        ("{trust.__class__}", "{trust.__class__} in scene 'hall' is not declared state"),
        (
            "{trust.__class__.__init__.__globals__}",
            "{trust.__class__.__init__.__globals__} in scene 'hall' is not declared state",
        ),
        ("{0}", "{0} in scene 'hall' is not declared state"),
        ("{}", "{} in scene 'hall' is not declared state"),
        ("{trust!r}", "{trust!r} in scene 'hall' is not declared state (did you mean 'trust'?)"),
        ("{trust:>99999}", "{trust:>99999} in scene 'hall' is not declared state"),
        ("{__import__('os')}", "{__import__('os')} in scene 'hall' is not declared state"),
        ("{" + "x" * 100_000 + "}", "{" + "x" * 57 + "...} in scene 'hall' is not declared state"),
        ("{trust", "unclosed '{' in scene 'hall'; write '{{' for a brace"),
    ],
    ids=[
        "attribute",
        "globals",
        "index",
        "empty",
        "conversion",
        "format-spec",
        "call",
        "100kb",
        "unclosed",
    ],
)
def test_a_placeholder_other_than_a_state_name_is_refused_at_load(
    write_story: WriteStory, slot: str, reason: str
) -> None:
    act = ACT.replace("Trust is {trust}.", f"Trust is {slot}.")
    [message] = errors(write_story({"one.yaml": act}))
    assert message == f"one.yaml:6:39: {reason}"
