"""`@frozen`: a frozen dataclass whose methods cost nothing to make.

`dataclass(frozen=True)` writes the source of six methods for every class and compiles each
with `exec`, and reads every string annotation with regular expressions: about half a
millisecond a class, and a game that starts by importing eighty of them spent some forty
milliseconds on it, a third of a cold start, before a word was shown. `@frozen` records the
fields where `dataclasses` looks for them (so `fields`, `replace`, `asdict` and `is_dataclass`
work, and the story codec reads the same type hints) and gives the class methods made from
closures instead, with the same behaviour:

- `__init__` takes the fields by position or by name, with their defaults and factories,
  and refuses a missing, unknown or doubled one with a TypeError, as the generated one does;
- `__eq__` and `__hash__` compare the fields with `compare=True`, as a tuple, and only
  between instances of the same class (`eq=False` keeps identity, as for a dataclass);
- `__repr__` shows the fields with `repr=True`;
- assigning or deleting an attribute raises `dataclasses.FrozenInstanceError`.

Type checkers see a frozen dataclass (`typing.dataclass_transform`). `tests/core/test_frozen.py`
holds each method to `dataclass(frozen=True)`'s, so a Python whose `dataclasses` changed
shape fails there first.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T", bound=type)


@overload
def frozen(cls: T, /) -> T: ...
@overload
def frozen(*, eq: bool = True) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: Any = None, /, *, eq: bool = True) -> Any:
    """The class as a frozen dataclass (see the module's docstring)."""
    if cls is None:
        return lambda c: _make(c, eq)
    return _make(cls, eq)


def _make(cls: type, eq: bool) -> type:
    every = _fields(cls)
    names = tuple(f.name for f in every if f.init)
    cls.__init__ = _init(cls.__name__, names, every)  # type: ignore[misc]
    shown = [f.name for f in every if f.repr]
    cls.__repr__ = _repr(cls.__qualname__, shown)  # type: ignore[method-assign, assignment]
    if eq:
        compared = [f.name for f in every if f.compare]
        cls.__eq__, cls.__hash__ = _eq_and_hash(compared)  # type: ignore[method-assign]
    cls.__setattr__ = _refuse_set  # type: ignore[method-assign, assignment]
    cls.__delattr__ = _refuse_delete  # type: ignore[method-assign, assignment]
    return cls


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The class's fields, its bases' first, recorded where `dataclasses` looks for them.

    `dataclasses.dataclass` would do this too, but it inspects every string annotation with
    regular expressions (for `ClassVar` and `InitVar`) and costs a quarter of a millisecond a
    class; here a field is an annotation, with its default or its `field(...)`, and nothing
    else is allowed (a `ClassVar` or an `InitVar` wants `dataclass` itself)."""
    found: dict[str, dataclasses.Field[Any]] = {}
    for base in cls.__mro__[-1:0:-1]:
        found.update(getattr(base, "__dataclass_fields__", {}))
    defaulted = False
    for name, kind in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 - own only
        if "ClassVar" in str(kind) or "InitVar" in str(kind):
            raise TypeError(f"{cls.__name__}.{name}: @frozen has no ClassVar or InitVar")
        default = cls.__dict__.get(name, dataclasses.MISSING)
        made = (
            default
            if isinstance(default, dataclasses.Field)
            else dataclasses.field(default=default)
        )
        if made.default is not dataclasses.MISSING and made.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(made.default)} for field {name}")
        has_default = not (
            made.default is dataclasses.MISSING and made.default_factory is dataclasses.MISSING
        )
        if defaulted and not has_default:
            raise TypeError(f"{cls.__name__}: non-default argument '{name}' follows default")
        defaulted = defaulted or has_default
        made.name, made.type = name, kind
        made._field_type = dataclasses._FIELD  # type: ignore[attr-defined, union-attr]  # what fields() lists
        found[name] = made
        if isinstance(default, dataclasses.Field):
            if made.default is dataclasses.MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, made.default)
    cls.__dataclass_fields__ = found  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(name for name, f in found.items() if f.init)  # type: ignore[attr-defined, misc]
    return tuple(found.values())


def _init(name: str, names: tuple[str, ...], every: tuple[dataclasses.Field[Any], ...]) -> Any:
    count = len(names)
    known = frozenset(names)
    prefixes = [frozenset(names[:n]) for n in range(count + 1)]
    tails: dict[int, dict[str, Any]] = {}
    """By how many fields are given by position: the defaults of all the others, where
    every one of them has a plain default."""
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for f in every:
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            factories[f.name] = f.default_factory
    for given in range(count, -1, -1):
        rest = names[given:]
        if not all(n in defaults for n in rest):
            break
        tails[given] = {n: defaults[n] for n in rest}

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # the loader builds hundreds of thousands of these: each path is a few dict
        # operations in C, the commonest first (every field by position, or every one by name)
        if args:
            tail = None if kwargs else tails.get(len(args))
            if tail is not None:  # the first fields by position, the rest their defaults
                fields = self.__dict__
                fields.update(zip(names, args, strict=False))
                fields.update(tail)
                return
            if len(args) > count:
                raise TypeError(f"{name}() takes {count} arguments but {len(args)} were given")
            if not prefixes[len(args)].isdisjoint(kwargs):
                twice = next(k for k in names[: len(args)] if k in kwargs)
                raise TypeError(f"{name}() got multiple values for argument '{twice}'")
            kwargs.update(zip(names, args, strict=False))  # a dict of this call's own
        if len(kwargs) != count or kwargs.keys() != known:
            kwargs = {**defaults, **kwargs}
            for field_name, factory in factories.items():
                if field_name not in kwargs:
                    kwargs[field_name] = factory()
            if kwargs.keys() != known:
                _refuse(name, names, kwargs)
        self.__dict__.update(kwargs)

    return __init__


def _refuse(name: str, names: tuple[str, ...], given: dict[str, Any]) -> None:
    unknown = [key for key in given if key not in names]
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument '{unknown[0]}'")
    missing = next(n for n in names if n not in given)
    raise TypeError(f"{name}() missing required argument: '{missing}'")


def _repr(name: str, shown: list[str]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{name}({fields})"

    return __repr__


def _eq_and_hash(compared: list[str]) -> tuple[Any, Any]:
    if compared:
        getter = operator.attrgetter(*compared)
        key: Callable[[Any], Any] = getter if len(compared) > 1 else (lambda o: (getter(o),))
    else:
        key = lambda o: ()  # noqa: E731 - every instance of a class with no fields is equal

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(key(self) == key(other))

    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __eq__, __hash__


def _refuse_set(self: Any, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field '{name}'")


def _refuse_delete(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field '{name}'")
