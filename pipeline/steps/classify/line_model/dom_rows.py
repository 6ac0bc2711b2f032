"""DOM features of HTML units for the HTML line model: where each unit's block sits in the page's tree."""
from __future__ import annotations

import numpy as np

from pipeline.document import DOM_KINDS, DOM_TAGS, DomPage
from pipeline.steps.classify.line_model.rows import FEATURES

# Block tags the model tells apart (a categorical feature); anything else is 0.
TAGS = {t: i + 1 for i, t in enumerate("p div li td th h1 h2 h3 h4 h5 h6 blockquote pre figcaption dd dt section article "
                                         "header footer nav aside span a body caption summary address form".split())}
_PLAIN = ("tag", "heading", "link_density", "hidden", "depth", "depth_rel", "c_log_chars", "c_link_density",
          "c_log_blocks", "c_share", "same_prev", "same_next", "char_pos", "in_main1", "in_main2", "main_share", "block_share")
DOM_FEATURES = _PLAIN + tuple(f"anc_{k}" for k in DOM_KINDS) + tuple(f"near_{k}" for k in DOM_KINDS) + tuple(f"tag_{k}" for k in DOM_TAGS)
PROSE_CHARS = 60  # a block at least this long, with little link text, counts as prose when the main element is sought
PROSE_MAX_LINKS = 0.3
_LOG_CHARS = FEATURES.index("log_chars")


def main_element(page: DomPage, prose: np.ndarray, rest_weight: float) -> tuple[int, int]:
    """Block range [first, end) of the element whose prose, less `rest_weight` times its other text, is largest."""
    cum = np.concatenate(([0.0], np.cumsum(prose)))
    totals = np.asarray(page.totals, dtype=np.float64)
    first, end = totals[:, 3].astype(np.int64), totals[:, 4].astype(np.int64)
    good = cum[end] - cum[first]
    score = np.where(end > first, good - rest_weight * (totals[:, 0] - good), -np.inf)
    best = int(np.argmax(score))
    return int(first[best]), int(end[best])


def _bits(values: list[int], width: int) -> np.ndarray:
    """One 0/1 column per bit of each value."""
    return ((np.asarray(values, dtype=np.int64)[:, None] >> np.arange(width)) & 1).astype(np.float64)


def dom_rows(page: DomPage, which: list[int]) -> np.ndarray:
    """One row per unit, in DOM_FEATURES order; `which` holds each unit's block index."""
    blocks = page.blocks
    lens = np.array([len(b.text) for b in blocks], dtype=np.float64)
    density = np.array([b.link_chars for b in blocks], dtype=np.float64) / np.maximum(1, lens)
    depth = np.array([b.depth for b in blocks], dtype=np.float64)
    prose = np.where((density < PROSE_MAX_LINKS) & (lens >= PROSE_CHARS), lens, 0.0)
    main_depth = np.average(depth, weights=prose) if prose.sum() else float(np.median(depth))
    total = lens.sum() or 1.0
    container = np.array([b.container for b in blocks])
    cont = np.asarray(page.totals, dtype=np.float64)[container]
    idx = np.arange(len(blocks))
    (a1, b1), (a2, b2) = main_element(page, prose, 0.25), main_element(page, prose, 1.0)
    in_main2 = (idx >= a2) & (idx < b2)
    cols = [
        [TAGS.get(b.tag, 0) for b in blocks], [b.heading for b in blocks], density, [b.hidden for b in blocks], depth,
        depth - main_depth, np.log1p(cont[:, 0]), cont[:, 1] / np.maximum(1, cont[:, 0]), np.log1p(cont[:, 2]),
        cont[:, 0] / total, np.concatenate(([0], container[1:] == container[:-1])),
        np.concatenate((container[:-1] == container[1:], [0])), (np.cumsum(lens) - lens) / total,
        (idx >= a1) & (idx < b1), in_main2, np.full(len(blocks), lens[in_main2].sum() / total), lens / np.maximum(1, cont[:, 0]),
    ]
    rows = np.hstack([np.column_stack([np.asarray(c, dtype=np.float64) for c in cols]), _bits([b.mask for b in blocks], len(DOM_KINDS)),
                      _bits([b.near for b in blocks], len(DOM_KINDS)), _bits([b.tags for b in blocks], len(DOM_TAGS))])
    return rows[np.asarray(which, dtype=np.int64)] if len(blocks) else np.zeros((len(which), len(DOM_FEATURES)))


# Second-stage DOM features: the first stage's probabilities over a unit's DOM neighbourhood. Units of one container
# (siblings) and units of one signature (same tag, class/id kinds and ancestor tags: the repeated items of a comment
# thread or a link list) mostly share a fate, so their mean probability corrects a unit the first stage got wrong alone.
_IN_MAIN2 = DOM_FEATURES.index("in_main2") - len(DOM_FEATURES)  # counted from the end: the DOM columns come last
DOM_STACK_FEATURES = ("box_p", "box_units", "box_kept", "sig_p", "sig_units", "sig_kept", "main2_p")


def _group_mean(keys: np.ndarray, values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the weighted mean of `values` over the rows sharing its key, and how many rows share it."""
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    total = np.bincount(inverse, weights=values * weights)
    weight = np.bincount(inverse, weights=weights)
    return (total / np.maximum(weight, 1e-9))[inverse], counts[inverse].astype(np.float64)


def dom_groups(page: DomPage, which: list[int]) -> np.ndarray:
    """Per unit (its block index in `which`): its container's id and its signature's number within the page."""
    seen: dict[tuple[str, int, int, int, int], int] = {}
    rows = [(b.container, seen.setdefault((b.tag, b.heading, b.mask, b.tags, b.depth), len(seen)))
            for b in (page.blocks[i] for i in which)]
    return np.array(rows, dtype=np.int64).reshape(len(rows), 2)


def dom_stack_rows(groups: np.ndarray, base: np.ndarray, p: np.ndarray) -> np.ndarray:
    """One row per unit, in DOM_STACK_FEATURES order: `groups` from dom_groups, `base` the first-stage rows."""
    n = len(p)
    if n == 0:
        return np.zeros((0, len(DOM_STACK_FEATURES)))
    weight = np.sqrt(np.expm1(base[:, _LOG_CHARS]) + 1)
    kept = (p >= 0.5).astype(np.float64)
    ones = np.ones(n)
    box_p, box_n = _group_mean(groups[:, 0], p, weight)
    box_k, _ = _group_mean(groups[:, 0], kept, ones)
    sig_p, sig_n = _group_mean(groups[:, 1], p, weight)
    sig_k, _ = _group_mean(groups[:, 1], kept, ones)
    inside = base[:, _IN_MAIN2] > 0
    main_p = float(np.average(p[inside], weights=weight[inside])) if inside.any() else -1.0
    return np.column_stack([box_p, np.log1p(box_n), box_k, sig_p, np.log1p(sig_n), sig_k, np.full(n, main_p)])
