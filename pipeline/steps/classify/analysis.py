"""Passes 1-3 of `classify`: the facts of each unit alone, the classes revised from their neighbours, the body span.

The line model (line_model/) reads the same analysis, so it lives here, below both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import ClassifyConfig
from pipeline.document import Document, Unit
from pipeline.steps.classify.language import identify_language, stopword_density, stopwords
from pipeline.steps.text import ends_sentence, words
from pipeline.steps.classify.repetition import unit_key
from pipeline.steps.classify.rules import Match, Matcher



@dataclass(slots=True)
class Facts:
    """What pass 1 learned about a unit."""

    words: int
    chars: int
    cls: str  # good | near | short | bad
    match: Match | None
    repeated: bool


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


def _score(fact: Facts, revised: str) -> float:
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


@dataclass(slots=True)
class Analysis:
    """Passes 1-3 over a document: per-unit facts, revised classes and the body span."""

    facts: list[Facts]
    revised: list[str]
    start: int
    end: int
    stops: frozenset[str] = frozenset()  # the stopword list of the detected language (empty when none is packaged)


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
    check_repeated = rep.enabled and bool(doc.repeated)  # no key to compute when no line repeats across files
    facts: list[Facts] = []
    seen: dict[str, Facts] = {}  # a page repeats a quarter of its lines (menus, share bars): one Facts per text, read-only
    for unit in doc.units:
        text = unit.text
        fact = seen.get(text)
        if fact is None:
            tokens = words(text)
            chars = effective_chars(text)
            match = matcher.match(text, len(tokens))
            repeated = check_repeated and unit_key(text, len(tokens), rep) in doc.repeated
            fact = seen[text] = Facts(len(tokens), chars, content_class(tokens, chars, text, stops, config), match, repeated)
        facts.append(fact)
    revised = revise([f.cls if f.match is None and not f.repeated else "bad" for f in facts])
    start, end = body_span([_score(f, r) for f, r in zip(facts, revised)])
    return Analysis(facts, revised, start, end, stops)


MARKER_PENALTY = 400


def body_span(scores: list[float]) -> tuple[int, int]:
    """Indices [start, end] of the maximum-sum run of scores (Kadane); (0, -1) when nothing is positive."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = s, i
        else:
            total += s
        if total > best:
            best, best_span = total, (start, i)
    return best_span
