"""The dialogs around save slots: the title menu, the list to load from, the name to save as.

Each is a ChoiceMenu or a one-line prompt returning plain values; deciding what to do with
them (and reading or writing files) is the play loop's job. In a list (loading, a question),
q or Esc goes back; in the field a save's name is typed in, Esc cancels (q is a letter of the
name there). Ctrl-C and Ctrl-D leave the game (they raise, for the loop to save and say
where).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.validation import Validator

from her_if.core.engine import Offer
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.persistence.profile import Profile
from her_if.persistence.saves import (
    SLOT_RULE,
    Entry,
    Listing,
    Save,
    SaveError,
    Unreadable,
    check_slot,
)
from her_if.play.listings import describe_save
from her_if.play.title import TITLE_CONTINUE, TITLE_HELP, TITLE_QUIT, title_options
from her_if.play.tui.keys import ends_on_error
from her_if.play.tui.menu import ChoiceMenu, Command, Resized
from her_if.play.tui.render import Laid
from her_if.play.tui.style import STYLE

BACK = ("q", "escape")


def title_menu(
    listing: Listing,
    story: Story | None = None,
    *,
    selected: int = 0,
    laid_out_at: Laid | None = None,
    profile: Profile | None = None,
) -> str | Resized:
    """One of the title options of `her_if.play.title` (`?` is TITLE_HELP, q is TITLE_QUIT), or
    `Resized` when the title card above wants laying out again; the options are
    `her_if.play.title.title_options`, as plain play has them, except that Continue says so when the newest game has ended."""
    options = title_options(listing, profile)
    ending = ended(listing.entries[0].save, story) if listing.entries and story else None
    if ending is not None:
        options = [
            (k, f"Continue (ended: {ending})" if k == TITLE_CONTINUE else t) for k, t in options
        ]
    offers = [Offer(key, text, n) for n, (key, text) in enumerate(options, 1)]
    keys = ("arrows/digits: choose  Enter: take  ?: help  q: quit", "?: help  q: quit")
    picked = ChoiceMenu(
        offers,
        lambda width: _toolbar(keys, width),
        commands=("?",),
        back=("q",),
        selected=selected,
        laid_out_at=laid_out_at,
    ).run()
    if isinstance(picked, Command):
        return TITLE_HELP
    return picked if isinstance(picked, str | Resized) else TITLE_QUIT


def ended(save: Save, story: Story) -> str | None:
    """The title of the ending a saved game stopped at, or None when it goes on (read from the
    state it holds: no save records it)."""
    scene = story.scenes.get(save.scene)
    ending = None if scene is None else scene.ending  # what `view(...).ending` gives, unevaluated
    return None if ending is None else ending.title  # the menu cleans what it shows


@frozen
class Change:
    """In the load list, `d` (delete) or `n` (rename) pressed on a save."""

    key: str
    entry: Entry


CHANGES = {"d": "delete", "n": "rename"}


def pick_save(listing: Listing) -> Entry | Unreadable | None:
    """A slot from the list (saves newest first, then the unreadable), or None to go back."""
    picked = pick_or_change(listing, changes=False)
    assert not isinstance(picked, Change)
    return picked


def pick_or_change(listing: Listing, *, changes: bool = True) -> Entry | Unreadable | Change | None:
    """A slot from the list, or None to go back; with `changes`, `d` and `n` on a save are a
    `Change` (delete it, rename it). The slots make a column, as `her-if saves` lists them."""
    found: list[Entry | Unreadable] = [*listing.entries, *listing.unreadable]
    width = max((len(item.slot) for item in found), default=0)
    options = [
        (
            str(index),
            f"{item.slot:<{width}}  {describe_save(item.save)}"
            if isinstance(item, Entry)
            else f"{item.slot or '(folder)':<{width}}  cannot be read",  # the menu cleans it
        )
        for index, item in enumerate(found)
    ]
    keys = (
        "Enter: load  d: delete  n: rename  q/Esc: back" if changes else "Enter: load  q/Esc: back"
    )
    offers = [Offer(key, text, n) for n, (key, text) in enumerate([*options, ("back", "Back")], 1)]
    short = "d: delete  n: rename  Esc: back" if changes else "q/Esc: back"
    bar = (f"arrows/digits: choose  {keys}", keys, short, "q/Esc: back")
    while True:
        menu = ChoiceMenu(
            offers,
            lambda width: _toolbar(bar, width),
            commands=tuple(CHANGES) if changes else (),
            back=BACK,
        )
        picked = menu.run()
        if not isinstance(picked, Command):
            break
        item = found[menu.selected] if menu.selected < len(found) else None
        if isinstance(item, Entry):  # on Back or a file that cannot be read: nothing to do
            return Change(picked.key, item)
    if not isinstance(picked, str) or picked == "back":
        return None
    return found[int(picked)]


def ask_slot(default: str, taken: Collection[str]) -> str | None:
    """The slot to save to, typed (existing slots complete with Tab); None if Esc cancels.

    The default is shown greyed and taken by Enter alone, so typing a name replaces it
    rather than appending to it. Ctrl-C and Ctrl-D raise, as everywhere.
    """
    kb = KeyBindings()

    @kb.add("escape", eager=True)
    def _cancel(event: KeyPressEvent) -> None:
        """Back to the game without saving."""
        event.app.exit(result=None)

    session: PromptSession[str | None] = PromptSession(
        "Save as: ",
        placeholder=[("class:placeholder", default)],
        completer=WordCompleter(sorted(taken)),
        complete_while_typing=True,
        validator=Validator.from_callable(
            lambda text: not text.strip() or _is_slot(text), error_message=f"use {SLOT_RULE}"
        ),
        validate_while_typing=False,
        bottom_toolbar=lambda: _toolbar(
            save_hints(get_app().current_buffer.text, default, bool(taken)),
            get_app().output.get_size().columns,
        ),
        key_bindings=kb,
        enable_suspend=True,
        style=STYLE,
    )
    session.app.ttimeoutlen = 0.05  # Esc alone cancels without a wait
    answer = session.prompt(set_exception_handler=False, pre_run=ends_on_error(session.app))
    if answer is None:
        return None
    return answer.strip() or default


def save_hints(typed: str, default: str, completes: bool) -> tuple[str, ...]:
    """The save field's bar, longest first, for what is typed so far: what Enter will save as
    (the name typed, or the one offered while nothing is), or why it will not."""
    name = typed.strip()
    tab = "  Tab: existing slots" if completes else ""
    if name and not _is_slot(name):
        return (f"a name is {SLOT_RULE}  Esc: cancel", f"{SLOT_RULE}", "Esc: cancel")
    enter = f"Enter: save as {name or default}"
    return (f"{enter}{tab}  Esc: cancel", f"{enter}  Esc: cancel", enter, "Esc: cancel")


def confirm(yes: str, no: str, *, keep_first: bool = False) -> bool:
    """A two-way choice (the question is printed above it); going back means no. With
    `keep_first`, no comes first, highlighted, for a yes that loses something."""
    options = [("yes", yes), ("no", no)]
    return _menu(options[::-1] if keep_first else options, "Enter: take  q/Esc: no") == "yes"


def _is_slot(text: str) -> bool:
    try:
        check_slot(text.strip())
    except SaveError:
        return False
    return True


def _menu(options: Sequence[tuple[str, str]], keys: str) -> str | None:
    offers = [Offer(key, text, n) for n, (key, text) in enumerate(options, start=1)]
    full = f"arrows/digits: choose  {keys}"
    picked = ChoiceMenu(offers, lambda width: _toolbar((full, keys), width), back=BACK).run()
    return picked if isinstance(picked, str) else None


def _toolbar(keys: Sequence[str], width: int) -> StyleAndTextTuples:
    """The first of `keys` that fits (the last, cut, when none does)."""
    text = next((f" {k} " for k in keys if len(k) + 2 <= width), f" {keys[-1]} "[:width])
    return [("class:toolbar.key", text.ljust(width))]
