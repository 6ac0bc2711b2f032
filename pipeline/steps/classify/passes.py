"""Step `classify`: every unit gets a verdict (body, heading, title, dateline, byline or a boilerplate category).

Four passes, as jusText does it on HTML but with plain-text signals only:
1. each unit alone: catalogue rules, cross-file repetition, and a content class from its length and
   stopword density (good, near, short, bad);
2. short and borderline units are re-judged from their nearest clear neighbours;
3. the main body is the densest run of content (a maximum-sum segment over per-unit scores); what lies
   outside it is boilerplate unless it is the article's title, dateline or byline;
4. inside the body, short lines that introduce content are headings; rule matches stay boilerplate.

With the line model (line_model/) on, its keep/remove decision replaces the span of pass 3,
except that rule matches, lines repeated across files and the other lines of a rule-matched box are always removed.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from pipeline.config import ClassifyConfig
from pipeline.document import Document, Unit
from pipeline.steps.classify.analysis import Analysis, Facts, analyse
from pipeline.steps.classify.line_model.dom_rows import dom_groups, dom_rows
from pipeline.steps.classify.line_model.predict import LineModel
from pipeline.steps.classify.rules import Match, Matcher
from pipeline.steps.text import BULLET, ends_sentence, has_letters

BOX_MAX_UNITS = 6  # a block this small is one box (a nag, a credit); larger blocks are whole texts without blank lines


def shape_category(text: str, nwords: int) -> str:
    """Category of boilerplate that no rule named, from its shape."""
    if not has_letters(text):
        return "junk"
    if nwords <= 3:
        return "navigation"
    return "related"


def _looks_like_heading(unit: Unit, fact: Facts, config: ClassifyConfig) -> bool:
    """A short line that does not end a sentence and has letters: a subheading if content follows."""
    return (fact.match is None and 1 <= fact.words <= config.max_heading_words and has_letters(unit.text)
            and not unit.text.rstrip("\"”’»)").endswith((".", ",", ";", "…")))


def _teasers_after_headers(units: list[Unit], facts: list[Facts]) -> None:
    """Headline-shaped lines right after a "Related"-style header are its teasers, not subheadings."""
    after_header = False
    for unit, fact in zip(units, facts):
        if fact.match is not None:
            after_header = fact.match.category == "related" and fact.match.ends_article
        elif unit.kept and after_header and fact.words <= 25 and not ends_sentence(unit.text):
            unit.label, unit.rule = "related", "context.after_related_header"
        else:
            after_header = False


def _adopt_block_category(units: list[Unit], facts: list[Facts]) -> None:
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


def classify(doc: Document, config: ClassifyConfig, matcher: Matcher, model: LineModel | None = None,
             html_model: LineModel | None = None) -> Document:
    """Labels every unit of `doc` in place; with a model, its keep/remove decision replaces pass 3.

    An HTML page (units with DOM context) is judged by `html_model` when there is one, from text and DOM features."""
    units = doc.units
    if not units:
        return doc
    an = analyse(doc, config, matcher)
    facts, revised = an.facts, an.revised
    extra = groups = None
    if doc.dom is not None and html_model is not None:
        which = [doc.dom.line_block[u.line - 1] for u in units]
        model, extra, groups = html_model, dom_rows(doc.dom, which), dom_groups(doc.dom, which)
    if model is not None:
        keep = _model_keep(units, an, model, config, extra, groups)
        for i in range(len(units)):
            _label_by_model(units, facts, i, keep, config)
        _teasers_after_headers(units, facts)
        if extra is not None:
            _dom_kinds(units, doc)
    else:
        for i in range(len(units)):
            _label_unit(units, facts, revised, i, an.start <= i <= an.end, config)
    _adopt_block_category(units, facts)
    for unit, fact in zip(units, facts):  # what the metadata step's header search needs to know of each unit
        unit.cls, unit.flagged = fact.cls, fact.match is not None or fact.repeated
    return doc


def _model_keep(units: list[Unit], an: Analysis, model: LineModel, config: ClassifyConfig, extra: np.ndarray | None = None,
                groups: np.ndarray | None = None) -> list[bool]:
    """Which units stay: the model decides, with the body run and rule matches as safeguards."""
    facts = an.facts
    # A line repeated across the folder's files is boilerplate by definition, whatever the model makes of it.
    keep = [not f.repeated and p >= model.threshold for p, f in zip(model.probabilities(units, an, extra, groups), facts)]
    keep = _drop_box_mates(units, facts, keep)
    keep = _keep_subheadings(units, facts, keep, an, config)
    if not any(k and f.match is None for k, f in zip(keep, facts)):
        # The model found no article at all: fall back to the densest run rather than lose everything.
        keep = [an.start <= i <= an.end for i in range(len(units))]
    keep = _guard_body(units, an, keep)
    # Islands were found and measured on plain text; on HTML the DOM model's own decisions lose tfeval snippets to it.
    return keep if extra is not None else _drop_islands(units, facts, keep)


GUARD_MIN_CHARS = 400  # a densest run shorter than this is no article to defend (a stub, a list of links)
GUARD_SHARE = 0.25  # the model keeping less than this share of the densest run's prose has lost the body


def _guard_body(units: list[Unit], an: Analysis, keep: list[bool]) -> list[bool]:
    """A body that almost all goes is a wrong decision, not an output: keep the densest run's prose then.

    Dialogue in fiction or an article of short lines can look like a list of links to the model; the rule-based
    densest run still sees its prose. The units it brings back carry the rule `model.body_guard`."""
    facts = an.facts
    run = [i for i in range(an.start, an.end + 1)
           if facts[i].match is None and not facts[i].repeated and an.revised[i] == "good"]
    run_chars = sum(facts[i].chars for i in run)
    kept = sum(f.chars for k, f in zip(keep, facts) if k and f.match is None)
    if run_chars < GUARD_MIN_CHARS or kept >= GUARD_SHARE * run_chars:
        return keep
    out = list(keep)
    for i in run:
        if not out[i]:
            out[i], units[i].rule = True, "model.body_guard"
    return out


def _dom_kinds(units: list[Unit], doc: Document) -> None:
    """A kept unit of an HTML page takes its kind from its element: <h2>-<h6> a heading (and only they), <li> a list
    item, <blockquote> a quote."""
    assert doc.dom is not None
    for unit in units:
        if not unit.kept:
            continue
        block = doc.dom.blocks[doc.dom.line_block[unit.line - 1]]
        if block.heading >= 2:
            unit.label, unit.kind, unit.rule = "heading", "heading", unit.rule or "model.heading"
            continue
        if unit.label == "heading":
            unit.label, unit.rule = "body", ""
        unit.kind = {"li": "list_item", "blockquote": "quote"}.get(block.tag, "paragraph")


def _drop_box_mates(units: list[Unit], facts: list[Facts], keep: list[bool]) -> list[bool]:
    """A line in a small block whose other lines mostly match rules belongs to that box (a nag, a credit): drop it."""
    matched: Counter[int] = Counter(u.block for u, f in zip(units, facts) if f.match is not None and not f.match.ends_article)
    sizes = Counter(u.block for u in units)
    return [k and not (f.match is None and 2 <= sizes[u.block] <= BOX_MAX_UNITS and 2 * matched[u.block] >= sizes[u.block])
            for u, f, k in zip(units, facts, keep)]


ISLAND_MAX_WORDS = 8  # a kept line this short with removed lines on both sides is a stray label, not the article
ISLAND_RULE = "model.island"


def _drop_islands(units: list[Unit], facts: list[Facts], keep: list[bool]) -> list[bool]:
    """A short kept line whose neighbours on both sides go is a stray in boilerplate (a widget's label, a teaser's
    kicker, a price), not an article of one line: drop it, with the rule `model.island`. Rule matches count as gone."""
    stays = [k and f.match is None for k, f in zip(keep, facts)]
    out = list(keep)
    for i in range(1, len(units) - 1):
        if stays[i] and not stays[i - 1] and not stays[i + 1] and facts[i].cls in ("short", "bad") \
                and facts[i].words <= ISLAND_MAX_WORDS:
            out[i], units[i].rule = False, ISLAND_RULE
    return out


def _keep_subheadings(units: list[Unit], facts: list[Facts], keep: list[bool], an: Analysis, config: ClassifyConfig) -> list[bool]:
    """A heading-shaped line between kept content inside the body run is a subheading: keep it."""
    out = list(keep)
    for i in range(max(1, an.start), min(an.end, len(units) - 1)):
        if not keep[i] and keep[i - 1] and keep[i + 1] and facts[i + 1].cls == "good" and facts[i].cls == "short" \
                and _looks_like_heading(units[i], facts[i], config) and not facts[i].repeated:
            out[i] = True
    return out


def _label_by_model(units: list[Unit], facts: list[Facts], i: int, keep: list[bool], config: ClassifyConfig) -> None:
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
        unit.label, unit.rule = shape_category(unit.text, fact.words), unit.rule if unit.rule == ISLAND_RULE else "model.boilerplate"


def _label_unit(units: list[Unit], facts: list[Facts], revised: list[str], i: int, inside: bool, config: ClassifyConfig) -> None:
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


def _next_is_body(facts: list[Facts], revised: list[str], i: int) -> bool:
    """True when the next unit is content."""
    j = i + 1
    return j < len(facts) and facts[j].match is None and revised[j] == "good"
