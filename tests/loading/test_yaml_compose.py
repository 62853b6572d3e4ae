"""Our composer's refusals are the same whichever parser reads the text, and whatever libyaml's
own limits are: the behaviour is ours, not a property of the PyYAML release installed."""

from __future__ import annotations

import pytest
import yaml

from her_if.loading import yaml_compose
from her_if.loading.yaml_compose import MAX_DEPTH, ComposeError, compose
from her_if.loading.yaml_nodes import MappingNode

LOADERS: list[type] = [yaml.SafeLoader]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(yaml.CSafeLoader)
PARSERS = [pytest.param(loader, id=loader.__name__) for loader in LOADERS]

DEPTH = f"nested more than {MAX_DEPTH} levels deep; a story file needs far fewer: flatten it"

# The document's own mapping is the first level, so the 64th bracket opens the 65th.
# Text that is YAML, refused by a rule of ours: each parser must refuse it at the same place,
# with the same words.
REFUSED = {
    "flow lists past our limit": ("a: " + "[" * 200 + "]" * 200, f"1:{3 + MAX_DEPTH}: {DEPTH}"),
    "flow lists past libyaml's own limit": (
        "a: " + "[" * 5_000 + "]" * 5_000,
        f"1:{3 + MAX_DEPTH}: {DEPTH}",
    ),
    "flow mappings": ("a: " + "{b: " * 200 + "x" + "}" * 200, f"1:{4 * MAX_DEPTH}: {DEPTH}"),
    "block lists": ("a:\n" + "- " * 200 + "x", f"2:{1 + 2 * (MAX_DEPTH - 1)}: {DEPTH}"),
    "an alias": (
        "a: &one x\nb: *one\n",
        "2:4: the alias '*one' (anchored at line 1) is not allowed in a story: write the value "
        "out in full where it is used",
    ),
    "a second document": (
        "a: 1\n---\nb: 2\n",
        "2:1: a second YAML document ('---'); a story file holds one: remove the '---' line and "
        "what follows, or move it to a file of its own",
    ),
    "a tab in the indentation": (
        "a:\n\tb: 1\n",
        "2:1: a tab in the indentation; YAML indents with spaces only: replace the tab with spaces",
    ),
}


def _compose_with_only(monkeypatch: pytest.MonkeyPatch, parser: type, text: str) -> str:
    monkeypatch.setattr(yaml_compose, "_Parser", parser)
    with pytest.raises(ComposeError) as refused:
        compose(text)
    return str(refused.value)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_parser_refuses_with_our_place_and_words(
    monkeypatch: pytest.MonkeyPatch, parser: type, case: str
) -> None:
    text, message = REFUSED[case]
    assert _compose_with_only(monkeypatch, parser, text) == message


def test_too_many_values_is_refused_the_same_by_both(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: [" + ", ".join(["1"] * (yaml_compose.MAX_NODES + 5)) + "]"
    messages = {_compose_with_only(monkeypatch, loader, text) for loader in LOADERS}
    assert len(messages) == 1
    assert messages.pop().endswith("values in one file; split it into several files")


@pytest.mark.parametrize("parser", PARSERS)
def test_a_real_mistake_before_deep_nesting_is_reported_first(
    monkeypatch: pytest.MonkeyPatch, parser: type
) -> None:
    """libyaml's scanner runs ahead and would report its depth limit before the parser meets an
    earlier mistake; the first problem in the file is the one an author must see."""
    text = "a: b: c\nz: " + "[" * 3_000 + "]" * 3_000
    message = _compose_with_only(monkeypatch, parser, text)
    assert message.startswith("1:5: YAML syntax:")
    assert "nesting depth" not in message


@pytest.mark.parametrize("parser", PARSERS)
def test_syntax_errors_agree_on_the_line(monkeypatch: pytest.MonkeyPatch, parser: type) -> None:
    """The documented difference: wording (and sometimes the column) of a syntax error; the line
    is the same."""
    message = _compose_with_only(monkeypatch, parser, "a: 1\nb: [1, 2\nc: 3\n")
    assert message.split(":")[0] in {"2", "3"}
    assert ": YAML syntax: " in message


@pytest.mark.parametrize("parser", PARSERS)
def test_both_parsers_build_the_same_nodes(monkeypatch: pytest.MonkeyPatch, parser: type) -> None:
    monkeypatch.setattr(yaml_compose, "_Parser", parser)
    node = compose("a: [1, {b: two}]\nc: |\n  text\n")
    assert isinstance(node, MappingNode)
    [(k1, v1), (k2, v2)] = node.value
    assert (k1.value, k2.value, v2.value) == ("a", "c", "text\n")
    assert (v1.value[0].value, v1.value[0].tag) == ("1", "tag:yaml.org,2002:int")
    assert (v1.value[0].start_mark.line, v1.value[0].start_mark.column) == (0, 4)
