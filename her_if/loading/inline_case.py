"""`{case name | value: text | ... | else: text}`: a text for each value of a flag, a counter
or an enum, checked against the declaration so that no value is left without one unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from her_if.core.model import Case, Counter, Flag, Switch, Template, Value, Variable
from her_if.core.wording import short
from her_if.loading.conditions import one_of
from her_if.loading.diagnostics import as_written, did_you_mean

if TYPE_CHECKING:  # the reader calls in here, and is only named for its type
    from her_if.loading.inline_text import TextReader

_NUMBER = re.compile(r"-?[0-9]{1,19}\Z")
_BOOLS = ("true", "false")


def read_case(reader: TextReader, start: int, close: int, j: int, depth: int) -> Switch | None:
    """`{case name | value: text | ... | else: text}`, from after `case` to `close`: every
    value of the variable has a text, or an `else:` gives one for the rest."""
    segments = reader.split(start, close)
    begin, end = reader.trim(*segments[0])
    name = reader.raw[begin:end]
    var = reader.variables.get(name)
    if not name:
        reader.error(
            j, "{case ...} needs a flag, counter or enum: {case mood | calm: ... | else: ...}"
        )
    elif var is None:
        reader.error(
            begin,
            f"{{case {short(name, ascii=True)} ...}}: '{short(name, ascii=True)}' is not "
            "declared state" + did_you_mean(name, reader.variables),
        )
    elif len(segments) == 1:
        reader.error(j, f"{{case {name}}} has no texts: {{case {name} | value: text | else: text}}")
    arms = _Arms(name, var)
    for s, e in segments[1:]:
        arms.read(reader, s, e, depth)
    if var is None or len(segments) == 1:
        return None
    done = arms.otherwise is not None or arms.wrong
    missing = "" if done else _missing(var, {v for _, v in arms.seen})
    if missing:
        reader.error(
            j,
            f"{{case {name}}} has no text for {missing}: add one for each, or an 'else:' text",
        )
    return Switch(name, tuple(arms.cases), arms.otherwise)


@dataclass
class _Arms:
    """The arms of one `{case}` read so far. `wrong`: one was reported, and the values left
    without a text may only be those it misspelt, so they are not listed as missing too."""

    name: str
    var: Variable | None
    cases: list[Case] = field(default_factory=list)
    seen: set[tuple[type, Value]] = field(default_factory=set)
    otherwise: Template | None = None
    wrong: bool = False

    def read(self, reader: TextReader, s: int, e: int, depth: int) -> None:
        colon = reader.colon(s, e)
        if colon is None:
            reader.error(
                reader.skip(s, e),
                f"each text of {{case {self.name}}} follows a value and ':', e.g. "
                "'calm: She smiles.'",
            )
            self.wrong = True
            return
        vs, ve = reader.trim(s, colon)
        label, text = reader.raw[vs:ve], reader.segment((colon + 1, e), depth)
        if label == "else":
            if self.otherwise is not None:
                reader.error(vs, f"{{case {self.name}}} has two 'else:' texts; keep one")
            self.otherwise = text
            return
        value = None if self.var is None else _case_value(reader, self.var, label, vs)
        if value is None:
            self.wrong = True
        elif (type(value), value) in self.seen:
            written = as_written(value)
            reader.error(vs, f"{{case {self.name}}} has two texts for {written}; keep one")
        else:
            self.seen.add((type(value), value))
            self.cases.append(Case(value, text))


def _case_value(reader: TextReader, var: Variable, label: str, at: int) -> Value | None:
    """The value an arm of `{case}` is for, of the variable's type; None once reported."""
    shown = short(label, ascii=True)
    if isinstance(var, Flag):
        if label in _BOOLS:
            return label == "true"
        reader.error(
            at, f"{var.name} is a flag: its texts are for 'true:' and 'false:', not '{shown}:'"
        )
    elif isinstance(var, Counter):
        span = f"{var.minimum} to {var.maximum}"
        if not _NUMBER.match(label):
            reader.error(
                at,
                f"{var.name} is a counter: its texts are for whole numbers ({span}), not '{shown}:'",
            )
        elif var.minimum <= int(label) <= var.maximum:
            return int(label)
        else:
            reader.error(at, f"{label} is outside {var.name}'s range ({span})")
    else:
        value = label[1:-1] if len(label) > 1 and label[0] == label[-1] in "\"'" else label
        if var.accepts(value):
            return value
        reader.error(
            at,
            f"'{short(value, ascii=True)}' is not a value of {var.name} (one of "
            f"{one_of(var.values)})" + did_you_mean(value, var.values),
        )
    return None


def _missing(var: Variable, covered: set[Value]) -> str:
    """The values of `var` no arm of a `{case}` covers, as a message lists them."""
    if isinstance(var, Flag):
        return ", ".join(as_written(v) for v in (True, False) if v not in covered)
    if isinstance(var, Counter):
        pieces, at = [], var.minimum
        numbers = sorted(v for v in covered if isinstance(v, int))
        for number in [*numbers, var.maximum + 1]:
            if number > at:
                pieces.append(str(at) if number == at + 1 else f"{at} to {number - 1}")
            at = number + 1
        return ", ".join(pieces[:12]) + (", ..." if len(pieces) > 12 else "")
    left = tuple(v for v in var.values if v not in covered)
    return one_of(left) if left else ""
