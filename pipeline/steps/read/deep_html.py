"""Pages nested deeper than libxml2 parses (256 open elements; 2,048 with huge_tree): flattened below a depth.

libxml2 stops at its depth limit and drops the rest of the page without an error the caller sees, so a
page builder's 3,000 nested <div>s came out blank. Such a page is rewritten before parsing: the tags of
elements nested deeper than MAX_DEPTH are dropped (a block element's become a line break), their text kept.
"""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_properties import Display

MAX_DEPTH = 200  # below libxml2's 256, with room for the elements it adds (html, body, tbody...)
_BLOCK = frozenset(tag for tag, element in CSS_PROFILES["strict"].items() if element.display == Display.block)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HIDDEN = frozenset({"script", "style", "template", "title", "head", "noscript"})  # content not shown: kept whole


def too_deep(error_log: Any) -> bool:
    """True when libxml2 stopped at its depth limit (a fatal ERR_RESOURCE_LIMIT 'Excessive depth' in its log)."""
    return any("Excessive depth" in entry.message for entry in error_log.filter_from_fatals())


class _Flattener(HTMLParser):
    """Copies markup through, dropping the tags of elements beyond MAX_DEPTH open elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, kept) of the open elements
        self.count: Counter[str] = Counter()  # open elements by tag, so an end tag is matched in O(1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.out.append(self.get_starttag_text() or "")
            return
        kept = len(self.open) < MAX_DEPTH or tag in _HIDDEN
        self.open.append((tag, kept))
        self.count[tag] += 1
        self.out.append(self.get_starttag_text() or "" if kept else "<br>" if tag in _BLOCK else "")

    def handle_endtag(self, tag: str) -> None:
        if not self.count[tag]:
            self.out.append(f"</{tag}>")  # a stray end tag: libxml2 ignores it too
            return
        while self.open:
            name, kept = self.open.pop()
            self.count[name] -= 1
            if name == tag:
                self.out.append(f"</{tag}>" if kept else "<br>" if tag in _BLOCK else "")
                return
            if kept:
                self.out.append(f"</{name}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def flatten(html: str) -> str:
    """`html` with no element nested deeper than MAX_DEPTH; the text and the line breaks of blocks kept."""
    parser = _Flattener()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)
