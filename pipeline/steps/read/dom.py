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
import numpy as np

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
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_FIRSTS = frozenset(w.split("-")[0] for w in _BIT if w.count("-") == 1)  # the first words of the joined pairs
_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MASKS: dict[str, int] = {}


def token_mask(value: str) -> int:
    """The DOM_KINDS bits named by a class/id/role value: its words (split at punctuation and camelCase) and joined pairs."""
    found = _MASKS.get(value)
    if found is None:
        low = value.lower()
        words = _WORD.findall(_CAMEL.sub("-", value).lower() if low != value else low)  # no capital: no camelCase
        found = 0
        for i, word in enumerate(words):
            found |= _BIT.get(word, 0)
            if i and words[i - 1] in _FIRSTS:  # a pair is looked up only where one can start
                found |= _BIT.get(f"{words[i - 1]}-{word}", 0)
        if len(_MASKS) < 100_000:  # class strings repeat across a site's pages; a hostile page cannot grow it forever
            _MASKS[value] = found
    return found


_DOC_END = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)


def parse(html: str, data: bytes | None = None) -> Any:
    """The lxml tree of a page or fragment, None when it holds no element; a page nested deeper than libxml2 parses
    (2,048 levels with huge_tree: it drops the rest of the page) is flattened first (deep_html). `data`: `html`
    encoded as UTF-8, when the caller has those bytes (a page's own, decoded as they were): no second encoding.

    lxml.etree's parser, not lxml.html's: the same libxml2 parse, but lxml.html looks up a Python element class for
    every element the walk touches, which cost 40% of a bare walk over the tree. The </body> and </html> end tags are
    dropped first: libxml2 drops what follows </html> (a page's article pasted there), a browser shows it."""
    source = _DOC_END.sub(b"", html.encode("utf-8") if data is None else data)
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    try:
        tree = etree.fromstring(source, parser)
        if too_deep(parser.error_log):
            tree = etree.fromstring(_DOC_END.sub(b"", flatten(html).encode("utf-8")),
                                    etree.HTMLParser(encoding="utf-8", huge_tree=True))
    except (etree.ParserError, ValueError):
        return None
    return tree  # None for a document with no element (lxml.html raised ParserError 'Document is empty')


# A frame of the walk, one per open element: (tag, block tag, heading, mask, tags, hidden, in link, id,
# id of the block's parent, own mask, near mask). A skipped element's frame is None.
_ROOT = ("", "body", 0, 0, 0, False, False, 0, 0, 0, 0)
# Attributes that mark up metadata (microdata's itemprop, rel=author, <time datetime>): dom_meta reads such elements.
MARKUP = ("itemprop", "rel", "datetime")
_WATCHED = frozenset(("class", "id", "role", "style", "hidden", "aria-hidden", *MARKUP))
_MARKED = etree.XPath("descendant-or-self::*[" + " or ".join(f"@{name}" for name in MARKUP) + "]")
# A <button> holding paragraphs is no control: a stray one left open (<button><div></button>) holds the rest of the page.
_PROSE = etree.XPath("boolean(descendant::p)")


def walk(root: Any, marked: list[Any] | None = None) -> DomPage:
    """Every text block under `root`, in document order, with per-element totals; `marked` (when given) receives
    every element under `root` carrying a MARKUP attribute, in document order, those in skipped subtrees too.

    One loop with its state in local variables (this walk is a sixth of an HTML page's time). A block's text is
    counted in every element open when it is closed, so an element's totals are those of the blocks between its
    start and its end: only that span is recorded per element, and the sums are taken at the end with numpy."""
    mark = marked if marked is not None else []
    blocks: list[DomBlock] = []
    firsts: list[int] = [0]  # per element id: the number of blocks before its start ...
    ends: list[int] = [0]  # ... and at its end
    parts: list[str] = []
    links = 0
    stack: list[Any] = [_ROOT]
    top: Any = _ROOT
    walker = etree.iterwalk(root, events=("start", "end", "comment"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            if tag.__class__ is not str:
                tag = ""
            if tag in SKIP and not (tag == "button" and _PROSE(el)):
                walker.skip_subtree()
                if marked is not None:  # the <head>'s microdata (<meta itemprop=...>) is metadata too
                    if len(el):
                        mark += _MARKED(el)
                    elif any(name in MARKUP for name in el.keys()):
                        mark.append(el)
                stack.append(None)  # its end event still comes, and its tail belongs to the parent
                continue
            is_block = tag in BLOCK
            if (is_block or tag == "br") and parts:  # a boundary: the block being filled is closed
                text = " ".join("".join(parts).split())  # re's \s and str.split() know the same spaces
                parts.clear()
                if text:
                    blocks.append(DomBlock(text, top[1], top[2], top[3], top[9] | top[10], top[4], links, top[5],
                                           len(stack) - 1, top[8]))
                links = 0
            own = 0
            hidden = top[5]
            names = el.keys()  # names only: items() would also decode every href and src (3x the cost)
            if names:
                for name in names:
                    if name not in _WATCHED:
                        continue
                    if name in MARKUP:
                        if not mark or mark[-1] is not el:
                            mark.append(el)
                        continue
                    if name == "hidden":
                        hidden = True
                        continue
                    value = el.get(name)
                    if name == "style":
                        hidden = hidden or bool(value and _NONE.search(value))
                    elif name == "aria-hidden":
                        hidden = hidden or value == "true"
                    elif value and tag != "html" and tag != "body":  # page-wide classes (a theme's) say nothing of a block
                        own |= _MASKS[value] if value in _MASKS else token_mask(value)
            ident = len(firsts)
            firsts.append(len(blocks))
            ends.append(0)
            top = (tag, tag if is_block else top[1], _HEADINGS.get(tag, top[2]), top[3] | own, top[4] | _TAG_BIT.get(tag, 0),
                   hidden, top[6] or tag == "a", ident, top[7] if is_block else top[8], own, top[9] | top[10])
            stack.append(top)
            text = el.text
            if text:
                parts.append(text)
                if top[6]:
                    links += len(text.strip())
        elif event == "end":
            frame = stack.pop()
            if frame is not None:
                if parts and (frame[0] in BLOCK or frame[0] == "br"):  # the block's text belongs to it
                    text = " ".join("".join(parts).split())
                    parts.clear()
                    if text:
                        blocks.append(DomBlock(text, frame[1], frame[2], frame[3], frame[9] | frame[10], frame[4], links,
                                               frame[5], len(stack), frame[8]))
                    links = 0
                ends[frame[7]] = len(blocks)
            top = stack[-1]
            text = el.tail
            if text:
                parts.append(text)
                if top[6]:
                    links += len(text.strip())
        else:  # a comment: its text is no text, its tail is
            text = el.tail
            if text:
                parts.append(text)
                if top[6]:
                    links += len(text.strip())
    if parts:
        text = " ".join("".join(parts).split())
        if text:
            blocks.append(DomBlock(text, top[1], top[2], top[3], top[9] | top[10], top[4], links, top[5], len(stack) - 1,
                                   top[8]))
    ends[0] = len(blocks)
    return DomPage(blocks=blocks, totals=_totals(blocks, firsts, ends))


def marked(root: Any) -> list[Any]:
    """The elements under `root` (itself included) carrying a MARKUP attribute, in document order."""
    return _MARKED(root)


def _totals(blocks: list[DomBlock], firsts: list[int], ends: list[int]) -> np.ndarray:
    """Per element id: its subtree's [chars, link chars, blocks, first block, end block], from its block span."""
    first, end = np.asarray(firsts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    chars = np.concatenate(([0], np.cumsum([len(b.text) for b in blocks], dtype=np.int64)))
    linked = np.concatenate(([0], np.cumsum([b.link_chars for b in blocks], dtype=np.int64)))
    return np.column_stack([chars[end] - chars[first], linked[end] - linked[first], end - first, first, end])


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
