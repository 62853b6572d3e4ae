"""`check-saves`: what loading each save in a folder would do on the story as it is now.

Apart from `saves` (in `play_commands`, which a player runs and piped play imports at start-up):
this one is an author's, run before publishing an edit, and needs nothing of play.
"""

from __future__ import annotations

import argparse
import json
import os

from her_if.cli.errors import CommandError
from her_if.cli.stories import Load
from her_if.core.sanitize import clean
from her_if.loading.locate import default_saves_dir


def check_saves(args: argparse.Namespace, load: Load) -> int:
    """0 when every save continues exactly, 1 when any falls back or cannot be read (a story
    that does not load is 2, told by the one teller of errors)."""
    from her_if.persistence.save_check import check_saves as check

    story = load(args.story)
    folder = default_saves_dir(args.saves)
    if args.saves is not None and not os.path.lexists(folder):  # a typo must not pass as "none"
        raise CommandError(f"--saves {args.saves}: no such folder", keep=str(args.saves))
    report = check(story, folder)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print("\n".join(clean(line) for line in report.lines()))
    return report.status
