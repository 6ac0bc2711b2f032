"""An HTML page as text blocks in document order, each with its DOM context, from one iterative lxml walk.

No recursion (lxml's iterwalk), so nesting depth costs nothing but memory. A block is the text between two
block-level boundaries; it keeps the nearest block element's tag, its heading level, the class/id/role
words of its element and ancestors (as bits of DOM_KINDS), its ancestors' tags (bits of DOM_TAGS), how much of
it is link text, whether it is hidden, its depth and the element holding it (whose subtree totals are kept).
"""
from __future__ import annotations

import re
from typing import Any

import lxml.etree as etree
import lxml.html

from pipeline.document import DOM_KINDS, DOM_TAGS, DomBlock, DomPage
from pipeline.steps.read.deep_html import flatten, too_deep

BLOCK = frozenset("""p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr td th thead tbody tfoot caption blockquote pre
section article aside nav header footer main figure figcaption form fieldset legend address hr details summary center
menu dialog hgroup output noscript""".split())
# Never text a reader sees: code, styles, embedded documents and form controls (a dropdown's options are menus).
# <noscript> is read: a stray one left open holds the rest of the page.
SKIP = frozenset("script style template head svg math iframe object embed canvas select option datalist button "
                 "input textarea title".split())
# The class/id/role words of each kind; a compound word ("read-more") matches as two words joined.
_WORDS = {
    "nav": "nav navbar navigation navigator pagination pager skip topnav subnav",
    "header": "header masthead topbar",
    "footer": "footer foot colophon bottom",
    "aside": "aside",
    "menu": "menu menus dropdown submenu megamenu drawer hamburger",
    "comment": "comment comments commentlist disqus discussion replies reply respond",
    "share": "share sharing sharebar shares addthis sharethis",
    "social": "social follow facebook twitter linkedin whatsapp pinterest instagram",
    "related": "related recommended recirculation recirc more-stories trending popular readmore read-more also next prev",
    "promo": "promo promotion teaser cta callout offer upsell",
    "ad": "ad ads adv advert advertisement advertising adsense dfp gpt adslot adunit sponsored",
    "sponsor": "sponsor sponsored partner",
    "newsletter": "newsletter signup sign-up optin opt-in mailchimp",
    "subscribe": "subscribe subscription paywall premium",
    "caption": "caption wp-caption credit credits",
    "figure": "figure image img photo gallery media video thumbnail thumb",
    "byline": "byline by-line",
    "author": "author authors writer contributor",
    "date": "date time timestamp published dateline pubdate",
    "breadcrumb": "breadcrumb breadcrumbs crumbs",
    "tag": "tag tags tagcloud topics category categories keywords",
    "widget": "widget widgets",
    "cookie": "cookie cookies consent gdpr",
    "modal": "modal popup overlay lightbox",
    "hidden": "hidden hide sr-only screen-reader-text visually-hidden invisible",
    "article": "article post entry story blog-post",
    "content": "content body text main prose entry-content article-body post-body story-body",
    "title": "title headline heading",
    "meta": "meta info details",
    "sidebar": "sidebar side rail",
    "banner": "banner alert notice",
    "login": "login signin sign-in account register",
}
_BIT: dict[str, int] = {}
for _kind, _words in _WORDS.items():
    for _word in _words.split():
        _BIT[_word] = _BIT.get(_word, 0) | (1 << DOM_KINDS.index(_kind))
_TAG_BIT = {t: 1 << i for i, t in enumerate(DOM_TAGS)}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACE = re.compile(r"\s+")
_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MASKS: dict[str, int] = {}


def token_mask(value: str) -> int:
    """The DOM_KINDS bits named by a class/id/role value: its words (split at punctuation and camelCase) and joined pairs."""
    found = _MASKS.get(value)
    if found is None:
        words = [w for w in _SPLIT.split(_CAMEL.sub("-", value).lower()) if w]
        found = 0
        for i, word in enumerate(words):
            found |= _BIT.get(word, 0) | (_BIT.get(f"{words[i - 1]}-{word}", 0) if i else 0)
        if len(_MASKS) < 100_000:  # class strings repeat across a site's pages; a hostile page cannot grow it forever
            _MASKS[value] = found
    return found


def parse(html: str) -> Any:
    """The lxml tree of a page or fragment, None when it holds no element; a page nested deeper than libxml2 parses
    (2,048 levels with huge_tree: it drops the rest of the page) is flattened first (deep_html)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
        if too_deep(parser.error_log):
            tree = lxml.html.document_fromstring(flatten(html).encode("utf-8"),
                                                 parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
    except (etree.ParserError, ValueError):
        return None
    return tree


def walk(root: Any) -> DomPage:
    """Every text block under `root`, in document order, with per-element totals."""
    return _Walker().run(root)


class _Walker:
    """The state of one walk: the open elements (frames), the block being filled, what is done."""

    def __init__(self) -> None:
        self.page = DomPage(totals=[[0, 0, 0, 0, 0]])
        self.parts: list[str] = []
        self.links = 0
        # A frame: [tag, block tag, heading, mask, tags, hidden, in link, id, id of block's parent, own mask, near mask]
        self.stack: list[Any] = [["", "body", 0, 0, 0, False, False, 0, 0, 0, 0]]

    def flush(self) -> None:
        """Closes the block being filled (a block boundary)."""
        if not self.parts:
            return
        text = _SPACE.sub(" ", "".join(self.parts)).strip()
        self.parts.clear()
        if text:
            top = self.stack[-1]
            self.page.blocks.append(DomBlock(text, top[1], top[2], top[3], top[9] | top[10], top[4], self.links, top[5],
                                          len(self.stack) - 1, top[8]))
            total = self.page.totals[top[7]]
            total[0] += len(text)
            total[1] += self.links
            total[2] += 1
        self.links = 0

    def add(self, text: str) -> None:
        """Text inside the innermost open element."""
        self.parts.append(text)
        if self.stack[-1][6]:
            self.links += len(text.strip())

    def run(self, root: Any) -> DomPage:
        """Walks the tree once, start and end events, skipping what is never text."""
        walker = etree.iterwalk(root, events=("start", "end", "comment"))
        for event, el in walker:
            if event == "comment":
                if el.tail:
                    self.add(el.tail)
            elif event == "start":
                tag = el.tag if isinstance(el.tag, str) else ""
                if tag in SKIP:
                    walker.skip_subtree()
                    self.stack.append(None)  # its end event still comes, and its tail belongs to the parent
                else:
                    self.start(el, tag)
            else:
                self.end(el)
        self.flush()
        self.page.totals[0][4] = len(self.page.blocks)
        return self.page

    def start(self, el: Any, tag: str) -> None:
        """An element opens: a boundary when it is a block, and a frame with what it adds to its parent's context."""
        top = self.stack[-1]
        is_block = tag in BLOCK
        if is_block or tag == "br":
            self.flush()
        attrib = el.attrib
        own = 0
        if tag not in ("html", "body"):  # page-wide classes (a theme's body class) say nothing of a block
            for name in ("class", "id", "role"):
                value = attrib.get(name)
                if value:
                    own |= token_mask(value)
        style = attrib.get("style")
        hidden = top[5] or "hidden" in attrib or attrib.get("aria-hidden") == "true" or bool(style and _NONE.search(style))
        ident = len(self.page.totals)
        self.page.totals.append([0, 0, 0, len(self.page.blocks), 0])
        self.stack.append([tag, tag if is_block else top[1], _HEADINGS.get(tag, top[2]), top[3] | own,
                           top[4] | _TAG_BIT.get(tag, 0), hidden, top[6] or tag == "a", ident, top[7] if is_block else top[8],
                           own, top[9] | top[10]])
        if el.text:
            self.add(el.text)

    def end(self, el: Any) -> None:
        """An element closes: a boundary when it is a block; its totals go to its parent; its tail follows."""
        frame = self.stack.pop()
        if frame is not None:
            if frame[0] in BLOCK or frame[0] == "br":
                self.stack.append(frame)  # the block's text belongs to it
                self.flush()
                self.stack.pop()
            total, parent = self.page.totals[frame[7]], self.page.totals[self.stack[-1][7]]
            parent[0] += total[0]
            parent[1] += total[1]
            parent[2] += total[2]
            total[4] = len(self.page.blocks)
        if el.tail:
            self.add(el.tail)


def text(page: DomPage) -> str:
    """The page as lines, one per block, a blank line where the holding element changes; fills `page.line_block`."""
    lines: list[str] = []
    page.line_block = []
    last = None
    for i, block in enumerate(page.blocks):
        if last is not None and block.container != last:
            lines.append("")
            page.line_block.append(-1)
        lines.append(block.text)
        page.line_block.append(i)
        last = block.container
    return "\n".join(lines)
