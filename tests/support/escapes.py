"""What must never reach a terminal from a story, a save or a name, and the assertion that some
output carries none of it."""

from __future__ import annotations

import re

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal: C0 controls but tab and newline (ESC among them), DEL,
C1 (8-bit CSI, OSC, DCS, ST...), bidi marks, embeddings, overrides and isolates."""


def assert_clean(output: str, *visible: str) -> None:
    """No escape or control in `output`, and the text around them still shown."""
    found = FORBIDDEN.search(output)
    assert found is None, (
        f"U+{ord(found.group()):04X} in {output[max(found.start() - 40, 0) :][:80]!r}"
    )
    for text in visible:
        assert text in output, (text, output[:2000])
