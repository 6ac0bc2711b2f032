"""Records that flow through the steps: one Document per input, one Unit per paragraph candidate."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Unit:
    """A paragraph candidate: one line, or several hard-wrapped lines joined."""

    line: int  # 1-based number of its first input line
    text: str
    block: int  # index of the blank-line-separated block it came from
    nlines: int = 1
    label: str = "body"  # a content label, a metadata label, or a boilerplate category
    rule: str = ""  # the rule that decided the label ("" for plain body text)
    kind: str = "paragraph"  # paragraph | heading | quote | list_item, for kept units
    cls: str = ""  # classify's content class from length and stopwords: good | near | short | bad
    flagged: bool = False  # a rule matched it or it recurs across the folder (classify): never a header line

    @property
    def kept(self) -> bool:
        """True when the unit stays in the article text."""
        return self.label in ("body", "heading", "quote", "list_item")


@dataclass(slots=True)
class Document:
    """Everything known about one input as it moves through the steps."""

    path: str  # path relative to the input folder, with forward slashes
    record: int | None = None  # line (JSON Lines) or position (JSON) of the record in an export; None for one-article files
    raw: bytes = b""
    encoding: str = ""
    text: str = ""
    lines: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    meta_source: dict[str, Any] = field(default_factory=dict)
    repeated: frozenset[str] = frozenset()  # fingerprints of lines that recur across the folder
    given: dict[str, Any] = field(default_factory=dict)  # read.records.Given values the input states (meta tags, record keys)
    article: dict[str, Any] | None = None  # the archive record, made by the `write` step
