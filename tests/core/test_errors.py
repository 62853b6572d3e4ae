"""One exception base, and one place that tells errors.

Every public exception class of the package derives from `HerIfError` (or is a signal the tree
names as not an error), and the tree drawn in `her_if/core/errors.py` names each one with the
module it lives in and the class it derives from: a new exception without the base, or left
out of the tree, fails here. The command line turns each error into its message and exit
status in `her_if.cli.errors`, and dispatches every command from `her_if.cli.HANDLERS`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import her_if
from her_if.cli import HANDLERS, handler
from her_if.cli.errors import CommandError, tell, told_for
from her_if.cli.parser import COMMANDS
from her_if.core import errors
from her_if.core.errors import HerIfError
from her_if.loading.diagnostics import Diagnostic, StoryError

_LINE = re.compile(r"^    (?P<indent> *)(?P<name>[A-Z]\w*)\s+(?P<text>.*)$")
_HOME = re.compile(r"^(?P<module>[a-z_]+(?:\.[a-z_]+)+): ")


@dataclass(frozen=True)
class Drawn:
    """One class as the tree draws it."""

    qualified: str
    """`her_if.<module>.<Name>`: a leaf names its module; the others live in core.errors."""
    parent: str | None
    """The qualified name of the class drawn above it (None at the root, or for a signal)."""


def drawn() -> dict[str, Drawn]:
    """Every class the docstring's indented blocks name, by qualified name."""
    found: dict[str, Drawn] = {}
    above: list[str] = []  # the chain of classes over the current line, by depth
    for line in (errors.__doc__ or "").splitlines():
        match = _LINE.match(line)
        if match is None:
            above = [] if line.strip() else above
            continue
        home = _HOME.match(match["text"])
        module = f"her_if.{home['module']}" if home else "her_if.core.errors"
        qualified = f"{module}.{match['name']}"
        depth = len(match["indent"]) // 2
        above = [*above[:depth], qualified]
        found[qualified] = Drawn(qualified, above[depth - 1] if depth else None)
    return found


def public_exceptions() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module of the package whose name is not private,
    by qualified name: found by importing every module, so none is left out by hand."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(her_if.__path__, "her_if."):
        if info.name == "her_if.__main__":  # importing it runs the command
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
                and not name.startswith("_")
            ):
                found[f"{info.name}.{name}"] = value
    return found


def test_the_walk_and_the_tree_find_what_is_known_to_be_there() -> None:
    """Both helpers below can fail: neither finds nothing."""
    found, tree = public_exceptions(), drawn()
    for name in (
        "her_if.core.errors.HerIfError",
        "her_if.loading.diagnostics.StoryError",
        "her_if.play.hangup.Hangup",
        "her_if.cli.errors.CommandError",
    ):
        assert name in found and name in tree
    assert tree["her_if.persistence.folder_lock.Busy"].parent == "her_if.core.errors.StorageError"
    assert tree["her_if.play.hangup.Hangup"].parent is None


def test_every_public_exception_derives_from_the_base() -> None:
    """A signal (a BaseException that is not an Exception, as Hangup is) is the one kind
    allowed outside; every error is a HerIfError."""
    outside = [
        name
        for name, kind in public_exceptions().items()
        if issubclass(kind, Exception) and not issubclass(kind, HerIfError)
    ]
    assert outside == []


def test_the_tree_names_every_public_exception_where_it_lives() -> None:
    assert sorted(drawn()) == sorted(public_exceptions())


def test_the_tree_draws_each_class_under_the_one_it_derives_from() -> None:
    found = public_exceptions()
    wrong = []
    for name, place in drawn().items():
        kind = found.get(name)
        if kind is None:
            continue  # the test above names it
        ours = [base for base in kind.__bases__ if issubclass(base, HerIfError)]
        parent = found.get(place.parent) if place.parent else None
        if ours != ([parent] if parent else []):
            wrong.append(f"{name}: drawn under {place.parent}, derives from {kind.__bases__}")
    assert wrong == []


def test_the_standard_bases_callers_catch_are_kept() -> None:
    from her_if.core.engine import ChoiceError
    from her_if.loading.conditions import ConditionError
    from her_if.play.hangup import Hangup
    from her_if.play.streams import StreamLost

    assert issubclass(ChoiceError, ValueError) and issubclass(ConditionError, ValueError)
    assert issubclass(StreamLost, OSError)
    assert not issubclass(Hangup, Exception)


# -- the command line's one place ------------------------------------------------------------


def test_every_command_has_a_handler_in_the_table() -> None:
    assert sorted(HANDLERS) == sorted(COMMANDS)
    for command in COMMANDS:  # each names a function that is there, as the table is read late
        assert callable(handler(command)), command


def test_each_error_is_told_with_its_message_and_status() -> None:
    from her_if.authoring.new_scene import NewSceneError
    from her_if.core.model import Position
    from her_if.persistence.saves import SaveError

    problem = Diagnostic(Position("act.yaml", 3, 5), "no such scene")
    cases = {
        StoryError([problem]): ("act.yaml:3:5: no such scene\n1 error", 2),
        SaveError("saves/a.json: cut short"): ("her-if: saves/a.json: cut short", 2),
        NewSceneError("no act 'x'"): ("her-if: new-scene: no act 'x'", 2),
        CommandError("--random needs a number"): ("her-if: --random needs a number", 2),
        HerIfError("anything else"): ("her-if: anything else", 2),
        KeyboardInterrupt(): ("\nInterrupted.", 130),
    }
    for err, expected in cases.items():
        told = told_for(err)
        assert (told.text, told.status) == expected, type(err).__name__


def test_what_is_told_is_cleaned_at_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    """A name as typed may carry escapes: the message is cleaned where it is printed, and a
    message wrapped around a path is cleaned the same way, path and all."""
    assert tell(CommandError("--story x\x1b]0;owned\x07y: not a folder")) == 2
    assert capsys.readouterr().err == "her-if: --story xy: not a folder\n"
    folder = str(Path("saves\x1b[2J", "deep"))
    assert tell(CommandError(f"--saves {folder}: cannot be made", keep=folder)) == 2
    assert capsys.readouterr().err == "her-if: --saves saves/deep: cannot be made\n"
