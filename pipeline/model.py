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

from .document import Unit
from .errors import ConfigError
from .features import BULLET, ends_sentence, has_letters

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
              trailing: bool) -> list[float]:
    """The features of unit i without its neighbours."""
    fact, text = an.facts[i], unit.text
    length = max(1, len(text))
    words_n = max(1, len(_WORDISH.findall(text)))
    match = fact.match
    distance = 0 if an.start <= i <= an.end else (i - an.start if i < an.start else i - an.end)
    return [
        math.log1p(fact.chars), min(fact.words, 300), float(ends_sentence(text)), float(text.endswith(":")),
        float(bool(BULLET.match(text))), len(_DIGIT.findall(text)) / length, len(_UPPER_WORD.findall(text)) / words_n,
        sum(1 for c in text if not c.isalnum() and c != " ") / length, float(has_letters(text)),
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
    for i, unit in enumerate(units):
        block_pos[unit.block] = block_pos.get(unit.block, -1) + 1
        match = an.facts[i].match
        if match is not None and match.ends_article and i > an.end:
            trailing = True  # a marker after the densest run: what follows is the page's tail
        rows.append(_unit_row(unit, an, i, n, acc / total_good, blocks[unit.block], block_pos[unit.block], trailing))
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
    _add_shape_context(units, an, rows, good, total_good)
    return rows


def _headline_shaped(text: str, nwords: int) -> bool:
    """A line shaped like a story headline or kicker: a few words, letters, no closing punctuation."""
    return 2 <= nwords <= 25 and has_letters(text) and not ends_sentence(text) and not text.endswith(",")


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


def _add_shape_context(units: list[Unit], an: Analysis, rows: list[list[float]], good: list[int], total_good: int) -> None:
    """Features of lists of headlines, captions and lines repeated within the page (pull quotes, teasers)."""
    texts = [u.text for u in units]
    runs = _runs([_headline_shaped(t, f.words) for t, f in zip(texts, an.facts)])
    # A list of dates, scores or specs is part of the article more often than a list of headlines is.
    digits = [float(bool(_DIGIT.search(t))) for t in texts]
    normed = [" ".join(_NORM.findall(t.lower())) for t in texts]
    joined = "\n".join(normed)
    after = total_good
    for i, (text, row) in enumerate(zip(texts, rows)):
        after -= good[i]
        letters = [c for c in text if c.isalpha()]
        caps = sum(1 for c in letters if c.isupper()) / len(letters) if letters else 0.0
        # A line whose words recur elsewhere in the page is a pull quote, a repeated teaser or a duplicated caption.
        dup = len(normed[i]) >= 12 and joined.count(normed[i]) > 1
        row.extend((
            float(min(runs[i], 20)), caps, float(bool(_CAPTION_CUE.search(text))), float(dup),
            float(i > 0 and ends_sentence(texts[i - 1])), float(i + 1 < len(texts) and ends_sentence(texts[i + 1])),
            after / total_good, _run_share(digits, runs, i),
        ))


def _run_share(values: list[float], runs: list[int], i: int) -> float:
    """Mean of `values` over the headline-shaped run holding unit i (-1 outside runs)."""
    if not runs[i]:
        return -1.0
    lo = i
    while lo > 0 and runs[lo - 1] == runs[i] and runs[lo - 1]:
        lo -= 1
    return sum(values[lo:lo + runs[i]]) / runs[i]


class LineModel:
    """Keep/remove decisions from the packaged LightGBM booster."""

    def __init__(self, model_text: str, threshold: float) -> None:
        self.model_text = model_text
        self.threshold = threshold
        self._booster: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"model_text": self.model_text, "threshold": self.threshold, "_booster": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def booster(self) -> Any:
        """The LightGBM booster, built on first use in the process that predicts.

        One thread, and never built before a fork: OpenMP state inherited across fork() deadlocks workers.
        """
        if self._booster is None:
            import lightgbm  # imported here: only runs that use the model pay for it

            self._booster = lightgbm.Booster(model_str=self.model_text)
        return self._booster

    def probabilities(self, units: list[Unit], an: Analysis) -> list[float]:
        """P(unit belongs to the article) for every unit."""
        import numpy

        rows = feature_rows(units, an)
        return [float(p) for p in self.booster.predict(numpy.asarray(rows, dtype=numpy.float64), num_threads=1)]

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
