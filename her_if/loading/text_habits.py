"""What ink, ChoiceScript and Twine writers type in text out of habit, and what we write instead.

An author who has shipped a game in another language brings its notation, and a bare "cannot
parse" teaches nothing: each habit is named for what it is, with our form beside it. Only the
messages and the cheap tests that find them live here; `inline_text` decides when to ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from her_if.core.model import Flag, Variable

INK_MARKS = {"&": "cycle", "!": "once", "~": "shuffle"}
"""ink's one-character alternatives, `{&a|b}`, `{!a|b}`, `{~a|b}`, and ours."""

SUGAR = re.compile(r"\$[A-Za-z_]|<<")
"""Where a SugarCube macro or variable may start: the cheap test before `sugar_habits`."""
_MACRO = re.compile(r"<<\s*(/?)\s*([A-Za-z]+|[=-])")
_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_MACROS = {
    **dict.fromkeys(("if", "elseif", "else", "endif"), "{if cond: text | other text}"),
    **dict.fromkeys(("set", "unset", "run"), "a 'set:' on the scene or the choice"),
    **dict.fromkeys(("print", "=", "-"), "{= expression}"),
    **dict.fromkeys(("link", "goto", "include", "button", "actions", "choice"), "a choice"),
    "switch": "{case name | value: text | else: text}",
}


def ink_mark(mark: str) -> str:
    kind = INK_MARKS[mark]
    return f"ink's {{{mark}a|b}} is written {{{kind}: a | b}} here"


def ink_stopping() -> str:
    return "ink's {stopping: a|b} is written {seq: a | b} here (it stays on its last)"


def ink_condition(head: str) -> str:
    return f"ink's {{cond: a|b}} is written {{if {head}: a | b}} here (the '|' text is optional)"


def per_value(name: str) -> str:
    return f"a text for each value of {name} is written {{case {name} | value: a | value: b}}"


def ink_sequence() -> str:
    return (
        "ink's {a|b} is written {seq: a | b} here (or {cycle: ...}, {once: ...}, "
        "{shuffle: ...}); a bare '|' cannot appear in a form"
    )


def choicescript_switch(name: str, variables: Mapping[str, Variable]) -> str:
    """ChoiceScript's `@{var a|b}`: a flag's two texts are an `{if}`, any other's a `{case}`."""
    if isinstance(variables.get(name), Flag):
        ours = f"{{if {name}: a | b}}"
    else:
        ours = f"{{case {name} | value: a | value: b}}"
    return f"ChoiceScript's @{{{name} a|b}} is written {ours} here"


def choicescript_slot(name: str) -> str:
    return f"ChoiceScript's ${{{name}}} is written {{{name}}} here"


def dollar_slot(name: str) -> str:
    return f"state names have no '$': write {{{name}}}, not {{${name}}}"


def sugar_habits(
    text: str, start: int, end: int, variables: Mapping[str, Variable]
) -> Iterator[tuple[int, str]]:
    """SugarCube's `<<macro>>` and `$name` in literal text, as (offset, message). A `$` before
    a word that names no state is prose ("$5", "$HOME"), and left alone."""
    past = start  # the end of the last macro named: a `$name` inside it is part of it
    for found in SUGAR.finditer(text, start, end):
        at = found.start()
        if at < past:
            continue
        if text.startswith("<<", at):
            macro = _MACRO.match(text, at)
            ours = None if macro is None else _MACROS.get(macro.group(2).lower())
            if macro is None or ours is None:
                continue
            closing, word = macro.group(1), macro.group(2).lower()
            written = f"<<{closing}{word}>>" if closing else f"<<{word} ...>>"
            yield at, f"SugarCube's {written} is written {ours} here"
            shut = text.find(">>", at, end)
            past = end if shut < 0 else shut + 2
        else:
            name = _VARIABLE.match(text, at)
            if name is not None and name.group(1) in variables:
                yield at, f"SugarCube's ${name.group(1)} is written {{{name.group(1)}}} here"
