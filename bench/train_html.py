#!/usr/bin/env python3
"""Train the HTML line model shipped in pipeline/steps/classify/line_model/html_lines.txt.

Usage: train_html.py SHARED_BENCH_DIR [--out FILE] [--cv 5 [--cv-only]] [--no-stack] [--cache FILE]

Reads html/ of the TRAIN ids of every dev set (bench/splits; the locked validation pages are never read)
as the pipeline reads an .html file, and labels each unit from the gold: scrapinghub and wcxb bodies as
bench/train_lines.py does, tfeval snippets as partial labels (a unit holding a `with` snippet is body, one
holding a `without` snippet boilerplate, the rest unlabelled and left out). Features are the text model's
plus dom_rows.DOM_FEATURES; the second stage adds the first stage's probabilities around each unit
(rows.stack_rows) and over its DOM container and signature (dom_rows.dom_stack_rows). --cv reports page-level
figures of both stages cross-validated by site (grouped folds), per set and threshold, before the shipped model
is trained on every train page (the train ids only: the locked validation pages train nothing).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import pickle
import re
import sys
from pathlib import Path

import lightgbm
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pipeline.config import load_config  # noqa: E402
from pipeline.errors import InputError  # noqa: E402
from pipeline.steps.classify.analysis import analyse  # noqa: E402
from pipeline.steps.classify.line_model.dom_rows import DOM_FEATURES, DOM_STACK_FEATURES, dom_groups, dom_rows, dom_stack_rows  # noqa: E402
from pipeline.steps.classify.line_model.rows import FEATURES, STACK_FEATURES, STACK_SEPARATOR, feature_rows, stack_rows  # noqa: E402
from pipeline.steps.flow import LINE_STEPS, Context, document, run_steps  # noqa: E402
from pipeline.steps.read.inputs import records  # noqa: E402

SETS = ("scrapinghub", "wcxb", "tfeval")
OUT = HERE.parent / "pipeline" / "steps" / "classify" / "line_model" / "html_lines.txt"
NAMES = FEATURES + DOM_FEATURES
STACK_NAMES = FEATURES + DOM_FEATURES + STACK_FEATURES[len(FEATURES):] + DOM_STACK_FEATURES
TOKEN = re.compile(r"\w+")
PARAMS = {"objective": "binary", "learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40, "feature_fraction": 0.6,
          "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "verbose": -1, "seed": 7, "deterministic": True,
          "num_threads": 2}
ROUNDS = 300
STACK_PARAMS = {**PARAMS, "num_leaves": 15, "learning_rate": 0.1}
STACK_ROUNDS = 120
INNER_FOLDS = 4


def norm(text: str) -> str:
    """Lower-cased tokens joined by single spaces."""
    return " ".join(TOKEN.findall(text.lower()))


def labels(gold: dict, texts: list[str]) -> list[float]:
    """1 body, 0 boilerplate, -1 unknown (a snippet gold says nothing of most lines)."""
    if "with" in gold:
        withs, withouts = [norm(w) for w in gold["with"] if norm(w)], [norm(w) for w in gold["without"] if norm(w)]

        def holds(n: str, snippets: list[str]) -> bool:
            return any(w in n or (len(n.split()) >= 4 and n in w) for w in snippets)
        return [0.0 if not (n := norm(t)) else 1.0 if holds(n, withs) else 0.0 if holds(n, withouts) else -1.0 for t in texts]
    body = gold["articleBody"] if "articleBody" in gold else "\n".join(gold["body"])
    whole, lines = f" {norm(body)} ", {norm(x) for x in body.split("\n") if x.strip()}
    return [0.0 if not (n := norm(t)) else float(f" {n} " in whole) if len(n.split()) >= 5 else float(n in lines) for t in texts]


def page_rows(raw: bytes, ctx: Context) -> tuple[np.ndarray, list[str], list[bool], np.ndarray] | None:
    """Feature rows, unit texts, rule matches and DOM groups (dom_groups) of one page, as the pipeline sees it."""
    try:
        doc = run_steps(document(records("page.html", raw, ctx.config)[0], "page.html"), ctx, LINE_STEPS)
    except InputError:
        return None  # a page with no text: nothing to learn from
    if not doc.units or doc.dom is None:
        return None
    an = analyse(doc, ctx.config.classify, ctx.matcher)
    which = [doc.dom.line_block[u.line - 1] for u in doc.units]
    return (np.hstack([feature_rows(doc.units, an), dom_rows(doc.dom, which)]), [u.text for u in doc.units],
            [f.match is not None for f in an.facts], dom_groups(doc.dom, which))


def build(bench: Path) -> list[dict]:
    """One entry per train page of every set: its rows, labels, texts, site."""
    ctx = Context(load_config(None))
    pages = []
    for name in SETS:
        split = json.loads((HERE / "splits" / f"{name}.json").read_text(encoding="utf-8"))
        for stem in split["train"]:
            raw = gzip.decompress((bench / name / "html" / f"{stem}.html.gz").read_bytes())
            found = page_rows(raw, ctx)
            if found is None:
                continue
            X, texts, rules, groups = found
            gold = json.loads((bench / name / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
            pages.append({"set": name, "id": stem, "site": split["groups"][stem], "X": X, "y": np.array(labels(gold, texts)),
                          "texts": texts, "rules": np.array(rules), "gold": gold, "groups": groups})
        print(f"{name}: {sum(p['set'] == name for p in pages)} train pages", file=sys.stderr)
    return pages


def _train(params: dict, X: np.ndarray, y: np.ndarray, w: np.ndarray, rounds: int, names: tuple[str, ...]) -> lightgbm.Booster:
    """One booster over the labelled rows; the rule category and the tag are categorical."""
    known = y >= 0
    data = lightgbm.Dataset(X[known], y[known], weight=w[known], feature_name=list(names),
                            categorical_feature=[names.index("rule_category"), names.index("tag")])
    return lightgbm.train(params, data, rounds)


def _weights(pages: list[dict]) -> np.ndarray:
    """Longer units weigh more (as bench/train_lines.py)."""
    return np.concatenate([[len(TOKEN.findall(t)) ** 0.5 + 1 for t in p["texts"]] for p in pages])


def fit(pages: list[dict], stack: bool) -> str:
    """The model file's text: the first stage, and a second trained on out-of-fold first-stage probabilities by site."""
    X, y, w = np.vstack([p["X"] for p in pages]), np.concatenate([p["y"] for p in pages]), _weights(pages)
    first = _train(PARAMS, X, y, w, ROUNDS, NAMES)
    if not stack:
        return first.model_to_string()
    second = _train(STACK_PARAMS, _stacked(pages, out_of_fold(pages, INNER_FOLDS)), y, w, STACK_ROUNDS, STACK_NAMES)
    return first.model_to_string() + STACK_SEPARATOR + second.model_to_string()


def out_of_fold(pages: list[dict], folds: int) -> list[np.ndarray]:
    """Each page's first-stage probabilities from a model trained without its site's fold."""
    probs: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(folds):
        train = [p for p in pages if _fold(p["site"], folds) != k]
        X, y = np.vstack([p["X"] for p in train]), np.concatenate([p["y"] for p in train])
        booster = _train(PARAMS, X, y, _weights(train), ROUNDS, NAMES)
        for i, p in enumerate(pages):
            if _fold(p["site"], folds) == k:
                probs[i] = booster.predict(p["X"], num_threads=2)
    return probs


def _stacked(pages: list[dict], probs: list[np.ndarray]) -> np.ndarray:
    """Second-stage rows of the pages: the text model's neighbour probabilities and the DOM groups' (dom_stack_rows)."""
    return np.vstack([np.hstack([stack_rows(p["X"], pr), dom_stack_rows(p["groups"], p["X"], pr)]) for p, pr in zip(pages, probs)])


def _fold(site: str, folds: int) -> int:
    """A site's fold: all its pages on one side."""
    return int(hashlib.sha256(site.encode()).hexdigest(), 16) % folds


def _scorer(bench: Path):
    """The bench's score.py, loaded from its file."""
    spec = importlib.util.spec_from_file_location("score", bench / "score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def cross_validate(pages: list[dict], folds: int, thresholds: list[float], bench: Path, stack: bool,
                   oof: Path | None = None) -> None:
    """Page figures of first-stage models trained without each page's site, per set and threshold; with `stack`, also
    of second stages trained without it on the other folds' out-of-fold probabilities (those came from first stages
    that saw the held-out fold: a slightly optimistic figure, 2 fits a fold instead of 1 + INNER_FOLDS)."""
    probs = out_of_fold(pages, folds)
    if oof is not None:  # for error analysis of the train pages: what each unit got from a model that never saw its site
        oof.write_bytes(pickle.dumps({(p["set"], p["id"]): pr for p, pr in zip(pages, probs)}))
    _report(pages, probs, thresholds, bench, "stage 1")
    if not stack:
        return
    S, y, w = _stacked(pages, probs), np.concatenate([p["y"] for p in pages]), _weights(pages)
    fold = np.concatenate([[_fold(p["site"], folds)] * len(p["y"]) for p in pages])
    second = np.zeros(len(y))
    for k in range(folds):
        second[fold == k] = _train(STACK_PARAMS, S[fold != k], y[fold != k], w[fold != k], STACK_ROUNDS, STACK_NAMES
                                   ).predict(S[fold == k], num_threads=2)
    edges = np.cumsum([0] + [len(p["y"]) for p in pages])
    _report(pages, [second[a:b] for a, b in zip(edges, edges[1:])], thresholds, bench, "stage 2")


def _report(pages: list[dict], probs: list[np.ndarray], thresholds: list[float], bench: Path, stage: str) -> None:
    """Page-level P/R/F1 per set and threshold of units kept at p >= threshold with no rule match."""
    score = _scorer(bench)
    for thr in thresholds:
        cells = []
        for name in SETS:
            triples, snip = [], [0, 0, 0]
            for p, pr in zip(pages, probs):
                if p["set"] != name:
                    continue
                text = "\n".join(t for t, q, r in zip(p["texts"], pr, p["rules"]) if q >= thr and not r)
                if "with" in p["gold"]:
                    out = " ".join(text.split())
                    snip[0] += sum(" ".join(s.split()) in out for s in p["gold"]["with"])
                    snip[1] += sum(" ".join(s.split()) not in out for s in p["gold"]["with"])
                    snip[2] += sum(" ".join(s.split()) in out for s in p["gold"]["without"])
                else:
                    body = p["gold"].get("articleBody") or "\n\n".join(p["gold"]["body"])
                    triples.append(score.tp_fp_fn(body, text))
            if triples:
                P, R, F = score.prf(triples)
            else:
                P, R = snip[0] / max(1, snip[0] + snip[2]), snip[0] / max(1, snip[0] + snip[1])
                F = 2 * P * R / max(1e-9, P + R)
            cells.append(f"{name} P={P:.3f} R={R:.3f} F1={F:.3f}")
        print(f"{stage} threshold {thr}: " + "  ".join(cells), flush=True)


def main() -> None:
    """Builds the rows (or loads them), optionally cross-validates, trains on every train page, writes the model."""
    ap = argparse.ArgumentParser()
    ap.add_argument("bench", type=Path)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cv", type=int, default=0, help="grouped folds by site for the figures (0: skip)")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.35, 0.4, 0.5])
    ap.add_argument("--no-stack", action="store_true")
    ap.add_argument("--oof", type=Path, help="with --cv: pickle of each train page's out-of-fold first-stage probabilities")
    ap.add_argument("--cv-only", action="store_true", help="report the cross-validated figures, write no model")
    ap.add_argument("--cache", type=Path, help="pickle of the rows, made when missing (only while features are unchanged)")
    args = ap.parse_args()
    if args.cache and args.cache.exists():
        pages = pickle.loads(args.cache.read_bytes())
    else:
        pages = build(args.bench)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(pages))
    if args.cv > 1:
        cross_validate(pages, args.cv, args.thresholds, args.bench, stack=not args.no_stack, oof=args.oof)
    if args.cv_only:
        return
    args.out.write_text(fit(pages, stack=not args.no_stack), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {sum(len(p['y']) for p in pages)} units)")


if __name__ == "__main__":
    main()
