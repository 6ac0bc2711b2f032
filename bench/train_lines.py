#!/usr/bin/env python3
"""Train the line model shipped in pipeline/models/lines.txt.

Usage: train_lines.py OUT_MODEL GOLD_DIR:INPUT_DIR [GOLD_DIR:INPUT_DIR ...] [--cv 5]

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
from pipeline.classify import analyse  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.model import FEATURES, feature_rows  # noqa: E402
from pipeline.process import STEPS, Context  # noqa: E402
from pipeline.runner import repeated_lines  # noqa: E402

TOKEN = re.compile(r"\w+")
PARAMS = {"objective": "binary", "learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40,
          "feature_fraction": 0.9, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "verbose": -1,
          "seed": 7, "deterministic": True, "num_threads": 2}
ROUNDS = 300


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
        doc = Document(path=rel, raw=(input_dir / rel).read_bytes(), repeated=repeated)
        for step in ("read", "repair", "segment"):
            doc = STEPS[step](doc, ctx)
        if not doc.units:
            continue
        an = analyse(doc, ctx.config.classify, ctx.matcher)
        for unit, row in zip(doc.units, feature_rows(doc.units, an)):
            X.append(row)
            y.append(label(unit.text, gold, gold_lines))
            w.append(len(TOKEN.findall(unit.text)) ** 0.5 + 1)
            groups.append(f"{input_dir}/{rel}")
    return X, y, w, groups


def main() -> None:
    """Builds the data set, reports cross-validated figures, trains on everything, writes the model."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("pairs", nargs="+")
    ap.add_argument("--cv", type=int, default=5)
    args = ap.parse_args()
    ctx = Context(load_config(None))
    X, y, w, groups = [], [], [], []
    for pair in args.pairs:
        gold_dir, input_dir = pair.split(":")
        a, b, c, d = rows_for(Path(gold_dir), Path(input_dir), ctx)
        X += a; y += b; w += c; groups += d
        print(f"{input_dir}: {len(b)} units, {sum(b)} body", file=sys.stderr)
    X, y, w = numpy.asarray(X), numpy.asarray(y), numpy.asarray(w)
    cat = [FEATURES.index("rule_category")]
    if args.cv > 1:
        docs = sorted(set(groups))
        fold_of = {d: i % args.cv for i, d in enumerate(docs)}
        folds = numpy.asarray([fold_of[g] for g in groups])
        correct = weight = 0.0
        for k in range(args.cv):
            tr, te = folds != k, folds == k
            booster = lightgbm.train(PARAMS, lightgbm.Dataset(X[tr], y[tr], weight=w[tr], categorical_feature=cat), ROUNDS)
            pred = booster.predict(X[te]) >= 0.5
            correct += float(((pred == y[te]) * w[te]).sum())
            weight += float(w[te].sum())
        print(f"cross-validated weighted unit accuracy ({args.cv} folds by document): {correct / weight:.4f}")
    booster = lightgbm.train(PARAMS, lightgbm.Dataset(X, y, weight=w, categorical_feature=cat, feature_name=list(FEATURES)), ROUNDS)
    Path(args.out).write_text(booster.model_to_string(), encoding="utf-8")
    print(f"wrote {args.out} ({Path(args.out).stat().st_size // 1024} KB, {len(y)} units)")


if __name__ == "__main__":
    main()
