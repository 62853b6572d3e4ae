"""The story as plain JSON and back, for the story cache: a decoder that can build nothing but
the model's own frozen dataclasses, and checks what it builds as the loader would have.

Built from the dataclasses' own type hints, so a field added to the model is cached with no
change here. A dataclass is a JSON list of its fields in order; where a field may hold one of
several dataclasses (a variable, an effect, a condition node), the list starts with the class
name. Tuples are lists, mappings are objects, and bool, int, str and None are themselves. A
condition's compiled test is not stored: it is compiled again from its tree.

`decode` checks every value against its field's declared type, then the story as a whole
(`_sound`: every reference resolves, every condition is typed as the condition parser types
it), and raises `ValueError` for anything else: a cache file can never run code, nor hand the
engine a story that the loader would have refused.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import typing
from collections.abc import Callable, Mapping
from types import MappingProxyType, NoneType, UnionType
from typing import Any

from her_if.core.expr import (
    COMPARE_OPS,
    Arith,
    Compare,
    Evaluator,
    Expr,
    Literal,
    Logic,
    Negate,
    Not,
    Var,
    Visited,
    compile_expr,
)
from her_if.core.model import (
    AddEffect,
    Condition,
    Counter,
    Effect,
    Enum,
    Flag,
    SetEffect,
    Slot,
    Story,
    Template,
    Variable,
)


def encode(story: Story) -> list[Any]:
    """The story as JSON-ready lists, dicts and plain values."""
    encoded: list[Any] = _STORY.encode(story)
    return encoded


def decode(data: object) -> Story:
    """The story `data` holds; ValueError unless it is exactly what `encode` makes of a story
    the loader accepts."""
    try:
        story: Story = _STORY.decode(data)
        _sound(story)
    except Exception as err:  # whatever hand-made data trips over, it is not a story we wrote
        raise ValueError(f"not a cached story ({type(err).__name__})") from None
    finally:
        _compiled_tests.clear()
    return story


# -- the codec -------------------------------------------------------------------------------


class _Bad(Exception):
    """Data that does not have the shape of what we write."""


Decode = Callable[[Any], Any]
Encode = Callable[[Any], Any]

_TRUSTED = frozenset({"her_if.core.model", "her_if.core.expr"})
"""The only modules whose classes an entry may build."""
_PRIMITIVES = frozenset({str, int, bool, NoneType})


def _derived(cls: type) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """Fields that are not stored but rebuilt: a condition's compiled test, from its tree."""
    if cls is Condition:
        return lambda fields: {"test": _compile(fields["tree"])}
    return None


_compiled_tests: dict[Expr, Evaluator] = {}
"""The tests compiled during one `decode`, by tree."""


def _compile(tree: Expr) -> Evaluator:
    """Equal trees share one compiled test (a story repeats its conditions often)."""
    test = _compiled_tests.get(tree)
    if test is None:
        test = _compiled_tests[tree] = compile_expr(tree)
    return test


class _Codec:
    """Both ways between a class and its JSON, each built on first use (a hit encodes
    nothing)."""

    def __init__(self, root: type) -> None:
        self._root = root
        self._decoders: dict[object, Decode] = {}
        self._encoders: dict[object, Encode] = {}

    def decode(self, value: Any) -> Any:
        decode = self._decoders.get(self._root) or self._decoder(self._root)
        return decode(value)

    def encode(self, value: Any) -> Any:
        encode = self._encoders.get(self._root) or self._encoder(self._root)
        return encode(value)

    # decoding: every value is checked against its declared type

    def _decoder(self, tp: Any) -> Decode:
        found = self._decoders.get(tp)
        if found is not None:
            return found
        if tp in _PRIMITIVES:
            return self._union_decoder((tp,))
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (UnionType, typing.Union):
            return self._union_decoder(args)
        if origin is typing.Literal:
            allowed = {(type(a), a) for a in args}

            def literal(value: Any) -> Any:
                if (type(value), value) not in allowed:
                    raise _Bad(value)
                return value

            return literal
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self._decoder(args[0])
            plain = _plain(args[0])

            def sequence(value: Any) -> tuple[Any, ...]:
                if type(value) is not list:
                    raise _Bad(value)
                if set(map(type, value)) <= plain:  # all plain values: nothing to build
                    return tuple(value)
                return tuple([item(x) for x in value])

            return sequence
        if origin is Mapping and args[0] is str:
            entry = self._decoder(args[1])

            def mapping(value: Any) -> Mapping[str, Any]:
                if type(value) is not dict:
                    raise _Bad(value)
                return MappingProxyType({k: entry(v) for k, v in value.items()})

            return mapping
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__module__ in _TRUSTED:
            return self._dataclass_decoder(tp)
        raise TypeError(f"the story cache cannot hold {tp!r}")

    def _union_decoder(self, members: tuple[Any, ...]) -> Decode:
        plain = frozenset(m for m in members if m in _PRIMITIVES)
        classes = [m for m in members if m not in _PRIMITIVES]
        if not classes:

            def primitive(value: Any) -> Any:
                if type(value) not in plain:
                    raise _Bad(value)
                return value

            return primitive
        if len(classes) == 1:
            only = self._decoder(classes[0])
            return lambda value: value if type(value) in plain else only(value)
        tagged = {c.__name__: self._decoder(c) for c in classes}

        def union(value: Any) -> Any:
            if type(value) in plain:
                return value
            if type(value) is not list or not value or type(value[0]) is not str:
                raise _Bad(value)
            decode = tagged.get(value[0])
            if decode is None:
                raise _Bad(value[0])
            return decode(value[1:])

        return union

    def _dataclass_decoder(self, cls: type) -> Decode:
        names: list[str] = []
        shape: list[type | None] = []
        """The type of each field that holds one plain type; None where it needs decoding."""
        nested: list[tuple[int, Decode]] = []
        derive = _derived(cls)

        def decode(value: Any) -> Any:
            # `value` is a list fresh from json.loads: decoded in place
            if type(value) is not list or len(value) != len(shape):
                raise _Bad(value)
            types: list[type | None] = [*map(type, value)]
            for index, field in nested:
                types[index] = None
                value[index] = field(value[index])
            if types != shape:
                raise _Bad(value)
            if derive is None:
                return cls(*value)
            fields = dict(zip(names, value, strict=True))
            return cls(**fields, **derive(fields))

        self._decoders[cls] = decode  # before the fields: a condition node holds nodes
        hints = _hints(cls)
        for field in dataclasses.fields(cls):
            if _is_derived(cls, field.name):
                continue
            tp = hints[field.name]
            names.append(field.name)
            shape.append(tp if tp in (str, int, bool) else None)
            if shape[-1] is None:
                nested.append((len(shape) - 1, self._decoder(tp)))
        return decode

    # encoding: the same shapes, from the objects the loader built

    def _encoder(self, tp: Any) -> Encode:
        found = self._encoders.get(tp)
        if found is not None:
            return found
        if tp in _PRIMITIVES:
            return _same
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (UnionType, typing.Union):
            return self._union_encoder(args)
        if origin is typing.Literal:
            return _same
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self._encoder(args[0])
            return list if item is _same else lambda value: [item(x) for x in value]
        if origin is Mapping and args[0] is str:
            entry = self._encoder(args[1])
            return lambda value: {k: entry(v) for k, v in value.items()}
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__module__ in _TRUSTED:
            return self._dataclass_encoder(tp)
        raise TypeError(f"the story cache cannot hold {tp!r}")

    def _union_encoder(self, members: tuple[Any, ...]) -> Encode:
        classes = [m for m in members if m not in _PRIMITIVES]
        if not classes:
            return _same
        if len(classes) == 1:
            only = self._encoder(classes[0])
            return lambda value: value if type(value) in _PRIMITIVES else only(value)
        tagged = {c: (c.__name__, self._encoder(c)) for c in classes}

        def union(value: Any) -> Any:
            if type(value) in _PRIMITIVES:
                return value
            name, encode = tagged[type(value)]
            return [name, *encode(value)]

        return union

    def _dataclass_encoder(self, cls: type) -> Encode:
        names = [f.name for f in dataclasses.fields(cls) if not _is_derived(cls, f.name)]
        every = operator.attrgetter(*names)  # all the fields at once, in C
        single = len(names) == 1
        nested: list[tuple[int, Encode]] = []
        """The fields that are not plain values as they are: index and encoder."""

        def encode(value: Any) -> list[Any]:
            if type(value) is not cls:
                raise TypeError(f"expected {cls.__name__}, not {type(value).__name__}")
            fields: list[Any] = [every(value)] if single else [*every(value)]
            for index, field in nested:
                fields[index] = field(fields[index])
            return fields

        self._encoders[cls] = encode  # before the fields: a condition node holds nodes
        hints = _hints(cls)
        for index, name in enumerate(names):
            field = self._encoder(hints[name])
            if field is not _same:
                nested.append((index, field))
        return encode


def _plain(tp: Any) -> frozenset[type]:
    """The plain types a value of type `tp` may be as it is, with nothing to decode."""
    if tp in _PRIMITIVES:
        return frozenset({tp})
    if typing.get_origin(tp) in (UnionType, typing.Union):
        return frozenset(m for m in typing.get_args(tp) if m in _PRIMITIVES)
    return frozenset()


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_derived(cls: type, name: str) -> bool:
    return cls is Condition and name == "test"


def _same(value: Any) -> Any:
    return value


_STORY = _Codec(Story)


# -- what the loader would have refused -------------------------------------------------------


def _sound(story: Story) -> None:
    """Raise _Bad unless every reference in the story resolves and every condition is typed
    as the loader types it: the engine trusts a loaded story, and so may it a cached one."""
    scenes, variables = story.scenes, story.variables
    acts = {act.id for act in story.acts}
    beats = {beat.id for beat in story.beats}
    _want(story.start in scenes)
    _want(all(name == var.name for name, var in variables.items()))
    for sid, scene in scenes.items():
        _want(sid == scene.id and scene.act in acts and set(scene.beats) <= beats)
        _want(scene.next is None or scene.next in scenes)
        _effects(scene.effects, variables)
        for paragraph in scene.paragraphs:
            _template(paragraph.text, variables)
            _condition(paragraph.condition, story)
        for choice in scene.choices:
            _want(choice.target in scenes)
            _template(choice.text, variables)
            _condition(choice.condition, story)
            _effects(choice.effects, variables)


def _want(ok: bool) -> None:
    if not ok:
        raise _Bad("unsound")


def _template(template: Template, variables: Mapping[str, Variable]) -> None:
    _want(all(part.name in variables for part in template.parts if type(part) is Slot))


def _effects(effects: tuple[Effect, ...], variables: Mapping[str, Variable]) -> None:
    for effect in effects:
        var = variables.get(effect.name)
        if isinstance(effect, AddEffect):
            _want(isinstance(var, Counter))
        elif isinstance(var, Flag):
            _want(type(effect.value) is bool)
        elif isinstance(var, Counter):
            _want(type(effect.value) is int and var.minimum <= effect.value <= var.maximum)
        else:
            assert isinstance(effect, SetEffect)
            _want(isinstance(var, Enum) and var.accepts(effect.value))


def _condition(condition: Condition | None, story: Story) -> None:
    if condition is not None:
        _want(_type(condition.tree, story) == "bool")


_KIND = {Flag: "bool", Counter: "int", Enum: "str", bool: "bool", int: "int", str: "str"}


def _type(expr: Expr, story: Story) -> str:
    """The type of a condition node, as the condition parser would have typed it."""
    match expr:
        case Literal(value):
            return _KIND[type(value)]
        case Var(name):
            return _KIND[type(story.variables[name])]
        case Visited(scene):
            _want(scene in story.scenes)
            return "bool"
        case Not(operand):
            _want(_type(operand, story) == "bool")
            return "bool"
        case Negate(operand):
            _want(_type(operand, story) == "int")
            return "int"
        case Logic(op, operands):
            _want(op in ("and", "or") and len(operands) >= 2)
            _want(all(_type(o, story) == "bool" for o in operands))
            return "bool"
        case Arith(op, left, right):
            _want(op in ("+", "-") and _type(left, story) == _type(right, story) == "int")
            return "int"
        case Compare(ops, operands):
            types = {_type(o, story) for o in operands}
            _want(len(operands) == len(ops) + 1 >= 2 and len(types) == 1)
            _want(set(ops) <= COMPARE_OPS and (types == {"int"} or set(ops) <= {"==", "!="}))
            return "bool"
    raise _Bad(expr)
