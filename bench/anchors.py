"""The anchor runtimes, inkjs (npm) and bink (PyPI), found where the README says to install
them, and run through the scripts in the anchors folder (../shared/bench-anchors).

They are yardsticks, never dependencies: when one is missing the harness says how to install
it, outside the repository, and goes on with our figures alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.convert import anchors_dir
from bench.measure import Run, run

INKJS_VERSION = "2.4.0"
BINK_VERSION = "0.7.1"
INSTALL = {
    "inkjs": f"mkdir -p /tmp/inkbench && cd /tmp/inkbench && npm init -y && "
    f"npm install inkjs@{INKJS_VERSION}   (or set INKJS_DIR to where it is installed)",
    "bink": f"python3 -m venv /tmp/binkvenv && /tmp/binkvenv/bin/pip install "
    f"bink=={BINK_VERSION}   (or set BINK_PYTHON to a python that has it)",
}


@dataclass(frozen=True)
class Anchors:
    node: str | None
    """node, when inkjs is installed where ink_bench.js looks (INKJS_DIR)."""
    bink_python: str | None
    """A python with bink importable."""
    missing: tuple[str, ...]

    @property
    def inkjs(self) -> bool:
        return self.node is not None

    @property
    def bink(self) -> bool:
        return self.bink_python is not None


def find(use: bool = True) -> Anchors:
    if not use:
        return Anchors(None, None, ())
    missing = []
    node: str | None = shutil.which("node")
    inkjs_dir = Path(os.environ.get("INKJS_DIR") or "/tmp/inkbench")
    if node is None or not (inkjs_dir / "node_modules" / "inkjs").is_dir():
        node = None
        missing.append("inkjs")
    bink_python: str | None = os.environ.get("BINK_PYTHON") or "/tmp/binkvenv/bin/python"
    if bink_python is None or not _has_bink(bink_python):
        bink_python = None
        missing.append("bink")
    elif node is None:
        bink_python = None  # bink has no compiler: it runs what inkjs compiles
        missing.append("bink")
    return Anchors(node, bink_python, tuple(missing))


def _has_bink(python: str) -> bool:
    if not Path(python).is_file() and shutil.which(python) is None:
        return False
    probe = subprocess.run(
        [python, "-c", "import bink.story"], capture_output=True, check=False, timeout=60
    )
    return probe.returncode == 0


def ink_script() -> Path:
    return anchors_dir() / "ink_bench.js"


def bink_script() -> Path:
    return anchors_dir() / "bink_bench.py"


def inkjs(anchors: Anchors, *args: str) -> Run:
    assert anchors.node is not None
    return run([anchors.node, str(ink_script()), *args])


def bink(anchors: Anchors, *args: str) -> Run:
    assert anchors.bink_python is not None
    return run([anchors.bink_python, str(bink_script()), *args])


def report(result: Run) -> dict[str, Any]:
    """The one JSON line an anchor script prints for a benchmark."""
    line = result.stdout.strip().splitlines()[-1]
    data: dict[str, Any] = json.loads(line)
    return data
