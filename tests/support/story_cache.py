"""Looking into the compiled story cache from a test: which YAML files a load reads, the
entries in the cache folder, and entries written by hand as a forger would write them; the
tests of the cache (tests/persistence/test_story_cache.py) and of what an entry must prove before it is
used (tests/persistence/test_story_cache_trust.py) share them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from her_if.loading.yaml_source import Source
from her_if.persistence import story_cache
from her_if.persistence.story_cache import cache_dir


@contextmanager
def yaml_counted() -> Iterator[list[Path]]:
    """Within the block, the YAML files read, in order."""
    read: list[Path] = []
    real = Source.load

    def count(self: Source) -> object:
        read.append(self.path)
        return real(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Source, "load", count)
        yield read


@contextmanager
def yaml_forbidden() -> Iterator[None]:
    """Within the block, reading a YAML file fails the test: what loads comes from the cache."""

    def refuse(self: Source) -> None:
        pytest.fail(f"{self.path} was read: the cache missed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Source, "load", refuse)
        yield


def entries() -> list[Path]:
    folder = cache_dir()
    assert folder is not None
    return sorted(folder.glob("her-if-*.cache")) if folder.is_dir() else []


def the_entry() -> Path:
    (entry,) = entries()
    return entry


def header_and_story(path: Path) -> tuple[dict[str, object], list[object]]:
    """The header, and the story as one value: [its outline, its scenes by id, the owner of
    each key of alternatives] (`lazy_story` keeps each scene apart, by byte range)."""
    _, header, outline, scenes = path.read_bytes().splitlines()
    story, ranges, owners = json.loads(outline)
    found = {sid: json.loads(scenes[start:end]) for sid, (start, end) in ranges.items()}
    return json.loads(header), [story, found, owners]


def story_lines(story: list[object]) -> str:
    """The story's two lines in an entry, from the value `header_and_story` gives."""
    outline, scenes, owners = story
    assert isinstance(scenes, dict)
    blobs = [json.dumps(scene).encode() for scene in scenes.values()]
    ends = [sum(map(len, blobs[: i + 1])) for i in range(len(blobs))]
    ranges = {
        sid: [end - len(blob), end] for sid, blob, end in zip(scenes, blobs, ends, strict=True)
    }
    return f"{json.dumps([outline, ranges, owners])}\n{b''.join(blobs).decode()}"


def signed(header: str, story: str) -> str:
    """An entry as a forger who knows the format writes it: its digests match what it holds,
    so that what refuses it is the check behind the digests."""
    digests = [hashlib.sha256(line.encode()).hexdigest() for line in (header, story)]
    return f"{story_cache.FORMAT} {story_cache.VERSION} {' '.join(digests)}\n{header}\n{story}\n"


def write_entry(path: Path, header: object, story: list[object]) -> None:
    path.write_text(signed(json.dumps(header), story_lines(story)))
