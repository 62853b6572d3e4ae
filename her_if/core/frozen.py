"""`@frozen`: a frozen dataclass whose methods cost nothing to make.

`dataclass(frozen=True)` writes the source of six methods for every class and compiles each
with `exec`: about half a millisecond a class, and a game that starts by importing eighty of
them spends some forty milliseconds on it, a third of a cold start, before a word is shown.
`@frozen` lets `dataclasses` find the fields as ever (so `fields`, `replace`, `asdict` and
`is_dataclass` work, and the story codec reads the same type hints), asks it for no generated
method, and gives the class methods made from closures instead, with the same behaviour:

- `__init__` takes the fields by position or by name, with their defaults and factories,
  and refuses a missing, unknown or doubled one with a TypeError, as the generated one does;
- `__eq__` and `__hash__` compare the fields with `compare=True`, as a tuple, and only
  between instances of the same class (`eq=False` keeps identity, as for a dataclass);
- `__repr__` shows the fields with `repr=True`;
- assigning or deleting an attribute raises `dataclasses.FrozenInstanceError`.

Type checkers see a frozen dataclass (`typing.dataclass_transform`).
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
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    every = dataclasses.fields(cls)
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


def _init(name: str, names: tuple[str, ...], every: tuple[dataclasses.Field[Any], ...]) -> Any:
    count = len(names)
    known = frozenset(names)
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for f in every:
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            factories[f.name] = f.default_factory

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if not kwargs and len(args) == count:
            self.__dict__.update(zip(names, args, strict=True))
            return
        if len(args) > count:
            raise TypeError(f"{name}() takes {count} arguments but {len(args)} were given")
        values = dict(zip(names, args, strict=False))
        for key in kwargs:
            if key in values:
                raise TypeError(f"{name}() got multiple values for argument '{key}'")
            if key not in known:
                raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
        values.update(kwargs)
        if len(values) < count:
            for field_name in names:
                if field_name in values:
                    continue
                if field_name in defaults:
                    values[field_name] = defaults[field_name]
                elif field_name in factories:
                    values[field_name] = factories[field_name]()
                else:
                    raise TypeError(f"{name}() missing required argument: '{field_name}'")
        self.__dict__.update((n, values[n]) for n in names)

    return __init__


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
