"""Step `classify`: every unit gets a verdict (body, heading, title, dateline, byline or a boilerplate category).

Four passes, as jusText does it on HTML but with plain-text signals only:
1. each unit alone: catalogue rules, cross-file repetition, and a content class from its length and
   stopword density (good, near, short, bad);
2. short and borderline units are re-judged from their nearest clear neighbours;
3. the main body is the densest run of content (a maximum-sum segment over per-unit scores); what lies
   outside it is boilerplate unless it is the article's title, dateline or byline;
4. inside the body, short lines that introduce content are headings; rule matches stay boilerplate.

With the line model (pipeline/model.py) on, its keep/remove decision replaces the span of pass 3,
except that rule matches, lines repeated across files and the other lines of a rule-matched box are always removed.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.config import ClassifyConfig, MetadataConfig
from pipeline.steps.metadata.header import label_header
from pipeline.document import Document, Unit
from pipeline.steps.classify.features import BULLET, body_span, ends_sentence, has_letters, identify_language, stopword_density, stopwords, words
from pipeline.steps.classify.rules import Match, Matcher, normalise

if TYPE_CHECKING:
    from pipeline.steps.classify.line_model.rows import LineModel

BOX_MAX_UNITS = 6  # a block this small is one box (a nag, a credit); larger blocks are whole texts without blank lines
MARKER_PENALTY = 400

_DIGITS = re.compile(r"\d")


@dataclass(slots=True)
class _Facts:
    """What pass 1 learned about a unit."""

    words: int
    chars: int
    cls: str  # good | near | short | bad
    match: Match | None
    repeated: bool


def fingerprint(text: str) -> str:
    """Key under which a line is counted across files: case, digits and punctuation do not matter."""
    key = _DIGITS.sub("0", normalise(text))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def detect_language(units: list[Unit]) -> tuple[str | None, float]:
    """Language of the longest units, which are most likely the article's prose."""
    longest = sorted(units, key=lambda u: len(u.text), reverse=True)[:8]
    sample = "\n".join(u.text for u in longest)
    if not sample:
        return None, 0.0
    return identify_language(sample)


def content_class(tokens: list[str], chars: int, text: str, stops: frozenset[str], config: ClassifyConfig) -> str:
    """jusText's per-paragraph class from length and stopword density, or from punctuation without a stoplist."""
    if chars < config.length_low:
        return "short"
    if not stops:
        return "good" if ends_sentence(text) and chars >= config.length_high else ("near" if ends_sentence(text) else "bad")
    density = stopword_density(tokens, stops)
    if density >= config.stopwords_high:
        return "good" if chars > config.length_high or ends_sentence(text) else "near"
    return "near" if density >= config.stopwords_low else "bad"


def _clear_before(classes: list[str]) -> list[str]:
    """For each unit, the nearest clear class (good or bad) before it; 'bad' past the start."""
    out, last = [], "bad"
    for cls in classes:
        out.append(last)
        if cls in ("good", "bad"):
            last = cls
    return out


def revise(classes: list[str]) -> list[str]:
    """Pass 2: short and near units take the class their clear neighbours agree on (jusText)."""
    out = list(classes)
    before, after = _clear_before(classes), _clear_before(classes[::-1])[::-1]
    for i, cls in enumerate(classes):
        if cls not in ("short", "near"):
            continue
        prev, nxt = before[i], after[i]
        if cls == "near":
            out[i] = "bad" if prev == nxt == "bad" else "good"
        else:
            out[i] = "good" if prev == nxt == "good" else "bad"
    return out


def _score(fact: _Facts, revised: str) -> float:
    """A unit's contribution to the body segment: content is positive, boilerplate negative."""
    if fact.match is not None:
        return -MARKER_PENALTY if fact.match.ends_article else -max(50.0, fact.chars)
    if fact.repeated:
        return -max(50.0, fact.chars)
    if fact.cls == "good":
        return float(fact.chars)
    if fact.cls == "near":
        return fact.chars * (0.5 if revised == "good" else -0.2)
    if fact.cls == "short":
        return 5.0 if revised == "good" else -15.0
    return -min(float(fact.chars), 200.0)


def shape_category(text: str, nwords: int) -> str:
    """Category of boilerplate that no rule named, from its shape."""
    if not has_letters(text):
        return "junk"
    if nwords <= 3:
        return "navigation"
    return "related"


def _looks_like_heading(unit: Unit, fact: _Facts, config: ClassifyConfig) -> bool:
    """A short line that does not end a sentence and has letters: a subheading if content follows."""
    return (fact.match is None and 1 <= fact.words <= config.max_heading_words and has_letters(unit.text)
            and not unit.text.rstrip("\"”’»)").endswith((".", ",", ";", "…")))


def _first_body(units: list[Unit], facts: list[_Facts]) -> int:
    """Index of the first kept unit that is prose (a sentence of content), or len(units)."""
    for i, (unit, fact) in enumerate(zip(units, facts)):
        if unit.label == "body" and fact.cls in ("good", "near") and ends_sentence(unit.text):
            return i
    return len(units)


def _teasers_after_headers(units: list[Unit], facts: list[_Facts]) -> None:
    """Headline-shaped lines right after a "Related"-style header are its teasers, not subheadings."""
    after_header = False
    for unit, fact in zip(units, facts):
        if fact.match is not None:
            after_header = fact.match.category == "related" and fact.match.ends_article
        elif unit.kept and after_header and fact.words <= 25 and not ends_sentence(unit.text):
            unit.label, unit.rule = "related", "context.after_related_header"
        else:
            after_header = False


def _adopt_block_category(units: list[Unit], facts: list[_Facts]) -> None:
    """Boilerplate no rule named takes the category of a rule match in its own block (a nag box is one block)."""
    by_block: dict[int, Match] = {}
    sizes = Counter(unit.block for unit in units)
    for unit, fact in zip(units, facts):
        if fact.match is not None and not fact.match.ends_article and sizes[unit.block] <= BOX_MAX_UNITS:
            by_block.setdefault(unit.block, fact.match)
    for unit in units:
        match = by_block.get(unit.block)
        if match is not None and unit.rule.startswith(("context.", "model.")) and not unit.kept:
            unit.label, unit.rule = match.category, "context.same_block"


def unit_kind(text: str) -> str:
    """paragraph, list_item or quote, from the line's first characters."""
    if BULLET.match(text):
        return "list_item"
    if text.startswith(">"):
        return "quote"
    return "paragraph"


@dataclass(slots=True)
class Analysis:
    """Passes 1-3 over a document: per-unit facts, revised classes and the body span."""

    facts: list[_Facts]
    revised: list[str]
    start: int
    end: int


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def effective_chars(text: str) -> int:
    """Length in Latin-equivalent characters: a CJK character carries about as much as three letters."""
    return len(text) + 2 * len(_CJK.findall(text)) if not text.isascii() else len(text)


def analyse(doc: Document, config: ClassifyConfig, matcher: Matcher) -> Analysis:
    """Passes 1-3; also sets `doc.language`, which picks the stopword list."""
    lang, _ = detect_language(doc.units)
    doc.language = lang
    stops = stopwords(lang)
    rep = config.repetition
    facts: list[_Facts] = []
    for unit in doc.units:
        tokens = words(unit.text)
        chars = effective_chars(unit.text)
        match = matcher.match(unit.text, len(tokens))
        repeated = rep.enabled and len(tokens) <= rep.max_words and fingerprint(unit.text) in doc.repeated
        facts.append(_Facts(len(tokens), chars, content_class(tokens, chars, unit.text, stops, config), match, repeated))
    revised = revise([f.cls if f.match is None and not f.repeated else "bad" for f in facts])
    start, end = body_span([_score(f, r) for f, r in zip(facts, revised)])
    return Analysis(facts, revised, start, end)


def classify(doc: Document, config: ClassifyConfig, matcher: Matcher, meta: MetadataConfig, model: LineModel | None = None) -> Document:
    """Labels every unit of `doc` in place; with a model, its keep/remove decision replaces pass 3."""
    units = doc.units
    if not units:
        return doc
    an = analyse(doc, config, matcher)
    facts, revised = an.facts, an.revised
    if model is not None:
        keep = _model_keep(units, an, model, config)
        for i in range(len(units)):
            _label_by_model(units, facts, i, keep, config)
        _teasers_after_headers(units, facts)
    else:
        for i in range(len(units)):
            _label_unit(units, facts, revised, i, an.start <= i <= an.end, config)
    _adopt_block_category(units, facts)
    label_header(units, [(f.match is not None or f.repeated, f.words) for f in facts], _first_body(units, facts), meta, doc.language)
    return doc


def _model_keep(units: list[Unit], an: Analysis, model: LineModel, config: ClassifyConfig) -> list[bool]:
    """Which units stay: the model decides, with the body run and rule matches as safeguards."""
    facts = an.facts
    # A line repeated across the folder's files is boilerplate by definition, whatever the model makes of it.
    keep = [not f.repeated and p >= model.threshold for p, f in zip(model.probabilities(units, an), facts)]
    keep = _drop_box_mates(units, facts, keep)
    keep = _keep_subheadings(units, facts, keep, an, config)
    if not any(k and f.match is None for k, f in zip(keep, facts)):
        # The model found no article at all: fall back to the densest run rather than lose everything.
        keep = [an.start <= i <= an.end for i in range(len(units))]
    return keep


def _drop_box_mates(units: list[Unit], facts: list[_Facts], keep: list[bool]) -> list[bool]:
    """A line in a small block whose other lines mostly match rules belongs to that box (a nag, a credit): drop it."""
    matched: Counter[int] = Counter(u.block for u, f in zip(units, facts) if f.match is not None and not f.match.ends_article)
    sizes = Counter(u.block for u in units)
    return [k and not (f.match is None and 2 <= sizes[u.block] <= BOX_MAX_UNITS and 2 * matched[u.block] >= sizes[u.block])
            for u, f, k in zip(units, facts, keep)]


def _keep_subheadings(units: list[Unit], facts: list[_Facts], keep: list[bool], an: Analysis, config: ClassifyConfig) -> list[bool]:
    """A heading-shaped line between kept content inside the body run is a subheading: keep it."""
    out = list(keep)
    for i in range(max(1, an.start), min(an.end, len(units) - 1)):
        if not keep[i] and keep[i - 1] and keep[i + 1] and facts[i + 1].cls == "good" and facts[i].cls == "short" \
                and _looks_like_heading(units[i], facts[i], config) and not facts[i].repeated:
            out[i] = True
    return out


def _label_by_model(units: list[Unit], facts: list[_Facts], i: int, keep: list[bool], config: ClassifyConfig) -> None:
    """Pass 4 when the line model decided what stays: kept units become body or headings."""
    unit, fact = units[i], facts[i]
    if keep[i] and fact.match is None:
        nxt = i + 1 < len(units) and keep[i + 1] and facts[i + 1].cls in ("good", "near")
        if fact.cls in ("short", "bad") and _looks_like_heading(unit, fact, config) and nxt and not BULLET.match(unit.text):
            unit.label, unit.kind, unit.rule = "heading", "heading", "model.heading"
        else:
            unit.label, unit.kind = "body", unit_kind(unit.text)
    elif fact.match is not None:
        unit.label, unit.rule = fact.match.category, fact.match.rule
    elif fact.repeated:
        unit.label, unit.rule = shape_category(unit.text, fact.words), "repetition.across_files"
    else:
        unit.label, unit.rule = shape_category(unit.text, fact.words), "model.boilerplate"


def _label_unit(units: list[Unit], facts: list[_Facts], revised: list[str], i: int, inside: bool, config: ClassifyConfig) -> None:
    """Pass 4 for one unit."""
    unit, fact = units[i], facts[i]
    if fact.match is not None:
        unit.label, unit.rule = fact.match.category, fact.match.rule
    elif fact.repeated:
        unit.label, unit.rule = shape_category(unit.text, fact.words), "repetition.across_files"
    elif not inside:
        unit.label, unit.rule = shape_category(unit.text, fact.words), "context.outside_body"
    elif revised[i] == "good" and fact.cls in ("good", "near"):
        unit.label, unit.kind = "body", unit_kind(unit.text)
    elif _looks_like_heading(unit, fact, config) and _next_is_body(facts, revised, i):
        unit.label, unit.kind, unit.rule = "heading", "heading", "context.heading"
    elif revised[i] == "good":
        unit.label, unit.kind = "body", unit_kind(unit.text)
    else:
        unit.label, unit.rule = shape_category(unit.text, fact.words), "context.short_in_boilerplate"


def _next_is_body(facts: list[_Facts], revised: list[str], i: int) -> bool:
    """True when the next unit is content."""
    j = i + 1
    return j < len(facts) and facts[j].match is None and revised[j] == "good"
