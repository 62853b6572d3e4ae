"""The package's layers point one way: a module may import its own package and the layers below
it, never one above. Deferred imports (inside a function) count too, since they are the ones a
refactoring forgets. The order is `her_if.LAYERS`, written once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import her_if
from her_if import _HOMES, LAYERS

PACKAGE = Path(her_if.__file__).resolve().parent


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    """The rank of the deepest layer that `module` is in (her_if.play.tui is above her_if.play)."""
    best = len(LAYERS)  # the top: her_if itself, the command line
    for rank, layer in enumerate(LAYERS):
        if module == layer or module.startswith(layer + "."):
            best = rank
    return best


def _imports(source: str, here: str, is_package: bool) -> list[tuple[int, str]]:
    """Every her_if module the source of module `here` imports, with the line, wherever in the
    file the import is (inside a function or under TYPE_CHECKING as much as at the top)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("her_if")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split(".")
                base = parts[: len(parts) - node.level + is_package]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module == "her_if":  # the package itself loads nothing; what it re-exports does
                found += [(node.lineno, _HOMES.get(a.name, f"her_if.{a.name}")) for a in node.names]
            elif module.startswith("her_if"):
                found.append((node.lineno, module))
                # `from her_if.core import engine` imports her_if.core.engine
                found += [(node.lineno, f"{module}.{a.name}") for a in node.names]
    return found


def _upward(source: str, here: str, is_package: bool = False) -> list[str]:
    rank = _layer(here)
    return [
        f"line {line}: {here} imports {module}, from a layer above its own"
        for line, module in _imports(source, here, is_package)
        if _layer(module) > rank and _is_module(module)
    ]


def test_every_layer_exists() -> None:
    for layer in LAYERS:
        assert (PACKAGE.parent / layer.replace(".", "/") / "__init__.py").is_file(), layer


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    wrong = _upward(path.read_text(), _name(path), path.stem == "__init__")
    assert not wrong, f"{path.relative_to(PACKAGE.parent)}:\n" + "\n".join(wrong)


def _is_module(module: str) -> bool:
    """`from her_if.core.engine import View` names a class, not a module: only real modules and
    packages are judged (the module they come from already was)."""
    path = PACKAGE.parent / module.replace(".", "/")
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def test_an_upward_import_is_caught_even_when_deferred() -> None:
    """The test above can fail: a core module that reaches up into play, in a function body or
    by a relative import, is named with its line; the same import from the play layer is fine."""
    deferred = "def f():\n    from her_if.play import session\n"
    assert _upward(deferred, "her_if.core.engine") == [
        "line 2: her_if.core.engine imports her_if.play, from a layer above its own",
        "line 2: her_if.core.engine imports her_if.play.session, from a layer above its own",
    ]
    relative = "import os\nfrom ..play.tui import menu\n"
    assert _upward(relative, "her_if.core.engine") == [
        "line 2: her_if.core.engine imports her_if.play.tui, from a layer above its own",
        "line 2: her_if.core.engine imports her_if.play.tui.menu, from a layer above its own",
    ]
    assert _upward(deferred, "her_if.play.piped") == []
    assert _upward("from her_if import __version__\n", "her_if.core.engine") == []
    assert _upward("from her_if import load_story\n", "her_if.core.engine") == [
        "line 1: her_if.core.engine imports her_if.loading.loader, from a layer above its own"
    ]
    assert _upward("import her_if.cli\n", "her_if.play.tui.menu") != []
    assert _layer("her_if.play.tui.menu") > _layer("her_if.play.piped") > _layer("her_if.core")
