"""The public API grows only on purpose: this list changes in the same commit as the API."""

from __future__ import annotations

import her_if


def test_public_names() -> None:
    assert sorted(her_if.__all__) == [
        "ChoiceError",
        "Diagnostic",
        "GameState",
        "Offer",
        "Story",
        "StoryError",
        "View",
        "__version__",
        "available",
        "choose",
        "load_story",
        "start",
        "view",
    ]
    for name in her_if.__all__:
        assert hasattr(her_if, name)
