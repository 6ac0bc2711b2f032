"""Markup to plain lines: Markdown with markdown-it-py, HTML with an lxml walk (dom.py); plus what a page says of itself."""
from __future__ import annotations

import json
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.document import DomPage
from pipeline.steps.read import dom, dom_meta
from pipeline.steps.read.records import Given

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")  # GFM pipe tables
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_BLOCKS = {"heading_open", "paragraph_open"}
_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|WebPage", re.IGNORECASE)
# Meta tags that state the publication date, best first (Open Graph, then the usual CMS and Dublin Core names).
_DATE_METAS = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
               "publish_date", "publication_date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date",
               "citation_publication_date", "sailthru.date", "parsely-pub-date")
# Other sites' names for the publication time ('w-published-date', 'cxenseparse:publishtime', 'og:publish_date'), read
# after those; a last-published, updated or modified time, an expiry or the publisher is none.
_PUBLISHED_META = re.compile(r"publish(?!er)|publication")
_NOT_PUBLISHED_META = re.compile(r"last|updat|modif|expir|unpublish|end")
_AUTHOR_METAS = ("author", "article:author", "dc.creator", "citation_author", "sailthru.author", "parsely-author")


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (`---` ... `---` at the top, as static site generators write it) and the rest."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text  # not front matter after all: leave it to the cleaner
    return (data, text[match.end():]) if isinstance(data, dict) else ({}, text)


def markdown_text(source: str) -> str:
    """Markdown as plain text: one line per paragraph, heading, list item and table row (`| a | b |`); no other markup."""
    lines: list[str] = []
    prefix = ""
    numbers: list[int] = []
    row: list[str] | None = None  # the cells of the table row being read
    for token in _MD.parse(source):
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(_inline(token).replace("|", "\\|"))
        elif token.type == "tr_close" and row is not None:
            lines.append("| " + " | ".join(row) + " |")
            row = None
        elif token.type == "table_close":
            lines.append("")
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            numbers.append(0 if token.type == "bullet_list_open" else int(token.attrGet("start") or 1) - 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            numbers.pop()
            lines.append("")
        elif token.type == "list_item_open":
            if numbers and token.markup not in ("-", "*", "+"):
                numbers[-1] += 1
            prefix = f"{numbers[-1]}. " if numbers and numbers[-1] else "- "
        elif token.type == "inline":
            text = _inline(token)
            if text:
                lines.append(prefix + text)
            prefix = ""
            if not numbers:
                lines.append("")
        elif token.type in ("fence", "code_block"):
            lines += [*token.content.rstrip("\n").split("\n"), ""]
        elif token.type == "html_block":
            lines += [*html_text(token.content).split("\n"), ""]
    return "\n".join(lines).strip("\n") + "\n"


def _inline(token: Token) -> str:
    """The text of an inline run: link text without its target, no emphasis marks, images dropped."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")  # a hard-wrapped source line; Markdown joins it
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def html_text(html: str) -> str:
    """An HTML fragment or page as text, one line per block element."""
    return html_dom(html)[0]


def html_dom(html: str) -> tuple[str, DomPage | None]:
    """An HTML fragment or page as text, one line per block (a blank line where the holding element changes), and
    the DOM context of those lines; None for a document with no elements."""
    tree = dom.parse(html)
    if tree is None:
        return "", None
    page = dom.walk(tree)
    return dom.text(page), page


def html_page(html: str, data: bytes | None = None) -> tuple[str, dict[str, list[Given]], DomPage | None]:
    """A page's visible text, the metadata it states (the <title> is metadata: a browser does not show it), its DOM;
    `data` is `html` as UTF-8 bytes when the caller has them (dom.parse)."""
    tree = dom.parse(html, data)
    if tree is None:
        return "", {}, None
    marked: list[Any] = []
    page = dom.walk(tree, marked)
    return dom.text(page), page_metadata(tree, page, marked), page


def page_metadata(tree: Any, page: DomPage | None = None, marked: list[Any] | None = None) -> dict[str, list[Given]]:
    """Title, canonical URL, publication date and authors from meta tags, link rel=canonical and JSON-LD, and with
    the page's blocks from the DOM: the heading the stated titles agree on, marked-up authors, <time datetime>.
    `marked`: the elements with a dom.MARKUP attribute, as the walk found them (looked up when not given)."""
    if marked is None:
        marked = dom.marked(tree)
    metas = _metas(tree)
    ld = _json_ld(tree)
    given: dict[str, list[Given]] = {}
    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    stated = [metas.get("og:title"), metas.get("twitter:title"), headline, _title_tag(tree)]
    headings = [(rule, text) for text, rule in dom_meta.title_candidates(page, stated, metas.get("og:site_name"))] if page is not None else []
    canonical = next((link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()), None)
    og_title = metas.get("og:title")
    if og_title:
        og_title = dom_meta.without_site(og_title, metas.get("og:site_name"), canonical or metas.get("og:url"))
    _put(given, "title", [*headings, ("html.meta:og:title", og_title), ("html.json-ld:headline", ld.get("headline"))])
    _put(given, "url", [("html.link:canonical", canonical), ("html.meta:og:url", metas.get("og:url")),
                        ("html.json-ld:url", ld.get("url"))])
    _put(given, "published", [*((f"html.meta:{name}", metas.get(name)) for name in _DATE_METAS[:2]),
                              ("html.json-ld:datePublished", ld.get("datePublished")),
                              *((f"html.meta:{name}", metas.get(name)) for name in _DATE_METAS[2:]),
                              *((f"html.meta:{name}", value) for name, value in _other_date_metas(metas)),
                              *((rule, value) for value, rule in dom_meta.date_candidates(marked))])
    if ld.get("datePublished") is not None and ld.get("datePublished") == ld.get("dateModified"):
        _weaken(given, "published", "html.json-ld:datePublished")
    authors = dom_meta.author_candidates(marked)
    _put(given, "authors", [("html.json-ld:author", ld.get("author")),
                            *((f"html.meta:{name}", metas.get(name)) for name in _AUTHOR_METAS),
                            ("html.itemprop:author", authors or None)])
    title = _title_tag(tree)
    if title:
        given.setdefault("title", []).append(Given(title, "html.title", strong=False))
    return given


def _title_tag(tree: Any) -> str:
    """The page's <title>, whitespace collapsed."""
    return " ".join((tree.findtext(".//title") or "").split())


def _put(given: dict[str, list[Given]], key: str, candidates: list[tuple[str, Any]]) -> None:
    """The non-empty candidates as `given[key]`, best first; the first that normalises wins (given.apply_given)."""
    found = [Given(value, rule) for rule, value in candidates if value not in (None, "", [])]
    if found:
        given[key] = found


def _other_date_metas(metas: dict[str, str]) -> list[tuple[str, str]]:
    """(name, content) of the meta tags not in _DATE_METAS whose name says a publication time, in page order."""
    return [(name, value) for name, value in metas.items() if name not in _DATE_METAS
            and _PUBLISHED_META.search(name) and not _NOT_PUBLISHED_META.search(name)]


def _weaken(given: dict[str, list[Given]], key: str, rule: str) -> None:
    """Marks the candidate of `rule` as used only when the text yields nothing. JSON-LD whose datePublished is its
    dateModified, to the second, states the record's save time: on wcxb's train pages where such a datePublished
    and a date the page text states disagree, the gold is the text's 5 times of 5."""
    for stated in given.get(key, []):
        if stated.rule == rule:
            stated.strong = False


def _metas(tree: Any) -> dict[str, str]:
    """<meta name|property|itemprop=... content=...>, names lower-cased, first one wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    return found


def _json_ld(tree: Any) -> dict[str, Any]:
    """The first JSON-LD object of an article type (or any with a headline or date); {} without one."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # broken JSON-LD is common; the meta tags may still say it
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds) or "datePublished" in item:
                return item
    return {}


def _ld_items(data: Any) -> list[dict[str, Any]]:
    """The objects of a JSON-LD block: a list, an @graph, or one object."""
    items = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            graph = item.get("@graph")
            out += [g for g in graph if isinstance(g, dict)] if isinstance(graph, list) else [item]
    return out
