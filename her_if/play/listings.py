"""Saved games in a line each: the `saves` listing, the load lists and the title's Continue.

Every field of a save is the save's own text (a stranger's file, perhaps), cleaned here where
it is laid out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from her_if.core.sanitize import clean
from her_if.core.wording import roman
from her_if.loading.diagnostics import display_path

if TYPE_CHECKING:  # only the listings below need them, and their callers have loaded them
    from her_if.persistence.saves import Listing, Save, SavedPack


def play_time(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def describe_save(save: Save) -> str:
    """One line for listings and menus: act, scene, when it was saved, how long played."""
    when = save.updated.astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"Act {roman(save.act_number)}: {clean(save.act_title)} · {clean(save.scene_title)}"
        f" · {when} · played {play_time(save.play_time)}"
    )


def render_listing(listing: Listing) -> str:
    """The `saves` listing: one line a slot, newest first, then what cannot be read. A save
    made with other packs than those loaded now says which it was made with."""
    where = clean(folder_path(listing.folder))
    if not listing.entries and not listing.unreadable:
        return f"No saves in {where} yet.\n"
    lines = [f"Saves in {where}, newest first:"] if listing.entries else []
    width = max((len(e.slot) for e in listing.entries), default=0)
    lines += [
        f"  {e.slot:<{width}}  {describe_save(e.save)}{_other_packs(e.save, listing.packs)}"
        for e in listing.entries
    ]
    lines += [f"cannot read {clean(u.problem)}" for u in listing.unreadable]
    return "\n".join(lines) + "\n"


def folder_path(folder: Path) -> str:
    """A folder as a path, not a word: `saves/`, where `saves` alone reads as a noun."""
    shown = display_path(folder)
    return shown if shown.endswith(os.sep) else shown + os.sep


def _other_packs(save: Save, now: tuple[SavedPack, ...]) -> str:
    from her_if.persistence.saves import pack_changes

    if not pack_changes(save.packs, now):
        return ""
    if not save.packs:
        return " · made without packs"
    return " · made with " + ", ".join(clean(p.label) for p in save.packs)
