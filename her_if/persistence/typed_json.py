"""Frozen dataclasses as plain JSON and back, built from their own type hints.

A dataclass is a JSON list of its fields in order; where a field may hold one of several
dataclasses (a variable, an effect, a condition node), the list starts with the class name.
Tuples are lists, `Mapping[str, ...]` objects, and bool, int, str and None themselves; a
`Literal[...]` field holds one of its values. Decoding checks every value against its field's
declared type and builds nothing but the dataclasses of the modules it is told to trust, so
JSON from anywhere can never run code: the story cache's codec (`story_codec`) rests on it.
A field whose type is none of these is refused when the codec is built (TypeError), never
guessed at.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import operator
import sys
import typing
from collections.abc import Callable, Mapping
from types import MappingProxyType, ModuleType, NoneType, UnionType
from typing import Any

from her_if.core.errors import StorageError


class Bad(StorageError):
    """Data that does not have the shape of what we write."""


Decode = Callable[[Any], Any]
Encode = Callable[[Any], Any]
Derived = Mapping[tuple[type, str], Callable[[dict[str, Any]], Any]]
"""Fields that are not stored but rebuilt on decoding, by (class, field name): each from the
class's stored fields, by name."""

_PRIMITIVES = frozenset({str, int, bool, NoneType})


class Codec:
    """Both ways between `root` (and every class its fields hold) and JSON, each built on
    first use (a cache hit encodes nothing). Only dataclasses of the `trusted` modules are
    built; `derived` fields are left out of the JSON and rebuilt."""

    def __init__(self, root: type, trusted: frozenset[str], derived: Derived) -> None:
        self._root = root
        self._trusted = trusted
        self._derived = derived
        self._decoders: dict[object, Decode] = {}
        self._encoders: dict[object, Encode] = {}

    def decode(self, value: Any, tp: Any = None) -> Any:
        """`value` as the root class, or as `tp`, any type the root's fields hold."""
        tp = self._root if tp is None else tp
        decode = self._decoders.get(tp) or self._decoder(tp)
        return decode(value)

    def encode(self, value: Any, tp: Any = None) -> Any:
        tp = self._root if tp is None else tp
        encode = self._encoders.get(tp) or self._encoder(tp)
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
                    raise Bad(value)
                return value

            return literal
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self._decoder(args[0])
            plain = _plain(args[0])

            def sequence(value: Any) -> tuple[Any, ...]:
                if type(value) is not list:
                    raise Bad(value)
                if set(map(type, value)) <= plain:  # all plain values: nothing to build
                    return tuple(value)
                return tuple([item(x) for x in value])

            return sequence
        if origin is Mapping and args[0] is str:
            entry = self._decoder(args[1])

            def mapping(value: Any) -> Mapping[str, Any]:
                if type(value) is not dict:
                    raise Bad(value)
                return MappingProxyType({k: entry(v) for k, v in value.items()})

            return mapping
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__module__ in self._trusted:
            return self._dataclass_decoder(tp)
        raise TypeError(f"no JSON shape for {tp!r}")

    def _union_decoder(self, members: tuple[Any, ...]) -> Decode:
        plain = frozenset(m for m in members if m in _PRIMITIVES)
        classes = [m for m in members if m not in _PRIMITIVES]
        if not classes:

            def primitive(value: Any) -> Any:
                if type(value) not in plain:
                    raise Bad(value)
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
                raise Bad(value)
            decode = tagged.get(value[0])
            if decode is None:
                raise Bad(value[0])
            return decode(value[1:])

        return union

    def _dataclass_decoder(self, cls: type) -> Decode:
        names: list[str] = []
        shape: list[type | None] = []
        """The type of each field that holds one plain type; None where it needs decoding."""
        nested: list[tuple[int, Decode]] = []
        derive = {name: make for (owner, name), make in self._derived.items() if owner is cls}

        def decode(value: Any) -> Any:
            # `value` is a list fresh from json.loads: decoded in place
            if type(value) is not list or len(value) != len(shape):
                raise Bad(value)
            types: list[type | None] = [*map(type, value)]
            for index, field in nested:
                types[index] = None
                value[index] = field(value[index])
            if types != shape:
                raise Bad(value)
            if not derive:
                return cls(*value)
            fields = dict(zip(names, value, strict=True))
            return cls(**fields, **{name: make(fields) for name, make in derive.items()})

        self._decoders[cls] = decode  # before the fields: a condition node holds nodes
        hints = _hints(cls)
        for field in dataclasses.fields(cls):
            if (cls, field.name) in self._derived:
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
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__module__ in self._trusted:
            return self._dataclass_encoder(tp)
        raise TypeError(f"no JSON shape for {tp!r}")

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
        names = [f.name for f in dataclasses.fields(cls) if (cls, f.name) not in self._derived]
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
    """`typing.get_type_hints(cls)`, for classes whose annotations are strings of their own
    module's names (`from __future__ import annotations`): each string read once per module,
    by `_typed`, which only looks names up, subscripts and unions them. `get_type_hints`
    evaluates a ForwardRef for every field, and was a third of a cache hit's time."""
    found: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        module = sys.modules[base.__module__]
        for name, text in base.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            found[name] = _evaluated(text, module) if isinstance(text, str) else text
    return found


@functools.cache
def _evaluated(text: str, module: ModuleType) -> Any:
    value = _typed(ast.parse(text, mode="eval").body, vars(module))
    return NoneType if value is None else value


def _typed(node: ast.expr, names: dict[str, Any]) -> Any:
    """The type an annotation's syntax tree stands for: names (the module's, then builtins),
    `a.b`, `X[...]`, `X | Y`, and the constants and lists inside brackets; nothing runs."""
    if isinstance(node, ast.Name):
        return names[node.id] if node.id in names else getattr(builtins, node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_typed(node.value, names), node.attr)
    if isinstance(node, ast.Subscript):
        return _typed(node.value, names)[_typed(node.slice, names)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _typed(node.left, names) | _typed(node.right, names)
    if isinstance(node, ast.Tuple):
        return tuple(_typed(item, names) for item in node.elts)
    if isinstance(node, ast.List):
        return [_typed(item, names) for item in node.elts]
    if isinstance(node, ast.Constant):
        return node.value
    raise TypeError(f"no type for annotation {ast.unparse(node)!r}")


def _same(value: Any) -> Any:
    return value
