"""The language server, `her-if lsp`: what `check` knows, in an author's editor as they type.

It sits above every other layer but the command line, and is the only part of the package that
imports pygls or lsprotocol, which come with the `lsp` extra (`pip install 'her-if[lsp]'`): the
game, `check` and every other command run without them, and none of them imports this package.
`workspace` finds the story and analyses it with the open buffers' unsaved text; `index` and
`navigation` answer what is where; `server` speaks the protocol. docs/editors.md sets it up.
"""
