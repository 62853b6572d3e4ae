"""`new-scene`: a commented skeleton of a new scene, printed or added to its act file."""

from __future__ import annotations

import argparse
import sys

from her_if.cli.errors import CommandError, file_of
from her_if.cli.stories import Load
from her_if.core.sanitize import clean


def new_scene(args: argparse.Namespace, load: Load) -> int:
    """The skeleton on stdout with a hint on stderr of where to paste it, or, with --write,
    the line it was written at."""
    from her_if.authoring.new_scene import draft_scene, write_scene

    try:
        story = load(args.story)
        draft = draft_scene(story, args.scene)
        line = write_scene(draft) if args.write else None
    except OSError as err:  # the act file's; standard output's failures are the guard's
        raise CommandError(f"new-scene: {file_of(err)}: {err.strerror}") from err
    if line is None:
        sys.stdout.write(clean(draft.skeleton))
        print(f"her-if: {clean(draft.paste_hint())}", file=sys.stderr)
    else:
        print(clean(draft.written_line(line)))
    return 0
