"""What an input reader yields: one Record per article, with the metadata the input states itself (Given)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.document import DomPage


@dataclass(slots=True)
class Given:
    """A metadata value the input states itself, with the rule naming where it came from."""

    value: Any
    rule: str
    strong: bool = True  # False: used only when the text yields nothing (an HTML <title> with its site suffix)


@dataclass(slots=True)
class Record:
    """One article of an input: its bytes, its text when the reader decoded it, what the input says about it."""

    raw: bytes  # the bytes it came from: the whole (decompressed) file, or the record's own JSON
    text: str = ""  # "" leaves decoding to the `read` step (plain text)
    encoding: str = ""
    number: int | None = None  # 1-based line (JSON Lines) or position (JSON) of a record; None for one-article files
    location: str = ""  # "line 3" / "record 3": where a record sits, for failures
    given: dict[str, list[Given]] = field(default_factory=dict)  # per field, candidates best first
    error: str | None = None  # a bad record: why it cannot be cleaned
    dom: DomPage | None = None  # HTML: the DOM context of each line of `text`
