"""Records that flow through the steps: one Document per input, one Unit per paragraph candidate, and for an HTML
input the DOM context of its text blocks (DomPage)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


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


# Kinds of class/id/role words (nav, comment, share...) a DOM block's element and ancestors carry, one bit each.
DOM_KINDS = ("nav", "header", "footer", "aside", "menu", "comment", "share", "social", "related", "promo", "ad", "sponsor",
             "newsletter", "subscribe", "caption", "figure", "byline", "author", "date", "breadcrumb", "tag", "widget",
             "cookie", "modal", "hidden", "article", "content", "title", "meta", "sidebar", "banner", "login")
# Tags of a DOM block's element and ancestors, one bit each.
DOM_TAGS = ("nav", "header", "footer", "aside", "li", "table", "a", "blockquote", "figure", "figcaption", "form",
            "article", "main", "pre", "time", "address", "dl", "menu")


@dataclass(slots=True)
class DomBlock:
    """One text block of an HTML page and where it sits in the tree."""

    text: str
    tag: str  # the nearest block element holding it
    heading: int  # 1-6 inside <h1>-<h6>, else 0
    mask: int  # DOM_KINDS bits of the class/id/role words of its element and every ancestor below <body>
    near: int  # DOM_KINDS bits of its innermost element and the two above it
    tags: int  # DOM_TAGS bits of its own and its ancestors' tags
    link_chars: int  # characters of it inside <a>
    hidden: bool  # it or an ancestor has `hidden`, aria-hidden="true" or an inline display:none / visibility:hidden
    depth: int
    container: int  # element id of its block element's parent: that subtree's totals are DomPage.totals[container]


@dataclass(slots=True)
class DomPage:
    """An HTML page's blocks; per element id, its subtree's [chars, link chars, blocks, first block, end block]."""

    blocks: list[DomBlock] = field(default_factory=list)
    totals: np.ndarray = field(default_factory=lambda: np.zeros((1, 5), dtype=np.int64))  # one int64 row per element id
    line_block: list[int] = field(default_factory=list)  # per line of the reader's text: its block, -1 for a blank line


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
    dom: DomPage | None = None  # an HTML input's blocks, line for line with `text` (None for other inputs)
    article: dict[str, Any] | None = None  # the archive record, made by the `write` step
