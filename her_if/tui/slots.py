"""The dialogs around save slots: the title menu, the list to load from, the name to save as.

Each is a ChoiceMenu or a one-line prompt returning plain values; deciding what to do with
them (and reading or writing files) is the play loop's job.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from prompt_toolkit import prompt
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.validation import Validator

from her_if.engine import Offer
from her_if.plain import describe_save
from her_if.sanitize import clean
from her_if.saves import SLOT_RULE, Entry, Listing, SaveError, Unreadable, check_slot
from her_if.tui.menu import ChoiceMenu, Command
from her_if.tui.style import STYLE

CONTINUE, NEW, LOAD, QUIT = "continue", "new", "load", "quit"


def title_menu(listing: Listing) -> str:
    """Continue (the newest save), New game, Load, Quit; Continue and Load only when there are
    saves. Returns one of CONTINUE, NEW, LOAD, QUIT."""
    options: list[tuple[str, str]] = []
    if listing.entries:
        latest = listing.entries[0]
        options.append((CONTINUE, f"Continue: {describe_save(latest.save)}"))
    options.append((NEW, "New game"))
    if listing.entries or listing.unreadable:
        options.append((LOAD, "Load a saved game"))
    options.append((QUIT, "Quit"))
    picked = _menu(options, "arrows/digits: choose  Enter: take  q: quit")
    return picked if picked is not None else QUIT


def pick_save(listing: Listing) -> Entry | Unreadable | None:
    """A slot from the list (saves newest first, then the unreadable), or None to go back."""
    found: list[Entry | Unreadable] = [*listing.entries, *listing.unreadable]
    options = [
        (
            str(index),
            f"{item.slot}: {describe_save(item.save)}"
            if isinstance(item, Entry)
            else f"{clean(item.slot) or '(folder)'}: cannot be read",
        )
        for index, item in enumerate(found)
    ]
    picked = _menu([*options, ("back", "Back")], "arrows/digits: choose  Enter: load  q: back")
    if picked is None or picked == "back":
        return None
    return found[int(picked)]


def ask_slot(default: str, taken: Collection[str]) -> str | None:
    """The slot to save to, typed (existing slots complete with Tab); None if cancelled.

    The default is shown greyed and taken by Enter alone, so typing a name replaces it
    rather than appending to it.
    """
    try:
        answer = prompt(
            "Save as: ",
            placeholder=[("class:placeholder", default)],
            completer=WordCompleter(sorted(taken)),
            complete_while_typing=True,
            validator=Validator.from_callable(
                lambda text: not text.strip() or _is_slot(text), error_message=f"use {SLOT_RULE}"
            ),
            validate_while_typing=False,
            bottom_toolbar=f" Enter: save as {default}  Tab: existing slots  Ctrl-C: cancel ",
            style=STYLE,
        )
    except (KeyboardInterrupt, EOFError):
        return None
    return answer.strip() or default


def confirm(yes: str, no: str) -> bool:
    """A two-way choice (the question is printed above it); quitting the menu means no."""
    return _menu([("yes", yes), ("no", no)], "arrows/digits: choose  Enter: take  q: no") == "yes"


def _is_slot(text: str) -> bool:
    try:
        check_slot(text.strip())
    except SaveError:
        return False
    return True


def _menu(options: Sequence[tuple[str, str]], keys: str) -> str | None:
    offers = [Offer(key, text, n) for n, (key, text) in enumerate(options, start=1)]
    picked = ChoiceMenu(offers, lambda width: _toolbar(keys, width)).run()
    return None if isinstance(picked, Command) else picked


def _toolbar(keys: str, width: int) -> StyleAndTextTuples:
    return [("class:toolbar.key", f" {keys} "[:width].ljust(width))]
