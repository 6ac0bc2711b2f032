"""The line model: a small gradient-boosted classifier that decides, from plain-text features of a
unit and its neighbours, whether it belongs to the article. Trained by bench/train_lines.py on
shared benchmark data only; shipped inside the package as LightGBM's text format."""
from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .document import Unit
from .errors import ConfigError
from .features import BULLET, body_span, ends_sentence, has_letters

if TYPE_CHECKING:
    from .classify import Analysis

MODEL_FILE = "lines.txt"
CATEGORIES = ("ad", "comment_prompt", "author_blurb", "related", "caption", "share", "newsletter",
              "navigation", "source_link", "page_meta", "legal", "junk")
_CLS = {"bad": 0, "short": 1, "near": 2, "good": 3}
_UPPER_WORD = re.compile(r"\b[A-ZÀ-ÖØ-ÞА-Я]")
_WORDISH = re.compile(r"\b\w")
_DIGIT = re.compile(r"\d")
_LINKISH = re.compile(r"https?://|www\.|@\w|\.com\b")
_SEPARATOR = re.compile(r" [|/•·] ")
# Words that mark a photo caption or credit in the common news languages.
_CAPTION_CUE = re.compile(
    r"\b(photo|photos|image|picture|pictured|file|credit|courtesy|handout|getty|reuters|ap|afp|epa|shutterstock|"
    r"foto|bild|bildquelle|fotografía|imagen|immagine|imagem|afbeelding|zdjęcie|фото|снимок)\b", re.IGNORECASE)
_NORM = re.compile(r"\w+")

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
)


def _unit_row(unit: Unit, an: Analysis, i: int, n: int, good_before: float, block_size: int, index_in_block: int,
              trailing: bool, ends: bool) -> list[float]:
    """The features of unit i without its neighbours."""
    fact, text = an.facts[i], unit.text
    length = max(1, len(text))
    words_n = max(1, len(_WORDISH.findall(text)))
    match = fact.match
    distance = 0 if an.start <= i <= an.end else (i - an.start if i < an.start else i - an.end)
    return [
        math.log1p(fact.chars), min(fact.words, 300), float(ends), float(text.endswith(":")),
        float(bool(BULLET.match(text))), len(_DIGIT.findall(text)) / length, len(_UPPER_WORD.findall(text)) / words_n,
        (len(text) - sum(map(str.isalnum, text)) - text.count(" ")) / length, float(has_letters(text)),
        float(match is not None), float(bool(match and match.ends_article)),
        float(CATEGORIES.index(match.category) if match and match.category in CATEGORIES else -1),
        float(fact.repeated), float(_CLS[fact.cls]), float(an.revised[i] == "good"),
        float(an.start <= i <= an.end), float(max(-50, min(50, distance))), i / max(1, n - 1), good_before,
        float(block_size), float(index_in_block), float(bool(_LINKISH.search(text))),
        float(len(_SEPARATOR.findall(text))), math.log1p(n), float(trailing),
    ]


def feature_rows(units: list[Unit], an: Analysis) -> list[list[float]]:
    """One feature row per unit, in FEATURES order."""
    n = len(units)
    good = [f.chars if f.cls == "good" else 0 for f in an.facts]
    total_good = sum(good) or 1
    blocks: dict[int, int] = {}
    for u in units:
        blocks[u.block] = blocks.get(u.block, 0) + 1
    rows, acc, block_pos, trailing = [], 0, {}, False
    ends = [ends_sentence(u.text) for u in units]
    for i, unit in enumerate(units):
        block_pos[unit.block] = block_pos.get(unit.block, -1) + 1
        match = an.facts[i].match
        if match is not None and match.ends_article and i > an.end:
            trailing = True  # a marker after the densest run: what follows is the page's tail
        rows.append(_unit_row(unit, an, i, n, acc / total_good, blocks[unit.block], block_pos[unit.block], trailing, ends[i]))
        acc += good[i]
    base = [[r[0], r[13], r[9]] for r in rows]
    pad = [0.0, -1.0, 0.0]
    for i, row in enumerate(rows):
        for j in (i - 1, i - 2, i + 1, i + 2):
            row.extend(base[j] if 0 <= j < n else pad)
        row.append(float(sum(1 for j in range(max(0, i - 3), min(n, i + 4)) if an.facts[j].match is not None)))
        run = 0
        for j in range(i, min(n, i + 6)):
            if an.facts[j].cls != "short":
                break
            run += 1
        row.append(float(run))
    # How much of the whole input is prose tells a cut-out article container from a full page.
    good_share = sum(good) / max(1, sum(f.chars for f in an.facts))
    rule_share = sum(1 for f in an.facts if f.match is not None) / max(1, n)
    for row in rows:
        row.extend((good_share, rule_share))
    _add_shape_context(units, an, rows, good, total_good, ends)
    return rows


def _headline_shaped(text: str, nwords: int, ends: bool) -> bool:
    """A line shaped like a story headline or kicker: a few words, letters, no closing punctuation."""
    return 2 <= nwords <= 25 and has_letters(text) and not ends and not text.endswith(",")


def _runs(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of True flags it belongs to (0 when False)."""
    out, i = [0] * len(flags), 0
    while i < len(flags):
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = max(j, i + 1)
    return out


def _add_shape_context(units: list[Unit], an: Analysis, rows: list[list[float]], good: list[int], total_good: int,
                       ends: list[bool]) -> None:
    """Features of lists of headlines, captions and lines repeated within the page (pull quotes, teasers)."""
    texts = [u.text for u in units]
    runs = _runs([_headline_shaped(t, f.words, e) for t, f, e in zip(texts, an.facts, ends)])
    # A list of dates, scores or specs is part of the article more often than a list of headlines is.
    digits = [float(bool(_DIGIT.search(t))) for t in texts]
    normed = [" ".join(_NORM.findall(t.lower())) for t in texts]
    joined = "\n".join(normed)
    after = total_good
    for i, (text, row) in enumerate(zip(texts, rows)):
        after -= good[i]
        letters = "".join(filter(str.isalpha, text))
        caps = sum(map(str.isupper, letters)) / len(letters) if letters else 0.0
        # A line whose words recur elsewhere in the page is a pull quote, a repeated teaser or a duplicated caption.
        dup = len(normed[i]) >= 12 and _occurs_twice(joined, normed[i])
        row.extend((
            float(min(runs[i], 20)), caps, float(bool(_CAPTION_CUE.search(text))), float(dup),
            float(i > 0 and ends[i - 1]), float(i + 1 < len(texts) and ends[i + 1]),
            after / total_good, _run_share(digits, runs, i),
        ))


def _occurs_twice(haystack: str, needle: str) -> bool:
    """`haystack.count(needle) > 1`, without scanning on after the second occurrence."""
    first = haystack.find(needle)
    return first >= 0 and haystack.find(needle, first + len(needle)) >= 0


def _run_share(values: list[float], runs: list[int], i: int) -> float:
    """Mean of `values` over the headline-shaped run holding unit i (-1 outside runs)."""
    if not runs[i]:
        return -1.0
    lo = i
    while lo > 0 and runs[lo - 1] == runs[i] and runs[lo - 1]:
        lo -= 1
    return sum(values[lo:lo + runs[i]]) / runs[i]


# Second stage: features of a unit's neighbourhood in the first stage's probabilities (a CRF-like smoothing).
STACK_FEATURES = FEATURES + (
    "p", "p_prev1", "p_prev2", "p_prev3", "p_next1", "p_next2", "p_next3", "p_window2", "p_window6",
    "run_len", "run_log_chars", "run_from_start", "run_to_end", "in_main", "main_distance", "main_gap_chars",
    "doc_mean_p", "doc_kept_share", "doc_runs", "headline_run_p", "prev_good_p", "next_good_p",
)
STACK_SEPARATOR = "\n=== stage 2 ===\n"  # joins the two boosters of a stacked model file
_KEEP = 0.5  # what counts as "kept" by the first stage when runs and the main block are measured
_COL = {name: FEATURES.index(name) for name in ("log_chars", "cls", "headline_run")}


def _shifted(p: np.ndarray, k: int) -> np.ndarray:
    """p moved by k places (p[i - k] at i), -1 past the edges."""
    out = np.full_like(p, -1.0)
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


class LineModel:
    """Keep/remove decisions from the packaged LightGBM booster(s): one stage, or two stacked."""

    def __init__(self, model_text: str, threshold: float) -> None:
        self.model_text = model_text
        self.threshold = threshold
        self._boosters: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"model_text": self.model_text, "threshold": self.threshold, "_boosters": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def boosters(self) -> list[Any]:
        """The LightGBM booster of each stage, built on first use in the process that predicts.

        One thread, and never built before a fork: OpenMP state inherited across fork() deadlocks workers.
        """
        if self._boosters is None:
            import lightgbm  # imported here: only runs that use the model pay for it

            self._boosters = [lightgbm.Booster(model_str=part) for part in self.model_text.split(STACK_SEPARATOR)]
        return self._boosters

    @property
    def booster(self) -> Any:
        """The first-stage booster."""
        return self.boosters[0]

    def probabilities(self, units: list[Unit], an: Analysis) -> list[float]:
        """P(unit belongs to the article) for every unit."""
        rows = np.asarray(feature_rows(units, an), dtype=np.float64)
        p = self.boosters[0].predict(rows, num_threads=1)
        if len(self.boosters) > 1:
            p = self.boosters[1].predict(stack_rows(rows, p), num_threads=1)
        return [float(x) for x in p]

    def keep(self, units: list[Unit], an: Analysis) -> list[bool]:
        """Which units stay."""
        return [p >= self.threshold for p in self.probabilities(units, an)]


@lru_cache(maxsize=4)
def load_model(threshold: float, path: str | None = None) -> LineModel | None:
    """The model at `path`, or the packaged one; None when the packaged one is not installed."""
    if path is not None:
        try:
            return LineModel(Path(path).read_text(encoding="utf-8"), threshold)
        except OSError as exc:
            raise ConfigError([("classify -> model -> path", f"cannot read model file {path}: {exc.strerror or exc}")]) from None
    source = resources.files("pipeline.models").joinpath(MODEL_FILE)
    if not source.is_file():
        return None
    return LineModel(source.read_text(encoding="utf-8"), threshold)
