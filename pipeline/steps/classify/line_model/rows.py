"""Feature rows of the line model: plain-text features of each unit, of its neighbours and of the document
(stage 1), and of the first stage's probabilities around it (stage 2). Trained by bench/train_lines.py on shared
benchmark data only."""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from itertools import accumulate
from typing import Any

import numpy as np

from pipeline.config import CATEGORIES
from pipeline.document import Unit
from pipeline.steps.classify.analysis import Analysis, body_span
from pipeline.steps.text import BULLET, LETTER, ends_sentence, words

_CLS = {"bad": 0, "short": 1, "near": 2, "good": 3}
_CATEGORY = {name: i for i, name in enumerate(CATEGORIES)}
_DIGIT = re.compile(r"\d")
_LINKISH = re.compile(r"https?://|www\.|@\w|\.com\b")
_SEPARATOR = re.compile(r" [|/•·] ")
# Words that mark a photo caption or credit in the common news languages.
_CAPTION_WORDS = (
    "photo", "photos", "image", "picture", "pictured", "file", "credit", "courtesy", "handout", "getty", "reuters", "ap",
    "afp", "epa", "shutterstock", "foto", "bild", "bildquelle", "fotografía", "imagen", "immagine", "imagem", "afbeelding",
    "zdjęcie", "фото", "снимок")
# The look-ahead at the words' first letters changes no match; it lets the engine pass other positions 2x faster.
_CAPTION_CUE = re.compile(rf"\b(?=[{''.join(sorted({w[0] for w in _CAPTION_WORDS}))}])({'|'.join(_CAPTION_WORDS)})\b",
                          re.IGNORECASE)

FEATURES = (
    "log_chars", "words", "ends_sentence", "ends_colon", "bullet", "digit_ratio", "upper_ratio", "symbol_ratio",
    "has_letters", "rule_match", "rule_ends_article", "rule_category", "repeated", "cls", "revised_good",
    "in_span", "span_distance", "position", "good_mass_before", "block_size", "index_in_block", "linkish",
    "separators", "log_units", "trailing_zone",
    "prev1_log_chars", "prev1_cls", "prev1_rule", "prev2_log_chars", "prev2_cls", "prev2_rule",
    "next1_log_chars", "next1_cls", "next1_rule", "next2_log_chars", "next2_cls", "next2_rule",
    "rules_nearby", "short_run", "doc_good_share", "doc_rule_share",
    "headline_run", "caps_share", "caption_cue", "dup_in_doc", "prev1_ends", "next1_ends", "good_after",
    "run_digit_share",
    "stop_ratio", "log_tokens", "cjk_share", "tabs", "prev_colon", "colon_above", "bullet_run", "list_flanked",
    "quote_start", "quote_window", "doc_quote_share", "sentences", "doc_short_share",
)


# Character classes the features count, one bit each: a line's count of a class is `len(re.findall(CLASS, line))`.
# Words are counted as `\b\w` matches, capitalised words as `\b[A-ZÀ-ÖØ-ÞА-Я]` ones.
_IS_DIGIT, _IS_WORD, _IS_ALNUM, _IS_ALPHA, _IS_UPPER, _IS_INITIAL, _IS_LETTER, _KNOWN = (1 << k for k in range(8))
_INITIAL = re.compile(r"[A-ZÀ-ÖØ-ÞА-Я]")
_CLASS_TESTS = (
    (_IS_DIGIT, _DIGIT.match), (_IS_WORD, re.compile(r"\w").match), (_IS_ALNUM, str.isalnum), (_IS_ALPHA, str.isalpha),
    (_IS_UPPER, str.isupper), (_IS_INITIAL, _INITIAL.match), (_IS_LETTER, LETTER.match),
)


class _CharClasses:
    """Bits of every code point seen so far, each worked out once per process by the same test on the character."""

    def __init__(self) -> None:
        self.table = np.zeros(0x110000, dtype=np.uint8)

    def of(self, codes: np.ndarray) -> np.ndarray:
        """The bits of each code point in `codes`."""
        bits = self.table[codes]
        new = np.unique(codes[bits == 0])  # _KNOWN is set on every code point seen, so 0 means unseen
        if len(new):
            self.table[new] = [sum(bit for bit, test in _CLASS_TESTS if test(chr(c))) | _KNOWN for c in new.tolist()]
            bits = self.table[codes]
        return bits


_CHARS = _CharClasses()


def _packed_tables() -> tuple[tuple[np.ndarray, int], ...]:
    """The counted classes of a character, from its bits, `\b` before it (bit 8) and whether it is a space (bit 9),
    packed in 16-bit lanes of two uint64 tables: digits, upper initials, word starts and symbols; letters, alpha and
    upper-case alpha. A line's lane sums are its counts while it is shorter than 2**16 characters."""
    key = np.arange(1 << 10)
    bits, boundary, space = key & 0xFF, (key >> 8) & 1 == 1, (key >> 9) & 1 == 1
    digit, word, alnum, alpha, upper, initial, letter = ((bits & bit) > 0 for bit, _ in _CLASS_TESTS)
    flags = [digit, initial & boundary, word & boundary, ~alnum & ~space, letter, alpha, alpha & upper]
    pack = lambda group: np.bitwise_or.reduce([f.astype(np.uint64) << np.uint64(_LANE * k) for k, f in enumerate(group)])
    return (pack(flags[:4]), 4), (pack(flags[4:]), 3)


_LANE = 16
_PACKED = _packed_tables()


def _line_counts(texts: list[str]) -> dict[str, np.ndarray]:
    """Per-line counts of character classes and patterns, over the document's lines joined by newlines at once.

    Equal to counting in each line alone: a newline is not a word character (so `\b` sees a line's ends as it sees
    a string's), and no pattern counted here matches one, so no match spans two lines.
    """
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    bits = _CHARS.of(codes)
    word = (bits & _IS_WORD) > 0
    boundary = word != np.concatenate(([False], word[:-1]))  # `\b` before each character
    if len(lengths) and lengths.max() >= 1 << _LANE:  # a count might not fit its lane
        digit, word, alnum, alpha, upper, initial, letter = ((bits & bit) > 0 for bit, _ in _CLASS_TESTS)
        flags = np.stack([digit, initial & boundary, word & boundary, ~alnum & (codes != 32), letter, alpha, alpha & upper])
        cum = np.zeros((len(flags), len(codes) + 1), dtype=np.int32)
        np.cumsum(flags, axis=1, out=cum[:, 1:])
        counts = list(cum[:, starts + lengths] - cum[:, starts])
    else:
        key = bits.astype(np.intp) | (boundary.astype(np.intp) << 8) | ((codes == 32).astype(np.intp) << 9)
        counts = []
        for table, lanes in _PACKED:  # a cumulative sum of four lanes at once: 3x fewer additions than one per class
            cum = np.zeros(len(codes) + 1, dtype=np.uint64)
            np.cumsum(table[key], out=cum[1:])  # wraps past 2**64, which the differences undo
            total = cum[starts + lengths] - cum[starts]
            counts += [((total >> np.uint64(_LANE * k)) & np.uint64((1 << _LANE) - 1)).astype(np.int64) for k in range(lanes)]
    names = ("digits", "upper_initials", "word_starts", "symbols", "letters", "alpha", "upper_alpha")
    out = dict(zip(names, counts))
    out["length"] = lengths
    for name, pattern in (("linkish", _LINKISH), ("separators", _SEPARATOR), ("caption_cues", _CAPTION_CUE)):
        found = np.fromiter((m.start() for m in pattern.finditer(joined)), dtype=np.int64)
        out[name] = np.bincount(np.searchsorted(starts, found, side="right") - 1, minlength=len(texts))
    return out


def feature_rows(units: list[Unit], an: Analysis) -> np.ndarray:
    """One feature row per unit, in FEATURES order: the document's units at once, column by column."""
    if not units:
        return np.zeros((0, len(FEATURES)))
    texts = [u.text for u in units]
    cols = _unit_columns(units, texts, an)
    cols.update(_context_columns(cols))
    cols.update(_shape_columns(texts, cols))
    cols.update(_language_free_columns(texts, an, cols))
    rows = np.empty((len(units), len(FEATURES)))
    for j, name in enumerate(FEATURES):
        rows[:, j] = cols[name]
    return rows


def _unit_columns(units: list[Unit], texts: list[str], an: Analysis) -> dict[str, Any]:
    """The features of each unit on its own, and of its place in the document."""
    facts, n = an.facts, len(units)
    counts = _line_counts(texts)
    length = np.maximum(1, counts["length"])
    matches = [f.match for f in facts]
    idx = np.arange(n)
    distance = np.where(idx < an.start, idx - an.start, np.where(idx > an.end, idx - an.end, 0))
    chars = np.array([f.chars for f in facts], dtype=np.int64)
    cls = np.array([_CLS[f.cls] for f in facts])
    good = np.where(cls == _CLS["good"], chars, 0)
    ends_article = np.array([m is not None and m.ends_article for m in matches])
    block_size, index_in_block = _block_places(np.array([u.block for u in units]))
    return {
        "log_chars": [math.log1p(c) for c in chars.tolist()],  # math's log1p, as the model was trained with
        "words": np.minimum([f.words for f in facts], 300), "ends_sentence": [ends_sentence(t) for t in texts],
        "ends_colon": [t.endswith(":") for t in texts], "bullet": [BULLET.match(t) is not None for t in texts],
        "digit_ratio": counts["digits"] / length,
        "upper_ratio": counts["upper_initials"] / np.maximum(1, counts["word_starts"]),
        "symbol_ratio": counts["symbols"] / length, "has_letters": counts["letters"] > 0,
        "rule_match": [m is not None for m in matches], "rule_ends_article": ends_article,
        "rule_category": [_CATEGORY.get(m.category, -1) if m is not None else -1 for m in matches],
        "repeated": [f.repeated for f in facts], "cls": cls, "revised_good": [r == "good" for r in an.revised],
        "in_span": (idx >= an.start) & (idx <= an.end), "span_distance": distance.clip(-50, 50),
        "position": idx / max(1, n - 1), "good_mass_before": (np.cumsum(good) - good) / (good.sum() or 1),
        "block_size": block_size, "index_in_block": index_in_block, "linkish": counts["linkish"] > 0,
        "separators": counts["separators"], "log_units": math.log1p(n),
        # After an end-of-article marker past the densest run, the rest is the page's tail.
        "trailing_zone": np.maximum.accumulate(ends_article & (idx > an.end)),
        "chars": chars, "good": good, "digits": counts["digits"] > 0,
        "caps_share": np.where(counts["alpha"] > 0, counts["upper_alpha"] / np.maximum(1, counts["alpha"]), 0.0),
        "caption_cue": counts["caption_cues"] > 0,
    }


def _block_places(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each unit, the number of units of its block and its place among them."""
    order = np.argsort(blocks, kind="stable")
    ordered = blocks[order]
    first, last = np.searchsorted(ordered, ordered, side="left"), np.searchsorted(ordered, ordered, side="right")
    size, place = np.empty_like(order), np.empty_like(order)
    size[order], place[order] = last - first, np.arange(len(blocks)) - first
    return size, place


def _context_columns(cols: dict[str, Any]) -> dict[str, Any]:
    """Features of each unit's neighbours and of the whole document."""
    n = len(cols["cls"])
    out: dict[str, Any] = {}
    for name, col, pad in (("log_chars", "log_chars", 0.0), ("cls", "cls", -1.0), ("rule", "rule_match", 0.0)):
        values = np.asarray(cols[col], dtype=np.float64)
        for side, step in (("prev", 1), ("next", -1)):
            for k in (1, 2):
                out[f"{side}{k}_{name}"] = _shifted(values, step * k, pad)
    matched = np.concatenate(([0], np.cumsum(cols["rule_match"])))
    idx = np.arange(n)
    out["rules_nearby"] = matched[np.minimum(n, idx + 4)] - matched[np.maximum(0, idx - 3)]
    # Short units from here on, up to 6.
    not_short = np.minimum.accumulate(np.where(cols["cls"] != _CLS["short"], idx, n)[::-1])[::-1]
    out["short_run"] = np.minimum(not_short - idx, 6)
    # How much of the whole input is prose tells a cut-out article container from a full page.
    out["doc_good_share"] = cols["good"].sum() / max(1, cols["chars"].sum())
    out["doc_rule_share"] = matched[-1] / max(1, n)
    return out


def _shape_columns(texts: list[str], cols: dict[str, Any]) -> dict[str, Any]:
    """Features of lists of headlines, captions and lines repeated within the page (pull quotes, teasers)."""
    ends = np.asarray(cols["ends_sentence"], dtype=bool)
    shaped = ((cols["words"] >= 2) & (cols["words"] <= 25) & cols["has_letters"] & ~ends
              & np.array([not t.endswith(",") for t in texts]))  # shaped like a headline or kicker
    lo, hi = _run_bounds(shaped)
    run = np.where(shaped, hi - lo + 1, 0)
    # A list of dates, scores or specs is part of the article more often than a list of headlines is.
    digits = np.concatenate(([0], np.cumsum(cols["digits"])))
    # " ".join(TOKEN.findall(t.lower())): a word is word-character runs joined by apostrophes, so its runs are its parts.
    normed = [" ".join(words(t)).replace("'", " ").replace("’", " ") for t in texts]
    good, total_good = cols["good"], cols["good"].sum() or 1
    return {
        "headline_run": np.minimum(run, 20),
        # A line whose words recur elsewhere in the page is a pull quote, a repeated teaser or a duplicated caption.
        "dup_in_doc": _occurring_twice(normed),
        "prev1_ends": _shifted(ends.astype(np.float64), 1, 0.0), "next1_ends": _shifted(ends.astype(np.float64), -1, 0.0),
        "good_after": (total_good - np.cumsum(good)) / total_good,
        "run_digit_share": np.where(shaped, (digits[hi + 1] - digits[lo]) / np.maximum(1, run), -1.0),
    }


def _occurring_twice(normed: list[str]) -> list[bool]:
    """For each line (of 12 characters or more), whether `"\\n".join(normed).count(line) > 1`.

    A line holds no newline, so its occurrences lie within lines: it occurs twice when it is two lines, or inside a
    longer line. So one search per line, in the distinct longer lines only, not two over the whole page.
    """
    counts = Counter(normed)
    longest = sorted(counts, key=len, reverse=True)
    haystack = "\n".join(longest)
    ends = list(accumulate(len(line) + 1 for line in longest))  # where each line's newline would be
    shorter = [-len(line) for line in longest]  # ascending: the lines longer than n come before bisect(-n)
    out = []
    for line in normed:
        longer = bisect_left(shorter, -len(line))
        out.append(len(line) >= 12 and (counts[line] > 1 or (longer > 0 and haystack.find(line, 0, ends[longer - 1]) >= 0)))
    return out


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# A line opening with a quotation mark or a dash: dialogue in fiction and interviews, or a quoted statement.
_QUOTE_START = re.compile(r"^\s*[\"“”„«»‘’‚'‹›「『—–-]\s*\S")
_SENTENCE_END = re.compile(r"[.!?…。！？](?=\s|$)")


def _language_free_columns(texts: list[str], an: Analysis, cols: dict[str, Any]) -> dict[str, Any]:
    """Features that carry across languages and scripts: stopword share, CJK-aware length, lists, tables, dialogue."""
    n = len(texts)
    idx = np.arange(n)
    tokens = [words(t) for t in texts]
    cjk = np.array([len(_CJK.findall(t)) if not t.isascii() else 0 for t in texts], dtype=np.float64)
    colon = np.array([t.rstrip().endswith((":", "：")) for t in texts])
    # How far back the nearest line ending in a colon is: the items of a list it introduces follow it.
    last_colon = np.maximum.accumulate(np.where(colon, idx, -1))
    before = _shifted(last_colon.astype(np.float64), 1, -1.0)
    bullet = np.asarray(cols["bullet"], dtype=bool)
    b_lo, b_hi = _run_bounds(bullet)
    # A run of short lines with prose right before it (1), right after it (2) or both (3) sits inside the article.
    good = cols["cls"] == _CLS["good"]
    shortish = (cols["cls"] == _CLS["short"]) | (cols["cls"] == _CLS["bad"])
    s_lo, s_hi = _run_bounds(shortish)
    last_good = np.maximum.accumulate(np.where(good, idx, -1))
    next_good = np.minimum.accumulate(np.where(good, idx, n)[::-1])[::-1]
    good_before = np.where(s_lo > 0, last_good[np.maximum(s_lo - 1, 0)], -1)
    good_after = np.where(s_hi < n - 1, next_good[np.minimum(s_hi + 1, n - 1)], n)
    flanked = ((good_before >= 0) & (s_lo - good_before <= 2)).astype(int) + 2 * ((good_after < n) & (good_after - s_hi <= 2))
    quote = np.array([_QUOTE_START.match(t) is not None for t in texts], dtype=np.float64)
    return {
        "stop_ratio": [sum(map(an.stops.__contains__, ws)) / len(ws) if ws and an.stops else -1.0 for ws in tokens],
        "log_tokens": np.log1p(np.array([len(ws) for ws in tokens], dtype=np.float64) + cjk),
        "cjk_share": cjk / np.maximum(1, np.array([len(t) for t in texts], dtype=np.float64)),
        "tabs": [min(t.count("\t"), 20) for t in texts],
        "prev_colon": _shifted(colon.astype(np.float64), 1, 0.0),
        "colon_above": np.where(before >= 0, np.minimum(10, idx - before), 10),
        "bullet_run": np.where(bullet, np.minimum(b_hi - b_lo + 1, 30), 0),
        "list_flanked": np.where(shortish, flanked, 0),
        "quote_start": quote, "quote_window": _window_mean(quote, 4), "doc_quote_share": quote.mean(),
        "sentences": [min(len(_SENTENCE_END.findall(t)), 20) for t in texts],
        "doc_short_share": float(np.mean(cols["cls"] == _CLS["short"])),
    }


# Second stage: features of a unit's neighbourhood in the first stage's probabilities (a CRF-like smoothing).
STACK_FEATURES = FEATURES + (
    "p", "p_prev1", "p_prev2", "p_prev3", "p_next1", "p_next2", "p_next3", "p_window2", "p_window6",
    "run_len", "run_log_chars", "run_from_start", "run_to_end", "in_main", "main_distance", "main_gap_chars",
    "doc_mean_p", "doc_kept_share", "doc_runs", "headline_run_p", "prev_good_p", "next_good_p",
)
STACK_SEPARATOR = "\n=== stage 2 ===\n"  # joins the two boosters of a stacked model file
_KEEP = 0.5  # what counts as "kept" by the first stage when runs and the main block are measured
_COL = {name: FEATURES.index(name) for name in ("log_chars", "cls", "headline_run")}


def _shifted(p: np.ndarray, k: int, pad: float = -1.0) -> np.ndarray:
    """p moved by k places (p[i - k] at i), `pad` past the edges."""
    out = np.full_like(p, pad)
    if k > 0:
        out[k:] = p[:-k]
    else:
        out[:k] = p[-k:]
    return out


def _window_mean(p: np.ndarray, k: int) -> np.ndarray:
    """Mean of p over the k units on each side of each unit, the unit itself left out."""
    c = np.concatenate(([0.0], np.cumsum(p)))
    idx = np.arange(len(p))
    lo, hi = np.maximum(0, idx - k), np.minimum(len(p), idx + k + 1)
    count = hi - lo - 1
    return np.where(count > 0, (c[hi] - c[lo] - p) / np.maximum(count, 1), -1.0)


def _run_bounds(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each unit, the first and last index of the run of equal flags holding it."""
    n = len(flags)
    change = np.flatnonzero(flags[1:] != flags[:-1]) + 1
    starts, ends = np.concatenate(([0], change)), np.concatenate((change - 1, [n - 1]))
    which = np.repeat(np.arange(len(starts)), ends - starts + 1)
    return starts[which], ends[which]


def stack_rows(base: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Second-stage rows of one document: its first-stage rows plus features of the probabilities around each unit."""
    n = len(p)
    if n == 0:
        return np.zeros((0, len(STACK_FEATURES)))
    chars = np.expm1(base[:, _COL["log_chars"]])
    kept = p >= _KEEP
    lo, hi = _run_bounds(kept)
    cum = np.concatenate(([0.0], np.cumsum(chars)))
    idx = np.arange(n)
    start, end = body_span(((p - _KEEP) * np.sqrt(chars + 1)).tolist())
    in_main = (idx >= start) & (idx <= end)
    distance = np.where(idx < start, idx - start, np.where(idx > end, idx - end, 0)).clip(-50, 50)
    gap = np.where(idx < start, cum[max(start, 0)] - cum[idx + 1], np.where(idx > end, cum[idx] - cum[end + 1], 0.0))
    total = cum[-1] or 1.0
    # Mean probability of the run of headline-shaped lines a unit belongs to: is the list kept as a whole?
    shaped = base[:, _COL["headline_run"]] > 0
    s_lo, s_hi = _run_bounds(shaped)
    pc = np.concatenate(([0.0], np.cumsum(p)))
    run_p = np.where(shaped, (pc[s_hi + 1] - pc[s_lo]) / (s_hi - s_lo + 1), -1.0)
    good = base[:, _COL["cls"]] == 3
    cols = [
        p, _shifted(p, 1), _shifted(p, 2), _shifted(p, 3), _shifted(p, -1), _shifted(p, -2), _shifted(p, -3),
        _window_mean(p, 2), _window_mean(p, 6),
        np.where(kept, 1, -1) * (hi - lo + 1), np.log1p(cum[hi + 1] - cum[lo]), idx - lo, hi - idx,
        in_main.astype(float), distance.astype(float), np.sign(gap) * np.log1p(np.abs(gap)),
        np.full(n, p.mean()), np.full(n, float(chars[kept].sum() / total)), np.full(n, float(len(np.unique(lo[kept])))),
        run_p, _nearest(p, good, -1), _nearest(p, good, 1),
    ]
    return np.column_stack([base, *cols])


def _nearest(p: np.ndarray, mask: np.ndarray, step: int) -> np.ndarray:
    """For each unit, p of the nearest other unit with `mask` in direction `step` (-1 when none)."""
    if step > 0:
        return _nearest(p[::-1], mask[::-1], -1)[::-1]
    last = np.maximum.accumulate(np.where(mask, np.arange(len(p)), -1))
    before = np.concatenate(([-1], last[:-1]))
    return np.where(before >= 0, p[np.maximum(before, 0)], -1.0)

