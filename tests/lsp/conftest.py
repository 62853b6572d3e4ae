"""The language server's tests, which need its extra (pygls, lsprotocol, pytest-lsp): where it is
not installed they are not collected, and the rest of the suite runs as before.

Fixtures (module scope, so a test module starts one server, not one a test):

- `lsp_folder`: a copy, in a temporary folder, laid out as this checkout is: the shipped story
  in `story/` with `seeds/` and `schema/` beside it and the walkthroughs in
  `tests/walkthroughs/` (`tests.support.lsp.copy_story`). A test module that serves another
  story defines its own `lsp_folder` fixture (module scope), which overrides this one.
- `lsp_client`: the real `her-if lsp` process over stdio, initialised with `lsp_folder` as its
  one workspace folder, so it finds the story as it finds this checkout's
  (`<folder>/story/story.yaml`); shut down after the module. It is a
  `tests.support.lsp.StoryClient`: pytest-lsp's client, which also keeps every diagnostics
  published with its version.

Tests on it are coroutines sharing the module's event loop:
`pytestmark = pytest.mark.asyncio(loop_scope="module")`. What they say to the server
(`open_file`, `change`, `close_file`, `diagnostics` to wait for the answer to an edit, `latest`,
`position`) is in `tests.support.lsp`. Tests sharing a server edit open buffers, not the files,
and close what they open, so each leaves the story as it found it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.util import find_spec
from pathlib import Path

import pytest

if any(find_spec(name) is None for name in ("pygls", "lsprotocol", "pytest_lsp")):
    collect_ignore_glob = ["test_*.py"]  # the `lsp` extra is not installed: nothing to test
else:
    import pytest_lsp

    from tests.support.lsp import SERVER, StoryClient, copy_story, start

    @pytest.fixture(scope="module")
    def lsp_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
        """A copy of this checkout's story, walkthroughs and beat sheet (see the module)."""
        return copy_story(tmp_path_factory.mktemp("workspace"))

    @pytest_lsp.fixture(config=SERVER, scope="module")  # type: ignore[untyped-decorator]
    async def lsp_client(client: StoryClient, lsp_folder: Path) -> AsyncIterator[None]:
        """The server, started on `lsp_folder` (see the module)."""
        await start(client, lsp_folder)
        yield
        await client.shutdown_session()
