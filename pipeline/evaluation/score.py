"""Scoring cleaned bodies against gold bodies: token 4-gram shingles, P/R macro-averaged over documents.

The same metric as the public article-extraction benchmark, so figures compare with published ones.
"""
from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

from pipeline.steps.text import TOKEN



def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of token n-grams."""
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def triple(gold: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one document, normalised to sum to 1."""
    g, p = shingles(gold), shingles(pred)
    tp = sum(min(c, p.get(k, 0)) for k, c in g.items())
    fp, fn = sum(p.values()) - tp, sum(g.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(triples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Macro precision, recall and the F1 of the two averages."""
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean([precision(*t) for t in triples if t[0] + t[1] > 0] or [0.0])
    r = statistics.mean([recall(*t) for t in triples if t[0] + t[2] > 0] or [0.0])
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gold_body(path: Path) -> str:
    """The gold text of a gold file: `articleBody`, or `body` paragraphs."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["articleBody"] if "articleBody" in data else "\n\n".join(data["body"])
