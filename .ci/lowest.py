"""Print a pip constraint pinning each runtime dependency, and each of the `lsp` extra's, to the
lowest version pyproject.toml allows, so CI can prove the bottom of every range as well as the
top (a fresh install)."""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())
runtime = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["lsp"]
for requirement in runtime:
    found = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*.*?>=\s*([^,;\s]+)", requirement)
    if found is None:
        sys.exit(f"lowest.py: {requirement!r} has no lower bound (>=); give it one")
    print(f"{found.group(1)}=={found.group(2)}")
