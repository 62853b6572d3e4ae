"""Our small nodes are PyYAML's to whoever reads them: the same types, tags, values, styles and
places as PyYAML's own composer gives, with either parser, on every YAML file of the
repository and on text written to be awkward; and plain values are typed as PyYAML's resolver
types them."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.constructor import SafeConstructor

from her_if.loading import yaml_compose
from her_if.loading.yaml_compose import compose
from her_if.loading.yaml_nodes import Lines, MappingNode, ScalarNode, SequenceNode
from her_if.loading.yaml_source import Source

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for folder in ("story", "tests/fixtures", "examples", "schema")
    if (ROOT / folder).is_dir()
    for p in (ROOT / folder).rglob("*.yaml")
)
LOADERS: list[type] = [yaml.SafeLoader]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(yaml.CSafeLoader)
PARSERS = [pytest.param(loader, id=loader.__name__) for loader in LOADERS]

AWKWARD = [
    "a: 1\r\nb: [x,\r y]\x85c: 'é\u2028z'\u2029d: |\n  ü\n  🙂\n",  # every line break YAML knows
    "- plain\n  folded\n- >\n  more\n\n  text\n- 'single ''quoted'''\n- \"esc\\taped\\n\"\n",
    "{a: {b: [1, {c: d}]}, e: f}\n",
    "? complex key\n: value\n? [a, b]\n: {c: d}\n",
    "a: !!str 12\nb: !custom x\nc: ! 12\nd: &anchor v\ne: !!map {x: 1}\n",
    "a:\nb: ~\nc: ''\n",
    "a: b\n\n\n",
    "a: b",
    "just a scalar\n",
]
"""Text that stresses what a place is: breaks of every kind, wide characters, folded and quoted
scalars, flow and complex keys, tags, empty values, a byte-order mark and no final line break."""

TRICKY = [
    "yes", "Yes", "YES", "no", "No", "NO", "y", "n", "on", "Off", "true", "True", "TRUE", "false",
    "~", "null", "Null", "NULL", "", "0", "-0", "+1", "1_000", "0x1F", "0X1f", "0o7", "0b101",
    "017", "09", "1:30", "190:20:30", "-1:00", "1.5", "-.5", ".5", "+.5e3", "1e3", "1.0e+3",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5", "2001-1-1", "=", "<<", "<", "<<x", "!", "&", "*", "-", ".",
    "+", "0.", "1_0.5", "0x", "1__0", "trust", "Trust", "tr", "N", "Y", "O", "o", "nul",
    "The air feels friendly here.", "12 angry men", "-1", "+-1", "..inf", "0o", "1e", "1.e5",
]  # fmt: skip
"""Plain values YAML 1.1 types by their look, and some that only nearly look like them."""


def _pyyaml_tree(loader: type, text: str) -> Any:
    return _shape(yaml.compose(text, Loader=loader))


def _ours(monkeypatch: pytest.MonkeyPatch, loader: type, text: str) -> Any:
    monkeypatch.setattr(yaml_compose, "_Parser", loader)
    return _shape(compose(text))


def _shape(node: Any) -> Any:
    """Everything a reader of a node can see, as plain data, from PyYAML's node or ours (the
    kind by PyYAML's `id`, which ours keep); where a collection ends, by its offset alone (see
    `yaml_nodes`: libyaml's line for it at the end of a text is not one)."""
    if node is None:
        return None
    start, end = node.start_mark, node.end_mark
    marks: tuple[Any, ...] = ((start.line, start.column, start.index), end.index)
    if node.id == "scalar":
        marks = (*marks, (end.line, end.column))
        return ("scalar", node.tag, node.value, node.style or None, marks)
    if node.id == "mapping":
        items = [(_shape(k), _shape(v)) for k, v in node.value]
        return ("map", node.tag, node.flow_style, marks, items)
    assert node.id == "sequence"
    return ("seq", node.tag, node.flow_style, marks, [_shape(n) for n in node.value])


def test_a_node_is_one_object_without_a_dictionary() -> None:
    """Each kind of node keeps its fields in slots alone (no `__dict__`, a second allocation
    per node: some 40 bytes of 130) and is still the kind of node it says."""
    root = compose("a: [b]\n")
    assert isinstance(root, MappingNode)
    [(key, items)] = root.value
    assert isinstance(key, ScalarNode) and isinstance(items, SequenceNode)
    for node, kind in ((root, "mapping"), (key, "scalar"), (items, "sequence")):
        assert not hasattr(node, "__dict__"), kind
        assert node.id == kind


@pytest.mark.parametrize("parser", PARSERS)
def test_a_byte_order_mark_left_at_the_start_moves_no_place(
    monkeypatch: pytest.MonkeyPatch, parser: type
) -> None:
    """decode_text takes off one; a second is skipped by both parsers, which count places
    from after it (libyaml) or before it (the pure-Python one): we count from after it."""
    text = "a: b\nc: [d]\n"
    assert _ours(monkeypatch, parser, "\ufeff" + text) == _pyyaml_tree(yaml.SafeLoader, text)


def test_there_are_files_to_compare() -> None:
    assert len(FILES) > 100


def _same_or_refused(monkeypatch: pytest.MonkeyPatch, parser: type, text: str) -> bool:
    """Whether `text` gave the same nodes both ways; False when it is not YAML (test_yaml_compose
    and the loader's tests see to those) or one of our own refusals (an alias, a second
    document); an assertion error when the nodes differ."""
    try:
        expected = _pyyaml_tree(parser, text)
    except yaml.YAMLError:
        return False
    try:
        got = _ours(monkeypatch, parser, text)
    except yaml_compose.ComposeError:
        return False
    assert got == expected, text[:200]
    return True


@pytest.mark.parametrize("parser", PARSERS)
def test_every_yaml_file_gives_pyyaml_s_nodes(
    monkeypatch: pytest.MonkeyPatch, parser: type
) -> None:
    texts = [p.read_bytes().decode("utf-8-sig", "replace") for p in FILES]
    assert sum(_same_or_refused(monkeypatch, parser, text) for text in texts) > 100


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_gives_pyyaml_s_nodes(
    monkeypatch: pytest.MonkeyPatch, parser: type, text: str
) -> None:
    assert _ours(monkeypatch, parser, text) == _pyyaml_tree(parser, text)


@pytest.mark.parametrize("parser", PARSERS)
def test_plain_values_are_typed_as_pyyaml_types_them(
    monkeypatch: pytest.MonkeyPatch, parser: type
) -> None:
    texts = [
        text
        for value in TRICKY
        for text in (f"a: {value}\n", f"[{value}]\n", f"{value}: x\n", f"- {value}\n")
    ]
    assert sum(_same_or_refused(monkeypatch, parser, text) for text in texts) > 3 * len(TRICKY)


def test_the_typed_values_cover_each_kind() -> None:
    """The corpus above reaches every type YAML gives a plain value, and plain text."""
    resolver: Any = yaml.SafeLoader("")
    tags = {resolver.resolve(yaml.ScalarNode, v, (True, False)) for v in TRICKY}
    kinds = {t.rpartition(":")[2] for t in tags}
    assert kinds >= {"bool", "null", "int", "float", "timestamp", "merge", "value", "str"}


@pytest.mark.parametrize("text", [*AWKWARD, "\n", "a\r\n", "a\rb", "a\n\nb\n\n"])
def test_lines_are_counted_as_splitlines_counts_them(text: str) -> None:
    """`Source.line` reads line n of a file as an editor shows it: no line after the last
    break (splitlines also breaks at \\v and \\f, which YAML does not, and no text here has)."""
    assert Lines(text).count() == len(text.splitlines())


@pytest.mark.parametrize("parser", PARSERS)
def test_plain_values_are_read_as_pyyaml_reads_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, parser: type
) -> None:
    """Every plain value `Source.scalar` reads (true or false, numbers, empty, text) is the
    value PyYAML's own loader gives for it, through its constructor where we do not read it
    ourselves (`yes`, `0x1F`, `.inf`): our nodes go to that constructor as PyYAML's."""
    monkeypatch.setattr(yaml_compose, "_Parser", parser)
    values = [v for v in TRICKY if v not in ("&", "*")]  # an anchor, an alias: not values
    path = tmp_path / "values.yaml"
    path.write_text("".join(f"- {v}\n" for v in values))
    src = Source(path, "values.yaml", [])
    root = src.load()
    assert isinstance(root, SequenceNode)
    read = 0
    for item, value in zip(root.value, values, strict=True):
        if item.tag.rpartition(":")[2] not in ("bool", "int", "float", "null", "str"):
            continue
        [want] = yaml.load(f"- {value}\n", Loader=parser)  # a safe loader: PARSERS
        got = src.scalar(item)
        assert type(got) is type(want), value
        assert got == want or (got != got and want != want), value  # NaN is not itself
        read += 1
    assert read > len(TRICKY) // 2


def test_whole_numbers_are_read_as_pyyaml_reads_them(tmp_path: Path) -> None:
    """`Source.scalar` reads plain decimals itself; every other way to write a number is still
    PyYAML's constructor's (`0x1F`, `017`, `1_000`, `1:30`)."""
    numbers = [
        "0", "-0", "+0", "7", "-7", "+7", "10", "1234567890", "0x1F", "017", "1_000",
        "1:30", "-1:00", "+0b101",
    ]  # fmt: skip
    path = tmp_path / "numbers.yaml"
    path.write_text("".join(f"- {n}\n" for n in numbers))
    src = Source(path, "numbers.yaml", [])
    root = src.load()
    assert root is not None
    constructor = SafeConstructor()
    for item, number in zip(root.value, numbers, strict=True):
        assert item.tag == "tag:yaml.org,2002:int", number
        expected = constructor.construct_yaml_int(yaml.ScalarNode(item.tag, number))
        assert src.scalar(item) == expected, number


def test_lines_start_after_each_break_yaml_counts() -> None:
    """The quick way (`str.splitlines`, when the text holds none of the breaks only it knows)
    and the careful way give each line's start where YAML's breaks end, on any text."""
    breaks = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
    pieces = ["a", " ", "é", "\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\v", "\f", "\x1c"]
    draw = random.Random(19)
    for _ in range(5_000):
        text = "".join(draw.choice(pieces) for _ in range(draw.randint(0, 12)))
        assert list(Lines(text).starts()) == [0, *(m.end() for m in breaks.finditer(text))]


def test_a_file_let_go_still_places_its_nodes(tmp_path: Path) -> None:
    """Once a file is built its text is let go (`Source.let_go`): every place is still found,
    and the count of its lines is the same."""
    path = tmp_path / "one.yaml"
    path.write_text("act: one\nscenes:\n  hall:\n    title: The hall\n    text: Quiet.\n")
    src = Source(path, "one.yaml", [])
    root = src.load()
    assert isinstance(root, MappingNode)
    nodes = [root, *(node for pair in root.value for node in pair)]
    before = [src.pos(node) for node in nodes], src.line_count()
    src.let_go()
    assert src.text == "" and ([src.pos(node) for node in nodes], src.line_count()) == before
