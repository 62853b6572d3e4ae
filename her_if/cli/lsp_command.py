"""`lsp`: the language server over stdio, for an editor to start.

pygls is an optional extra, so the one thing this handler does before starting it is say how
to install it when it is missing, in place of an ImportError's traceback.
"""

from __future__ import annotations

import argparse
from importlib.util import find_spec

from her_if.cli.errors import CommandError
from her_if.cli.stories import Load

INSTALL = "pip install 'her-if[lsp]'"


def lsp(args: argparse.Namespace, load: Load) -> int:
    """Serve until the editor says exit; the story is the workspace's unless `--story` names it."""
    missing = [name for name in ("pygls", "lsprotocol") if find_spec(name) is None]
    if missing:
        raise CommandError(
            f"lsp: the language server needs {' and '.join(missing)}, which come with its "
            f"extra: {INSTALL}"
        )
    from her_if.lsp.server import serve

    return serve(args.story)
