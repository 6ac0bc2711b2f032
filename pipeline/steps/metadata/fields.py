"""Title, authors and published date read from the labelled header units; the name and byline helpers."""
from __future__ import annotations

import re

from pipeline.config import MetadataConfig
from pipeline.steps.metadata.dates import MONTHS, has_date, published_date
from pipeline.document import Document, Unit
from pipeline.steps.text import fold, has_letters
from pipeline.steps.memo import per_document

LENIENT_MAX_WORDS = 8  # a byline whose name is lower-case or one word ("by time news") is this short at most

# A byline's opening words, in the languages we see most; the name follows.
_BY = re.compile(
    r"^(?:(?:written|words|text|story|reporting|posted|published|article|created|compiled|interview)\s+by|by|von|text\s+von|"
    r"geschrieben\s+von|par|écrit\s+par|por|escrito\s+por|di|scritto\s+da|door|geschreven\s+door|przez|av|af|"
    r"autor(?:in|a)?|author|authors|auteur|autore|автор|yazar|writer|reporter)\b(?![’'])\s*[:：]?\s*",
    re.IGNORECASE,
)
# "May 1, 2022 by Jane Doe", "Published: ... by Jane Doe": a by-phrase after a date or a publishing verb.
# "Reviewed by X — Written by Y": the writer's segment, wherever it sits in the line.
_WRITTEN_BY = re.compile(r"(?:^|[|•·⋅●—–]\s*|\s-\s)(?:written|words|text|story|reporting)\s+by\s*:?\s+(?=\S)", re.IGNORECASE)
# By-words that are also everyday words of another language ("Door Locks"): a one-word name after them is no name.
_WEAK_BY = re.compile(r"^(?:door|di|av|af|author|authors|writer|reporter)\b", re.IGNORECASE)
_INLINE_BY = re.compile(r"(?:^|[\s|•·⋅/])(?:posted\s+|written\s+|published\s+)?by\s+(?=\S)", re.IGNORECASE)
# What follows the names: a separator, a date, a publishing verb, a section ("in Business"), counts.
_TAIL = re.compile(
    r"\s*(?:[|•·⋅●/]|\s[-–—]\s|\s+in$|\b(?:on|am|le|el|il|em|op|in|dans|en|im)\s+(?=\S)|\b(?:published|posted|updated|last\s+updated|"
    r"modified|reviewed|fact[-\s]checked|edited|photos?|veröffentlicht|aktualisiert|publiziert|erschienen|publié|mis\s+à\s+jour|publicado|actualizado)\b|\d"
    rf"|\b(?:{MONTHS})\.?\s+\d).*$",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bi\b|\bи\b|\boraz\b)\s*", re.IGNORECASE)
# What listings are sorted or filtered by ("Browse by industry"), never who wrote an article.
_FILTERS = "role|category|industry|information|website|type|size|topic|location|date|price|brand|features"
_FILTER = re.compile(rf"\b(?:{_FILTERS})\b", re.IGNORECASE)
# Words of a role or a page element, never of a name.
NOT_NAME = re.compile(
    r"\b(?:staff|senior|chief|contributing|special|writer|editor|editors|reporter|correspondent|columnist|contributor|"
    r"journalist|photographer|expert|founder|ceo|director|manager|home|menu|search|share|subscribe|login|sign|read|more|"
    r"news|related|posts?|contact|about|privacy|policy|terms|table|contents|comments?|reply|follow|newsletter|blog|"
    r"categories|tags|skip|advertisement|minutes?|min|views?|takeaways|summary|introduction|conclusion|overview|"
    r"the|of|for|to|with|how|what|why|best|top|guide|tips|review|reviews|by|written|posted|bio|link|copy|our|your|my|"
    rf"article|this|{_FILTERS})\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"^(?:head|executive|senior|chief|staff|contributing|managing|associate|assistant|deputy|former|lead|editor|writer|"
    r"reporter|correspondent|columnist|contributor|founder|co-founder|director|manager|analyst|specialist|expert|"
    r"consultant|journalist|gardener|author)$",
    re.IGNORECASE,
)
# Page elements that a lone "By" above them never introduces ("By" / "Recent Posts").
PAGE_WORDS = re.compile(r"\b(?:home|menu|search|share|subscribe|login|sign|read|more|related|posts?|recent|contact|comments?|"
                         r"reply|follow|categories|tags|profile|written|posted|published|back)\b", re.IGNORECASE)
_ARTICLE = re.compile(r"(?:the|a|an)\s")  # "By the Numbers" is a heading; "By The Desk" may be a signature
_PLAIN = re.compile(r"[\w'’ .&-]+")
_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z]?\.?){1,3}\.?[®]?$|^(?:M\.D\.|Ph\.?D\.?|MD|PhD|RN|RD|CFP®?|CPA|MBA|DVM|MS|MA|BSc|MSc)$")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÞА-Я][\w'’.-]*|\([\w.-]+\)|de|da|di|del|der|den|van|von|la|le|bin|al|dos|du|ter|y)$")
# Separators between a headline and a site name in an HTML <title>.
TITLE_SEP = re.compile(r"\s+(?:[|｜•·»:]|::|[-–—]{1,2})\s+")
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")
_SEGMENTS = re.compile(r"\s*[|•·⋅]\s*")
_LEADING_DATES = re.compile(rf"^(?:(?:posted|published|updated)?\s*(?:on\s+)?(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\s*)+", re.IGNORECASE)


def looks_like_name(text: str) -> bool:
    """Two to five capitalised words (particles allowed) that are not a role or a page element."""
    tokens = text.split()
    return (2 <= len(tokens) <= 5 and all(_NAME_WORD.match(t) for t in tokens) and tokens[0][0].isupper()
            and not NOT_NAME.search(text) and any(len(t.strip(".")) > 1 for t in tokens))


def _end(rest: str) -> str:
    """The names part without trailing punctuation; a final dot stays on a credential or initial ('Ph.D.', 'Jr.')."""
    rest = rest.strip(" ,;:*")
    last = rest.split()[-1] if rest.split() else ""
    return rest if last.endswith(".") and ("." in last[:-1] or len(last) <= 3) else rest.strip(" .,;:*")


def split_names(text: str) -> list[str]:
    """Authors in 'Jane Doe, John Roe and Ann Poe'; credentials ('MD', 'Ph.D.') stay with their name."""
    names: list[str] = []
    for raw in _AND.split(text):
        part = raw.strip(" ,;:—–-|")
        if not part:
            continue
        if names and _CREDENTIAL.match(part):
            names[-1] = f"{names[-1]}, {part}"
            continue
        whole = _dedupe(part.rstrip(".*"))
        part = _drop_role(whole)
        single = len(part.split()) == 1 and part[:1].isupper() and not NOT_NAME.search(part)
        if looks_like_name(part) or (single and all(len(n.split()) == 1 for n in names)):  # "Linny and Peter"
            names.append(part)
        if part != whole or part not in names:
            break  # a role ('Staff Writer', 'Founder & Lead Reviewer') ends the list
    return names


def _drop_role(name: str) -> str:
    """'Jane Doe Executive Digital Editor' -> 'Jane Doe': a role written after the name without a comma."""
    tokens = name.split()
    for k in range(2, len(tokens)):
        if _ROLE.match(tokens[k]):
            return " ".join(tokens[:k])
    return name


def _dedupe(name: str) -> str:
    """'Jane Doe Jane Doe' (a name printed twice, as link and as text) -> 'Jane Doe'."""
    tokens = name.split()
    half = len(tokens) // 2
    return " ".join(tokens[:half]) if len(tokens) % 2 == 0 and half and tokens[:half] == tokens[half:] else name


@per_document(mutable=True)
def byline_authors(text: str) -> list[str]:
    """Authors a byline line names ('By Jane Doe and John Roe | May 1, 2022'); [] when it is not one."""
    text = text.strip(" \t-–—|•·●")
    match = _BY.match(text)
    if match:
        rest = _end(_TAIL.sub("", text[match.end():]))
        names = split_names(rest)
        if _WEAK_BY.match(text) and not any(len(n.split()) > 1 for n in names):
            return []
        # After an explicit "By", a short lower-case or one-word signature ("by time news") is still a name,
        # on a short line only: "By continuing on our website, you agree..." is a sentence.
        lenient = [rest] if 1 <= len(rest.split()) <= 4 and len(text.split()) <= LENIENT_MAX_WORDS and has_letters(rest) \
            and _PLAIN.fullmatch(rest) and not _FILTER.search(rest) and not PAGE_WORDS.search(rest) and not _ARTICLE.match(rest) else []
        return names or lenient
    written = _WRITTEN_BY.search(text)
    if written:
        return split_names(_end(_TAIL.sub("", text[written.end():])))
    inline = _INLINE_BY.search(text)
    if inline and inline.start() > 0 and has_date(text):
        rest = _end(_TAIL.sub("", text[inline.end():]))
        signature = len(rest.split()) <= 3 and all(w[:1].isupper() or w.isalnum() for w in rest.split()) and not _FILTER.search(rest)
        return split_names(rest) or ([rest] if rest and signature and not re.search(r"[.!?,;:]", rest) else [])
    return []


def explicit_byline(text: str) -> bool:
    """True for a line that opens with a byline word ('By', 'Written by', 'Von', 'Autor:') and names someone."""
    return _BY.match(text.strip(" \t-–—|•·")) is not None and bool(byline_authors(text))


@per_document(mutable=True)
def name_line_authors(text: str) -> list[str]:
    """Authors of a line that is only a name, maybe with a date or role after it ('Jane Doe • May 1, 2022')."""
    names = split_names(_TAIL.sub("", text.strip()))
    return names if names and looks_like_name(names[0].split(",")[0]) else []


@per_document(mutable=True)
def title_variants(tag: str) -> dict[str, str]:
    """Forms of the headline a <title> may hold, by folded text: every run of its parts that holds the longest one.

    The longest part is the headline; a run without it is a site or section name ('Science Daily').
    """
    tag = tag.strip()
    parts, seps = TITLE_SEP.split(tag), TITLE_SEP.findall(tag)
    longest = max(range(len(parts)), key=lambda k: len(parts[k].split()))
    variants = {}
    for start in range(longest + 1):
        text = parts[start]
        for k in range(start + 1, len(parts) + 1):
            if k > longest:
                variants[fold(text)] = text
            if k < len(parts):
                text += seps[k - 1] + parts[k]
    return {k: v for k, v in variants.items() if len(k.split()) >= 2 or len(k) >= 12}


@per_document(mutable=True)
def title_heads(tag: str) -> dict[str, str]:
    """Runs of the <title>'s parts before its longest one, by folded text: a short headline before a longer site
    name ('Book Reviews – The Writing Center'), which title_variants takes for the site."""
    tag = tag.strip()
    parts, seps = TITLE_SEP.split(tag), TITLE_SEP.findall(tag)
    longest = max(range(len(parts)), key=lambda k: len(parts[k].split()))
    heads = {}
    for start in range(longest):
        text = parts[start]
        for k in range(start + 1, longest + 1):
            heads[fold(text)] = text
            if k < longest:
                text += seps[k - 1] + parts[k]
    return {k: v for k, v in heads.items() if len(k.split()) >= 2 or len(k) >= 12}


def _title(units: list[Unit]) -> tuple[str | None, Unit | None]:
    """The headline; a headline the <title> repeats is written as the <title> writes it (its quotes, its case)."""
    unit = _first(units, "title")
    if unit is None:
        return None, None
    if unit.rule == "header.title_tag_repeat":
        tag = units[0].text
        return (title_variants(tag) | title_heads(tag)).get(fold(unit.text), unit.text), unit
    return clean_title(unit.text), unit


def clean_title(text: str) -> str:
    """The headline without a trailing ' | Site' or ' - Site' suffix."""
    stripped = _SITE_SUFFIX.sub("", text)
    return stripped if len(stripped.split()) >= 2 else text


def _first(units: list[Unit], label: str) -> Unit | None:
    """The first unit with `label`."""
    return next((u for u in units if u.label == label), None)


# Which byline to trust first: an explicit one in the header block beats a bare name line near the headline,
# which beats a byline found far from it; a name in a dateline comes last.
_AUTHOR_RULES = ("header.byline", "header.byline_after_by", "header.name_line", "header.name_by_date", "header.byline_elsewhere")


def _authors(units: list[Unit]) -> tuple[list[str], Unit | None]:
    """Authors from the most trusted byline that names someone, else from a name in a dateline ('May 1, 2022 · Jane Doe')."""
    ranked = sorted((u for u in units if u.label in ("byline", "dateline")),
                    key=lambda u: _AUTHOR_RULES.index(u.rule) if u.label == "byline" and u.rule in _AUTHOR_RULES else len(_AUTHOR_RULES))
    for unit in ranked:
        names = byline_authors(unit.text) or name_line_authors(unit.text) or _name_segment(unit.text)
        if not names and unit.rule in ("header.byline_after_by", "header.name_by_date"):
            names = byline_authors(f"By {unit.text}")  # the 'By' stood on the line above
        if names:
            return names, unit
    return [], None


def _name_segment(text: str) -> list[str]:
    """Authors of the first name-only segment of a 'date · 5 min · Jane Doe' line."""
    for segment in _SEGMENTS.split(text):
        names = name_line_authors(_LEADING_DATES.sub("", segment))
        if names:
            return names
    return []


def _published(units: list[Unit], config: MetadataConfig, languages: list[str]) -> tuple[str | None, Unit | None]:
    """The publication date: the first dateline or byline stating one; an 'updated' date only as a fallback."""
    fallback: tuple[str | None, Unit | None] = (None, None)
    for unit in units:
        if unit.label in ("dateline", "byline"):
            found, updated = published_date(unit.text, config, languages)
            if found and not updated:
                return found.isoformat(), unit
            if found and fallback[0] is None:
                fallback = (found.isoformat(), unit)
    return fallback


def metadata(doc: Document, config: MetadataConfig) -> Document:
    """Fills `doc.meta` and `doc.meta_source`."""
    units = doc.units
    doc.meta["title"], title = _title(units)
    doc.meta["authors"], byline = _authors(units)
    languages = [doc.language, "en"] if doc.language and doc.language != "en" else ["en"]
    doc.meta["published"], dated = _published(units, config, languages)
    for key, unit in (("title", title), ("authors", byline), ("published", dated)):
        if unit is not None and doc.meta[key]:
            doc.meta_source[key] = {"line": unit.line, "rule": unit.rule}
    return doc

