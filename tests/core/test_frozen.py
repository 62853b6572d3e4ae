"""`@frozen` behaves as `dataclass(frozen=True)` does, method by method."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from typing import Any

import pytest

from her_if.core.frozen import frozen


@frozen
class Ours:
    name: str
    count: int = 0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str | None = dataclasses.field(default=None, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class Theirs:
    name: str
    count: int = 0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str | None = dataclasses.field(default=None, compare=False, repr=False)


@frozen(eq=False)
class Identity:
    name: str


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}),
    (("a", 2), {}),
    (("a", 2, ("x",), "n"), {}),
    ((), {"name": "a", "note": "n"}),
    (("a",), {"tags": ("y",), "count": 3}),
]
BAD: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}),
    (("a", 1, (), None, "extra"), {}),
    (("a",), {"name": "b"}),
    (("a",), {"colour": "red"}),
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_it_is_built_compared_hashed_and_shown_as_a_frozen_dataclass_is(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    ours, theirs = Ours(*args, **kwargs), Theirs(*args, **kwargs)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert repr(ours).replace("Ours", "Theirs") == repr(theirs)
    assert hash(ours) == hash(Ours(*args, **kwargs)) and ours == Ours(*args, **kwargs)
    assert ours == dataclasses.replace(ours, note="other")  # not compared, as declared
    assert ours != dataclasses.replace(ours, count=ours.count + 1)
    assert ours != theirs  # type: ignore[comparison-overlap]  # another class: never equal


@pytest.mark.parametrize(("args", "kwargs"), BAD)
def test_it_refuses_the_calls_a_frozen_dataclass_refuses(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        Ours(*args, **kwargs)
    with pytest.raises(TypeError):
        Theirs(*args, **kwargs)


@pytest.mark.parametrize(
    "change",
    [lambda o: setattr(o, "name", "b"), lambda o: delattr(o, "name")],
    ids=["assign", "delete"],
)
def test_it_cannot_be_changed(change: Callable[[Ours], None]) -> None:
    ours = Ours("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        change(ours)
    assert ours.name == "a"


def test_defaults_and_the_dataclass_helpers_work() -> None:
    assert Ours("a").tags == ()
    assert [f.name for f in dataclasses.fields(Ours)] == ["name", "count", "tags", "note"]
    assert Ours.__match_args__ == ("name", "count", "tags", "note")
    assert dataclasses.asdict(Ours("a", 1)) == {"name": "a", "count": 1, "tags": (), "note": None}
    assert dataclasses.is_dataclass(Ours)


def test_eq_false_keeps_identity() -> None:
    one, other = Identity("a"), Identity("a")
    assert one != other and one == one and len({one, other}) == 2


@frozen
class Derived(Ours):
    extra: int = 1


def test_a_subclass_has_its_bases_fields_first() -> None:
    assert [f.name for f in dataclasses.fields(Derived)] == [
        "name",
        "count",
        "tags",
        "note",
        "extra",
    ]
    assert Derived("a", extra=2) == Derived("a", 0, (), None, 2) != Derived("a")
    assert Derived("a") != Ours("a")


def test_what_a_dataclass_would_refuse_is_refused() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @frozen
        class Mutable:
            items: list[int] = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(TypeError, match="follows default"):

        @frozen
        class Order:
            first: int = 0
            second: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="ClassVar"):

        @frozen
        class Shared:
            every: typing.ClassVar[int] = 0
