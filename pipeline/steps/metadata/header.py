"""The article's header: title, dateline and byline, found near the body and checked against the page's first line.

A page rendered as text usually starts with its HTML <title> ("Headline | Site"); the headline proper (the
<h1>) sits just before the body, followed by the byline and dateline block. So the title is the line near
the body that the first line repeats (whole, or without a site name), and the byline and dateline are
looked for in a few lines around it.
"""
from __future__ import annotations

import re

from pipeline.config import MetadataConfig
from pipeline.steps.metadata.dates import has_date, opens_with_date, parse_date
from pipeline.document import Unit
from pipeline.steps.memo import per_document
from pipeline.steps.metadata.fields import NOT_NAME, PAGE_WORDS, TITLE_SEP, byline_authors, explicit_byline, name_line_authors, title_heads, title_variants
from pipeline.steps.text import WORD, ends_sentence, fold, fold_head, has_letters, words

HEADER_WINDOW = 6  # units before the first body paragraph searched when no title was found
BEFORE_TITLE = 3  # a dateline or category line may sit just above the headline
AFTER_TITLE = 8  # the byline/dateline block rarely runs longer than this below the headline
NAME_LINE_AFTER = 4  # a line that is only a name, with a date nearby, counts as a byline this close to a found headline
FAR_DATELINE = 40  # how far below the headline a dateline is looked for when the header block has none
ANY_DATELINE_TRIES = 8  # candidate lines parsed when the date is looked for on the whole page
MAX_BYLINE_WORDS = 25
NAME_BY_DATE_BEFORE = 6  # a signature-and-date block may sit a few lines above the headline
DATE_ONLY_WORDS = 6  # a line this short that states a date is a date line
SIGNATURE_WORDS = 4  # a signature beside a date line: a name or 'Staff'
FAR_KEPT_BYLINE_WORDS = 10  # a kept line far from the headline is a byline only this short
MAX_DATELINE_WORDS = 16
SHORT_DATELINE_WORDS = 8  # a kept line this short that states a date is a dateline, not prose
MAX_NAME_LINE_WORDS = 10  # "Jane Doe, Senior Reporter • May 1, 2022"; longer lines are prose

HEADER_BLOCK = 3  # lines after a headline in which its byline or dateline is looked for
TITLE_BELOW_BODY = 40  # the first prose line may be a teaser or a caption above the real headline
MIN_DICE = 0.3  # a headline shares at least this share of words with the <title> (Dice coefficient)
MIN_TITLE_SCORE = 0.55  # Dice, plus 0.3 when a byline or dateline follows
_READ_TIME = re.compile(r"\b\d+\s*(?:min(?:ute)?s?|mins?)\.?\s*(?:read|de\s+lecture|lesezeit|de\s+lectura)\b|\b(?:lesezeit|reading\s+time)\b", re.IGNORECASE)
_ATTRIBUTION = re.compile(r"^[—–-]\s")  # "— Jane Doe on May 1, 2022": who said a quote
_PUBLISHED = re.compile(r"^\W*(?:originally\s+)?(?:published|posted|publication\s+date|veröffentlicht|publié|publicado|pubblicato)\b", re.IGNORECASE)
# "Posted on November 25, 2024 in News, Health, ...": a dateline, however long the list after its date.
_PUBLISHED_ON = re.compile(rf"{_PUBLISHED.pattern}\s*:?\s*(?:on\s+)?", re.IGNORECASE)
_DESK = re.compile(r"^(?:the\s+)?(?:[\w.-]+\s+)?(?:staff|team|newsdesk|news\s+desk|editors|editorial\s+team)(?:\s+\w+)?$", re.IGNORECASE)
# By-words that are everyday words in English: far from the headline they count only on a page in their language.
_FOREIGN_BY_LANGS = {"door": "nl", "di": "it", "av": "sv", "af": "da"}
_FOREIGN_BY = re.compile(r"^(door|di|av|af)\b", re.IGNORECASE)
_BY_ALONE = re.compile(r"^(?:by|written\s+by|posted\s+by|author|autor|von|par|por)\s*:?$", re.IGNORECASE)



def find_title(units: list[Unit], skip: list[bool], first_body: int) -> int | None:
    """Index of the line the first line (the <title>) repeats, nearest before the body; None without one."""
    if len(units) < 3:
        return None
    variants, heads = title_variants(units[0].text), title_heads(units[0].text)
    # A line's folded text can equal a form of the title only when its first character does: most lines are not folded.
    firsts = {k[0] for k in variants}
    hits = [i for i in range(1, len(units)) if fold_head(units[i].text) in firsts and fold(units[i].text) in variants
            and has_letters(units[i].text)]
    # A short headline before a longer site name ('Book Reviews | The Writing Center') is looked for above the body
    # only: the site's name repeats in the page's header and footer, the headline is the repeat nearest the body.
    firsts = {k[0] for k in heads}
    heads_before = [i for i in range(1, min(len(units), first_body + 1)) if fold_head(units[i].text) in firsts
                    and fold(units[i].text) in heads and has_letters(units[i].text)]
    before = sorted({i for i in hits if i <= first_body} | set(heads_before))
    return before[-1] if before else (hits[0] if hits else None)


@per_document(mutable=True)
def _content_words(text: str) -> set[str]:
    """Folded words of a line, for comparing a headline with the <title>."""
    return set(WORD.findall(fold(text)))


def _opens_header_block(units: list[Unit], i: int) -> bool:
    """True when a byline, a name line or a dateline follows line i closely."""
    for unit in units[i + 1:i + 1 + HEADER_BLOCK]:
        text = unit.text
        if byline_authors(text) or _BY_ALONE.match(text) or name_line_authors(text) or (len(text) < 80 and has_date(text)):
            return True
    return False


def similar_to_title(units: list[Unit], first_body: int) -> int | None:
    """The line most like the <title> in words, helped when a byline or dateline follows it."""
    tag = _content_words(units[0].text) if units else set()
    if not tag:
        return None  # a <title> without words is like no line
    sites = {fold(p) for p in TITLE_SEP.split(units[0].text.strip())} - set(title_variants(units[0].text))
    best, best_score = None, 0.0
    for i in range(1, min(len(units), first_body + TITLE_BELOW_BODY)):
        text = units[i].text
        if ends_sentence(text.rstrip("?!")):
            continue
        line = _content_words(text)
        if not 2 <= len(line) <= 30 or fold(text) in sites or _inside_body(units, i):
            continue
        dice = 2 * len(tag & line) / (len(tag) + len(line))
        if dice < MIN_DICE or dice + 0.3 <= best_score:
            continue  # cannot win even with a header block below it: do not look for one (bylines are costly)
        score = dice + (0.3 if _opens_header_block(units, i) else 0.0)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= MIN_TITLE_SCORE else None


def _tag_is_headline(units: list[Unit], first_body: int) -> bool:
    """True when the first line reads like a <title>: page chrome follows it and it is no date, byline or sentence."""
    text = units[0].text if units else ""
    alpha = [w for w in text.split() if w.isalpha() and len(w) > 1]
    return (first_body > HEADER_WINDOW and len(alpha) >= 3 and not units[0].kept and not has_date(text)
            and not byline_authors(text) and not ends_sentence(text.rstrip("?!")))


def nearest_headline(units: list[Unit], skip: list[bool], nwords: list[int], first_body: int) -> int | None:
    """The last short non-sentence line before the body that is neither a dateline nor a byline."""
    for i in range(first_body - 1, max(-1, first_body - 1 - HEADER_WINDOW), -1):
        text = units[i].text
        if skip[i] or byline_authors(text) or (nwords[i] <= MAX_DATELINE_WORDS and has_date(text)):
            continue
        if _inside_body(units, i):
            return None  # kept text runs on above it: the article started before, without a headline in view
        if 2 <= nwords[i] <= 30 and not ends_sentence(text.rstrip("?!")) and has_letters(text):
            return i
    return None


def _inside_body(units: list[Unit], i: int) -> bool:
    """True when the line right above line i is kept article text: a headline opens the article, it does not continue it.

    A short dated line opening the kept text above is the dateline this pass labels next, not article text, whatever
    the model made of it."""
    if i == 0 or not units[i - 1].kept:
        return False
    above = units[i - 1].text
    opens = i == 1 or not units[i - 2].kept
    return not (opens and len(words(above)) <= MAX_DATELINE_WORDS and has_date(above))


def body_start(units: list[Unit]) -> int:
    """Index of the first kept unit that is prose (a sentence of content, as classify judged it), or len(units)."""
    for i, unit in enumerate(units):
        if unit.label == "body" and unit.cls in ("good", "near") and ends_sentence(unit.text):
            return i
    return len(units)


def label_header(units: list[Unit], meta: MetadataConfig, lang: str | None, headline: int | None = None) -> None:
    """Labels title, byline and dateline among the units classify left; rule matches and repeated lines are skipped.

    `headline` is the unit an HTML page's markup names as its headline (an <h1> its <title> agrees with)."""
    skip, nwords = [u.flagged for u in units], [len(words(u.text)) for u in units]
    first_body = body_start(units)
    title, rule = headline, "header.html_headline"
    if title is None:
        title, rule = find_title(units, skip, first_body), "header.title_tag_repeat"
    if title is None:
        title, rule = similar_to_title(units, first_body), "header.like_title_tag"
    if title is None and _tag_is_headline(units, first_body):
        title, rule = 0, "header.title_tag"
    if title is None:
        title, rule = nearest_headline(units, skip, nwords, first_body), "header.nearest_headline"
    if title is not None:
        units[title].label, units[title].rule, units[title].kind = "title", rule, "paragraph"
        if rule == "header.title_tag_repeat" and title > 0 and units[0].kept:
            # The page's <title> line, repeated by the headline below it, is the page's label, not the article's text.
            units[0].label, units[0].rule = "page_meta", "header.title_tag_line"
    anchor = title if title is not None else first_body
    languages = [lang, "en"] if lang and lang != "en" else ["en"]
    after_by = False
    for i in range(max(0, anchor - BEFORE_TITLE), min(len(units), anchor + AFTER_TITLE + 1)):
        if i == title:
            continue
        if after_by and nwords[i] <= MAX_NAME_LINE_WORDS and _names_after_by(units[i].text):
            units[i].label, units[i].rule = "byline", "header.byline_after_by"
        else:
            # (a name line is this short: _label_line asks no more of a longer line, so its neighbours' dates are not read)
            near = title is not None and 0 < i - title <= NAME_LINE_AFTER and nwords[i] <= MAX_NAME_LINE_WORDS and _dated_nearby(units, i)
            _label_line(units[i], nwords[i], meta, languages, near)
        after_by = bool(_BY_ALONE.match(units[i].text.strip()))
        if after_by:
            units[i].label, units[i].rule = "byline", "header.byline"
    if not any(u.label in ("dateline", "byline") and has_date(u.text) for u in units):
        _far_dateline(units, nwords, anchor, meta, languages)
    if not any(u.label in ("dateline", "byline") and has_date(u.text) and parse_date(u.text, meta, languages) for u in units):
        _any_dateline(units, nwords, anchor, meta, languages)
    if not _named_byline(units):
        _name_by_date(units, skip, nwords, anchor)
    if not _named_byline(units):
        _far_byline(units, nwords, anchor, lang)


def _named_byline(units: list[Unit]) -> bool:
    """True when a byline was labelled other than a lone 'By' (whose name is on the next line)."""
    return any(u.label == "byline" and (u.rule != "header.byline" or byline_authors(u.text)) for u in units)


def _name_by_date(units: list[Unit], skip: list[bool], nwords: list[int], anchor: int) -> None:
    """A short signature ('Jane Doe', 'Staff') right above or below a date-only line near the headline."""
    for i in range(max(0, anchor - NAME_BY_DATE_BEFORE), min(len(units), anchor + AFTER_TITLE + 1)):
        if nwords[i] > DATE_ONLY_WORDS or not has_date(units[i].text) or _BY_ALONE.match(units[i].text):
            continue
        for j in (i - 1,):  # the signature above the date: a name below one is more often a category or a menu
            unit = units[j] if 0 <= j < len(units) else None
            if unit is None or skip[j] or j == anchor or unit.label in ("title", "dateline", "byline") or nwords[j] > SIGNATURE_WORDS:
                continue
            if not has_date(unit.text) and not ends_sentence(unit.text) and not _READ_TIME.search(unit.text) and _signature(unit.text):
                unit.label, unit.rule = "byline", "header.name_by_date"
                return


def _names_after_by(text: str) -> list[str]:
    """Authors of the line below a lone 'By': its own byline ('by Jane Doe'), or the line read as if 'By' opened it."""
    if _BY_ALONE.match(text.strip()):
        return []
    return byline_authors(text) or byline_authors(f"By {text}")


def _signature(text: str) -> bool:
    """A name ('Jane Doe'), a one-word pen name ('Kev', 'janedoe') or a desk ('Staff', 'The News Team'), not a menu item."""
    if name_line_authors(text) or _DESK.search(text):
        return True
    word = text.strip()
    return (" " not in word and len(word) >= 3 and not word.isupper() and word.replace("-", "").isalnum()
            and not NOT_NAME.search(word) and not PAGE_WORDS.search(word))


def _dated_nearby(units: list[Unit], i: int) -> bool:
    """True when line i or one of its two neighbours on either side states a date or a reading time."""
    return any(has_date(u.text) or _READ_TIME.search(u.text) for u in units[max(0, i - 3):i + 4])


def _foreign_by(text: str, lang: str | None) -> bool:
    """True for a line opening with another language's by-word on a page not in it ('Door Locks' on an English page)."""
    found = _FOREIGN_BY.match(text.strip())
    return found is not None and _FOREIGN_BY_LANGS[found.group(1).lower()] != lang


def _far_byline(units: list[Unit], nwords: list[int], anchor: int, lang: str | None) -> None:
    """The byline nearest the headline anywhere: a line opening with 'By', 'Written by', 'Autor:'... that names someone,
    or a name right below a lone 'By'. A kept line counts only when short and no sentence ('By Jane Doe', not 'By noon, ...')."""
    found: list[tuple[int, str]] = []
    for i, (unit, n) in enumerate(zip(units, nwords)):
        if n > MAX_BYLINE_WORDS:
            continue  # too long for a byline, and for a lone 'By' (two words at most)
        if unit.label in ("title", "dateline", "byline") and not (unit.label == "byline" and _BY_ALONE.match(unit.text)):
            continue
        if _foreign_by(unit.text, lang):
            continue
        if (not unit.kept or (n <= FAR_KEPT_BYLINE_WORDS and not ends_sentence(unit.text))) and explicit_byline(unit.text):
            found.append((i, "header.byline_elsewhere"))
        elif i + 1 < len(units) and _BY_ALONE.match(unit.text.strip()) and nwords[i + 1] <= MAX_NAME_LINE_WORDS \
                and units[i + 1].label not in ("title", "dateline") and _names_after_by(units[i + 1].text):
            found.append((i + 1, "header.byline_after_by"))
    if found:
        i, rule = min(found, key=lambda f: abs(f[0] - anchor))
        units[i].label, units[i].rule = "byline", rule


def _far_dateline(units: list[Unit], nwords: list[int], anchor: int, meta: MetadataConfig, languages: list[str]) -> None:
    """The first short removed line with a date below the headline, when the header block had none."""
    for i in range(anchor + 1, min(len(units), anchor + FAR_DATELINE)):
        unit = units[i]
        if _ATTRIBUTION.match(unit.text):
            continue
        if (not unit.kept or nwords[i] <= SHORT_DATELINE_WORDS) and nwords[i] <= MAX_DATELINE_WORDS and parse_date(unit.text, meta, languages):
            unit.label, unit.rule = "dateline", "header.first_date_below_title"
            return


def _any_dateline(units: list[Unit], nwords: list[int], anchor: int, meta: MetadataConfig, languages: list[str]) -> None:
    """The date line nearest the headline anywhere on the page, a 'Published'/'Posted' one first, when none was found near it."""
    # Cheap tests first: the date pattern is the costly one on a long page.
    found = [i for i, u in enumerate(units) if nwords[i] <= MAX_BYLINE_WORDS and u.label not in ("title", "dateline", "byline")
             and (nwords[i] <= MAX_DATELINE_WORDS or _PUBLISHED.match(u.text))
             and (not u.kept or nwords[i] <= SHORT_DATELINE_WORDS or _PUBLISHED.match(u.text))
             and not _ATTRIBUTION.match(u.text) and has_date(u.text)]
    found.sort(key=lambda i: (not _PUBLISHED.search(units[i].text), abs(i - anchor)))
    for i in found[:ANY_DATELINE_TRIES]:  # dateparser is slow: a few nearest candidates only
        if parse_date(units[i].text, meta, languages):
            units[i].label, units[i].rule = "dateline", "header.date_anywhere"
            return


def _label_line(unit: Unit, nwords: int, meta: MetadataConfig, languages: list[str], near_title: bool) -> None:
    """Byline or dateline label for one line of the header block, when it is one."""
    if _ATTRIBUTION.match(unit.text) or (unit.kept and nwords > MAX_NAME_LINE_WORDS and ends_sentence(unit.text)):
        return  # a quote's attribution or a sentence of the body, not the article's own byline
    if nwords <= MAX_BYLINE_WORDS and byline_authors(unit.text) and not _foreign_by(unit.text, languages[0]):
        unit.label, unit.rule = "byline", "header.byline"
    elif near_title and nwords <= MAX_NAME_LINE_WORDS and name_line_authors(unit.text):
        unit.label, unit.rule = "byline", "header.name_line"
    elif (_letter_words(unit.text) <= MAX_DATELINE_WORDS or _dated_opening(unit.text)) and parse_date(unit.text, meta, languages):
        unit.label, unit.rule = "dateline", "header.dateline"


def _dated_opening(text: str) -> bool:
    """True for a line opening with a publishing word and a date ('Posted on November 25, 2024 in News, Health')."""
    found = _PUBLISHED_ON.match(text)
    return found is not None and opens_with_date(text[found.end():])


def _letter_words(text: str) -> int:
    """Words with a letter: a dateline's numbers are its dates and times ('Fri 5 Dec 2025 12.00 CET'), not prose."""
    return sum(1 for w in words(text) if has_letters(w))
