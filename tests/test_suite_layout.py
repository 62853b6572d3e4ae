"""The suite's own shape: a test module imports from no other test module (what two of them
share lives in tests/support/), a fixture that three test modules would each define lives once
in tests/conftest.py, and a helper is not written out again, word for word, in three modules.

Read from the source, as tests/test_layers.py reads the package: deferred imports (inside a
function) count too.
"""

from __future__ import annotations

import ast
import textwrap
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

TESTS = ROOT / "tests"
MOST = 2
"""How many test modules may define the same fixture, or write out the same helper."""


def modules() -> dict[str, ast.Module]:
    """Every Python module of the suite, by its path below tests/, parsed."""
    return {
        path.relative_to(TESTS).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(TESTS.rglob("*.py"))
    }


def is_test_module(name: str) -> bool:
    return Path(name).name.startswith("test_")


def imported_test_modules(tree: ast.Module) -> list[str]:
    """The test modules `tree` imports from, wherever the import stands: `tests.test_x`,
    `from tests import test_x`, `from .test_x import ...` (and the like below sub-folders)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if names_a_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if names_a_test_module(module):
                found.append(module)
            elif node.module is None or node.module.split(".")[0] == "tests":
                prefix = module if module.endswith(".") else module + "."
                found += [prefix + a.name for a in node.names if a.name.startswith("test_")]
    return found


def names_a_test_module(module: str) -> bool:
    parts = module.lstrip(".").split(".")
    in_tests = module.startswith(".") or parts[0] == "tests"
    return in_tests and any(part.startswith("test_") for part in parts)


def is_fixture(node: ast.FunctionDef) -> bool:
    """Decorated `@pytest.fixture`, `@pytest.fixture(...)` or `@fixture(...)`."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ("pytest.fixture", "fixture"):
            return True
    return False


def definitions(tree: ast.Module) -> list[ast.FunctionDef]:
    """The functions a module defines at its top level and in its classes."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found += [item for item in node.body if isinstance(item, ast.FunctionDef)]
    return found


def fixtures_defined(tree: ast.Module) -> set[str]:
    return {node.name for node in definitions(tree) if is_fixture(node)}


def helper_bodies(tree: ast.Module) -> dict[str, str]:
    """Each top-level helper (neither a test nor a fixture) as its name -> what it is, to the
    letter: its arguments, return type and body, docstring aside."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("test_"):
            continue
        if is_fixture(node):
            continue
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        returns = ast.dump(node.returns) if node.returns is not None else ""
        found[node.name] = ast.dump(node.args) + returns + "".join(ast.dump(s) for s in body)
    return found


def crowded(defined: dict[str, set[str]]) -> dict[str, list[str]]:
    """What more than MOST modules define: thing -> the modules, sorted."""
    return {thing: sorted(where) for thing, where in defined.items() if len(where) > MOST}


# -- the suite ---------------------------------------------------------------------------------


def test_no_module_imports_from_a_test_module() -> None:
    found = {name: imported_test_modules(tree) for name, tree in modules().items()}
    assert {name: imported for name, imported in found.items() if imported} == {}, (
        "move what is shared into tests/support/"
    )


def test_no_fixture_is_defined_in_three_test_modules() -> None:
    defined: dict[str, set[str]] = defaultdict(set)
    for name, tree in modules().items():
        if is_test_module(name):
            for fixture in fixtures_defined(tree):
                defined[fixture].add(name)
    assert crowded(defined) == {}, "define it once, in tests/conftest.py"


def test_no_helper_is_written_out_in_three_modules() -> None:
    defined: dict[str, set[str]] = defaultdict(set)
    for name, tree in modules().items():
        for helper, body in helper_bodies(tree).items():
            defined[body].add(f"{name}::{helper}")
    assert list(crowded(defined).values()) == [], "write it once, in tests/support/"


def test_the_suite_is_read_whole() -> None:
    """The rules above see the support package, conftest and the test modules."""
    names = set(modules())
    assert {"conftest.py", "support/__init__.py", "support/cli.py"} <= names
    assert sum(is_test_module(name) for name in names) >= 50


# -- the rules catch what they are for -----------------------------------------------------------


def parsed(source: str) -> ast.Module:
    return ast.parse(textwrap.dedent(source))


def test_every_way_of_importing_a_test_module_is_found() -> None:
    tree = parsed(
        """
        import tests.test_cli
        from tests.test_saves import play
        from tests import conftest, test_pty
        from .test_reload import WITH_PORCH
        from . import test_plain
        from tests.play.test_tui import keys

        def later():
            from tests.test_signals import her_if
        """
    )
    assert imported_test_modules(tree) == [
        "tests.test_cli",
        "tests.test_saves",
        "tests.test_pty",
        ".test_reload",
        ".test_plain",
        "tests.play.test_tui",
        "tests.test_signals",
    ]


def test_support_conftest_and_the_package_are_not_test_modules() -> None:
    tree = parsed(
        """
        import tests.conftest
        from tests.conftest import ROOT
        from tests.support.cli import run_cli
        from tests import support
        from her_if.analysis import test_data
        import test_helpers
        """
    )
    assert imported_test_modules(tree) == []


def test_fixtures_are_found_however_they_are_decorated() -> None:
    tree = parsed(
        """
        import pytest
        from pytest import fixture

        @pytest.fixture
        def tiny(): ...

        @pytest.fixture(scope="module")
        def shipped(): ...

        @fixture(autouse=True)
        def folder(): ...

        class TestIt:
            @pytest.fixture
            def game(self): ...

        def helper(): ...

        @pytest.mark.slow
        def test_it(): ...
        """
    )
    assert fixtures_defined(tree) == {"tiny", "shipped", "folder", "game"}


def test_a_fixture_in_three_modules_is_crowded_and_in_two_is_not() -> None:
    assert crowded({"tiny": {"a.py", "b.py", "c.py"}, "story": {"a.py", "b.py"}}) == {
        "tiny": ["a.py", "b.py", "c.py"]
    }


def starting_then(name: str, pick: str, docstring: str = "") -> dict[str, str]:
    """The helpers of a module that defines `name`: start a story, then choose `pick` for
    each choice given."""
    said = [f'    """{docstring}"""'] if docstring else []
    lines = [f"def {name}(story, *choices):", *said, "    state = start(story)"]
    lines += ["    for choice in choices:", f"        state = choose(story, state, {pick})"]
    return helper_bodies(ast.parse("\n".join([*lines, "    return state", ""])))


def test_a_helper_is_the_same_whatever_its_name_and_docstring_and_not_when_it_differs() -> None:
    play = starting_then("play", "choice", docstring="Start, then choose.")["play"]
    assert play == starting_then("played", "choice")["played"]
    assert play != starting_then("play", '"continue"')["play"]
