"""The language server is optional: pygls and lsprotocol come with the `lsp` extra, so only
`her_if.lsp` may import them, the game and `check` run in an environment without them, and
`her-if lsp` there says how to install them instead of failing with a traceback."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import her_if
from tests.conftest import ROOT, WriteStory

PACKAGE = Path(her_if.__file__).resolve().parent
OPTIONAL = ("pygls", "lsprotocol")

# Run a command as if pygls and lsprotocol were not installed: a finder first on the path that
# refuses them, as a missing distribution would.
WITHOUT = """\
import sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pygls", "lsprotocol"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
import importlib.util
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name.split(".")[0] in ("pygls", "lsprotocol") else real(name, *a)
from her_if.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print("loaded:", sorted(m for m in sys.modules if m.split(".")[0] in ("pygls", "lsprotocol", "her_if") and (m.startswith(("pygls", "lsprotocol", "her_if.lsp")))), file=sys.stderr)
sys.exit(code)
"""


def _without_lsp(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def _third_party(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_lsp_package_imports_pygls_or_lsprotocol() -> None:
    outside = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "lsp" not in path.relative_to(PACKAGE).parts[:1] and _third_party(path) & set(OPTIONAL)
    ]
    assert outside == []
    # and the scan sees such an import where there is one (inside a function too)
    assert {"pygls"} <= _third_party(PACKAGE / "lsp" / "server.py")


def test_the_game_and_check_run_without_pygls(write_story: WriteStory) -> None:
    story = str(write_story())
    for args, stdin in (
        (["check", "--story", story], ""),
        (["playtest", "--story", story], ""),
        (["play", "--story", story], "1\nquit\n"),
    ):
        done = _without_lsp(args, stdin)
        assert done.returncode == 0, (args, done.stderr)
        assert "loaded: []" in done.stderr, (args, done.stderr)


def test_lsp_without_pygls_says_how_to_install_it() -> None:
    done = _without_lsp(["lsp"])
    assert done.returncode == 2
    assert "pip install 'her-if[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr
