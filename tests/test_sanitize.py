"""Nothing from a story or a save may drive the terminal: escapes and controls are removed."""

from __future__ import annotations

import pytest

from her_if.sanitize import clean


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("copy\x1b]52;c;aGVsbG8=\x07this", "copythis"),  # OSC 52: write the clipboard
        ("title\x1b]0;pwned\x1b\\ here", "title here"),  # OSC 0: set the window title
        ("\x1b[2J\x1b[Hcleared", "cleared"),  # CSI: clear the screen, home the cursor
        ("red\x1b[31m text", "red text"),  # colours
        ("\x9b2Jeight-bit", "eight-bit"),  # 8-bit CSI
        ("bell\x07 and \x00nul", "bell and nul"),  # C0 controls
        ("abc\u202edcba", "abcdcba"),  # bidi override: text that reads differently
        ("a\u2066b\u2069c", "abc"),  # bidi isolates
        ("\x1bPdevice control\x1b\\done", "done"),  # DCS string
    ],
)
def test_escapes_and_controls_are_removed(hostile: str, shown: str) -> None:
    assert clean(hostile) == shown


def test_ordinary_text_is_untouched() -> None:
    text = "Café — “quoted”, 日本語, emoji 🙂, and a new\nline"
    assert clean(text) == text


def test_tabs_become_spaces() -> None:
    assert clean("a\tb") == "a b"
