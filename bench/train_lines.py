#!/usr/bin/env python3
"""Train the line model shipped in pipeline/steps/classify/line_model/lines.txt.

Usage: train_lines.py OUT_MODEL GOLD_DIR:INPUT_DIR [GOLD_DIR:INPUT_DIR ...] [--cv 5] [--no-stack]

Each unit of each input is labelled 1 when its text is part of the gold body (long units: contained
in it; short units: equal to one of its lines), 0 otherwise. Trains on shared benchmark data only; the
scrapinghub pages are kept out of training so that `pipeline eval` on them is a held-out check.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import lightgbm
import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.steps.classify.analysis import analyse  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.steps.classify.line_model.rows import FEATURES, STACK_FEATURES, STACK_SEPARATOR, feature_rows, stack_rows  # noqa: E402
from pipeline.steps.flow import STEPS, Context  # noqa: E402
from pipeline.run.repetition import repeated_lines  # noqa: E402

TOKEN = re.compile(r"\w+")
PARAMS = {"objective": "binary", "learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40,
          "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "verbose": -1,
          "seed": 7, "deterministic": True, "num_threads": 2}
ROUNDS = 300
# The second stage sees the first stage's probabilities around each unit; it needs fewer, smaller trees.
STACK_PARAMS = {**PARAMS, "num_leaves": 15, "learning_rate": 0.1}
STACK_ROUNDS = 120
INNER_FOLDS = 4  # out-of-fold first-stage probabilities for training the second stage


def fold_key(group: str) -> str:
    """Documents that share a gold file (the page and container renderings of one article) share a fold."""
    path = Path(group)
    return f"{path.parent.parent}/{path.stem}"


def _train(params: dict, X: numpy.ndarray, y: numpy.ndarray, w: numpy.ndarray, rounds: int, names: tuple[str, ...]):
    """One LightGBM booster; the rule category is categorical."""
    data = lightgbm.Dataset(X, y, weight=w, categorical_feature=[names.index("rule_category")], feature_name=list(names))
    return lightgbm.train(params, data, rounds)


def _doc_slices(groups: list[str]) -> list[slice]:
    """Row ranges of each document (rows_for appends a document's units together)."""
    bounds = [i for i in range(1, len(groups)) if groups[i] != groups[i - 1]]
    edges = [0, *bounds, len(groups)]
    return [slice(a, b) for a, b in zip(edges, edges[1:])]


def stacked_rows(X: numpy.ndarray, p: numpy.ndarray, groups: list[str]) -> numpy.ndarray:
    """Second-stage rows of every document, from first-stage rows and probabilities."""
    return numpy.vstack([stack_rows(X[s], p[s]) for s in _doc_slices(groups)])


def fit(X: numpy.ndarray, y: numpy.ndarray, w: numpy.ndarray, groups: list[str], stack: bool = True) -> str:
    """The model file's text: the first stage, and the second one trained on out-of-fold first-stage probabilities."""
    first = _train(PARAMS, X, y, w, ROUNDS, FEATURES)
    if not stack:
        return first.model_to_string()
    keys = sorted({fold_key(g) for g in groups})
    fold_of = {k: i % INNER_FOLDS for i, k in enumerate(keys)}
    folds = numpy.asarray([fold_of[fold_key(g)] for g in groups])
    oof = numpy.zeros(len(y))
    for k in range(INNER_FOLDS):
        tr, te = folds != k, folds == k
        oof[te] = _train(PARAMS, X[tr], y[tr], w[tr], ROUNDS, FEATURES).predict(X[te])
    second = _train(STACK_PARAMS, stacked_rows(X, oof, groups), y, w, STACK_ROUNDS, STACK_FEATURES)
    return first.model_to_string() + STACK_SEPARATOR + second.model_to_string()


def norm(text: str) -> str:
    """Lower-cased tokens joined by single spaces."""
    return " ".join(TOKEN.findall(text.lower()))


def gold_of(path: Path) -> tuple[str, set[str]]:
    """Normalised gold body and the set of its normalised lines."""
    data = json.loads(path.read_text(encoding="utf-8"))
    body = data.get("articleBody") or "\n".join(data.get("body", []))
    extra = [data.get("title") or ""]
    lines = {norm(x) for x in body.split("\n") if x.strip()}
    return " " + norm(body) + " ", lines | {norm(x) for x in extra if x} - {""}


def label(text: str, gold: str, gold_lines: set[str]) -> int:
    """1 when the unit belongs to the gold body."""
    n = norm(text)
    if not n:
        return 0
    if len(n.split()) >= 5:
        return int(f" {n} " in gold)
    return int(n in gold_lines)


def rows_for(gold_dir: Path, input_dir: Path, ctx: Context) -> tuple[list, list, list, list]:
    """Features, labels, weights and document groups of one benchmark folder."""
    inputs = sorted(p.relative_to(input_dir).as_posix() for p in input_dir.glob("*.txt"))
    repeated = repeated_lines(input_dir, inputs, ctx.config).get(".", frozenset())
    X, y, w, groups = [], [], [], []
    for rel in inputs:
        gold_path = gold_dir / (Path(rel).stem + ".json")
        if not gold_path.exists():
            continue
        gold, gold_lines = gold_of(gold_path)
        found = unit_rows(rel, (input_dir / rel).read_bytes(), repeated, ctx)
        if found is None:
            continue
        for text, row in zip(*found):
            X.append(row)
            y.append(label(text, gold, gold_lines))
            w.append(len(TOKEN.findall(text)) ** 0.5 + 1)
            groups.append(f"{input_dir}/{rel}")
    return X, y, w, groups


def unit_rows(rel: str, raw: bytes, repeated: frozenset[str], ctx: Context) -> tuple[list[str], numpy.ndarray] | None:
    """The unit texts of one input and their feature rows, as the pipeline sees them before classify; None without units."""
    doc = Document(path=rel, raw=raw, repeated=repeated)
    for step in ("read", "repair", "segment"):
        doc = STEPS[step](doc, ctx)
    if not doc.units:
        return None
    an = analyse(doc, ctx.config.classify, ctx.matcher)
    return [u.text for u in doc.units], feature_rows(doc.units, an)


def main() -> None:
    """Builds the data set, reports cross-validated figures, trains on everything, writes the model."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("pairs", nargs="+")
    ap.add_argument("--cv", type=int, default=5, help="also report the first stage's unit accuracy over this many folds (0: skip)")
    ap.add_argument("--no-stack", action="store_true", help="train the first stage only")
    args = ap.parse_args()
    ctx = Context(load_config(None))
    X, y, w, groups = [], [], [], []
    for pair in args.pairs:
        gold_dir, input_dir = pair.split(":")
        a, b, c, d = rows_for(Path(gold_dir), Path(input_dir), ctx)
        X += a; y += b; w += c; groups += d
        print(f"{input_dir}: {len(b)} units, {sum(b)} body", file=sys.stderr)
    X, y, w = numpy.asarray(X), numpy.asarray(y), numpy.asarray(w)
    if args.cv > 1:
        keys = sorted({fold_key(g) for g in groups})
        fold_of = {k: i % args.cv for i, k in enumerate(keys)}
        folds = numpy.asarray([fold_of[fold_key(g)] for g in groups])
        correct = weight = 0.0
        for k in range(args.cv):
            tr, te = folds != k, folds == k
            pred = _train(PARAMS, X[tr], y[tr], w[tr], ROUNDS, FEATURES).predict(X[te]) >= 0.5
            correct += float(((pred == y[te]) * w[te]).sum())
            weight += float(w[te].sum())
        print(f"first stage, cross-validated weighted unit accuracy ({args.cv} folds by article): {correct / weight:.4f}")
    Path(args.out).write_text(fit(X, y, w, groups, stack=not args.no_stack), encoding="utf-8")
    print(f"wrote {args.out} ({Path(args.out).stat().st_size // 1024} KB, {len(y)} units)")

if __name__ == "__main__":
    main()
