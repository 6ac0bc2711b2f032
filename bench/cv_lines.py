#!/usr/bin/env python3
"""Cross-validated benchmark figures for the line model.

Usage: cv_lines.py BENCH_DIR --train GOLD_DIR:INPUT_DIR [...] [--folds 3]

BENCH_DIR (e.g. shared/bench/scrapinghub) is split into folds by document; for each fold a model is
trained on the --train pairs plus the other folds of BENCH_DIR (both renderings), and the pipeline
cleans the fold's documents with that model. The pooled P/R/F1 per rendering are figures for pages
the model never saw. Use it to judge whether adding BENCH_DIR to the training data generalizes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import lightgbm
import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_lines import PARAMS, ROUNDS, rows_for  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.evaluate import gold_body, prf, triple  # noqa: E402
from pipeline.model import FEATURES  # noqa: E402
from pipeline.process import Context, clean_bytes  # noqa: E402
from pipeline.runner import repeated_lines  # noqa: E402

RENDERINGS = ("container", "page")


def main() -> None:
    """Trains one model per fold and scores each fold with its own model."""
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--train", nargs="+", default=[])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.5], help="classify.model.threshold values to score")
    ap.add_argument("--dump", type=Path, help="write each cleaned text to DUMP/<rendering>/<id>.txt (first threshold)")
    args = ap.parse_args()
    bench = Path(args.bench)
    ctx = Context(load_config(None))
    base_X, base_y, base_w = [], [], []
    for pair in args.train:
        gold_dir, input_dir = pair.split(":")
        X, y, w, _ = rows_for(Path(gold_dir), Path(input_dir), ctx)
        base_X += X; base_y += y; base_w += w
    stems = sorted(p.stem for p in (bench / "gold").glob("*.json"))
    fold_of = {s: i % args.folds for i, s in enumerate(stems)}
    bench_rows = {r: rows_for(bench / "gold", bench / r, ctx) for r in RENDERINGS}
    triples: dict[tuple[float, str], list] = {(t, r): [] for t in args.thresholds for r in RENDERINGS}
    cat = [FEATURES.index("rule_category")]
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.folds):
            X, y, w = list(base_X), list(base_y), list(base_w)
            for r in RENDERINGS:
                bx, by, bw, groups = bench_rows[r]
                for row, lab, wt, g in zip(bx, by, bw, groups):
                    if fold_of[Path(g).stem] != k:
                        X.append(row); y.append(lab); w.append(wt)
            data = lightgbm.Dataset(numpy.asarray(X), numpy.asarray(y), weight=numpy.asarray(w), categorical_feature=cat)
            model_path = Path(tmp) / f"fold{k}.txt"
            model_path.write_text(lightgbm.train(PARAMS, data, ROUNDS).model_to_string(), encoding="utf-8")
            for threshold in args.thresholds:
                config = load_config(None)
                config.classify.model.path = str(model_path)
                config.classify.model.threshold = threshold
                fold_ctx = Context(config)
                for r in RENDERINGS:
                    folder = bench / r
                    inputs = sorted(p.name for p in folder.glob("*.txt"))
                    repeated = repeated_lines(folder, inputs, config).get(".", frozenset())
                    for name in inputs:
                        stem = Path(name).stem
                        if fold_of.get(stem) != k:
                            continue
                        art = clean_bytes((folder / name).read_bytes(), name, fold_ctx, repeated)
                        triples[threshold, r].append(triple(gold_body(bench / "gold" / f"{stem}.json"), art["text"]))
                        if args.dump and threshold == args.thresholds[0]:
                            (args.dump / r).mkdir(parents=True, exist_ok=True)
                            (args.dump / r / f"{stem}.txt").write_text(art["text"], encoding="utf-8")
            print(f"fold {k + 1}/{args.folds} done", file=sys.stderr)
    for (threshold, r), found in triples.items():
        p, rc, f = prf(found)
        print(f"{bench.name}/{r} threshold={threshold} cross-validated ({args.folds} folds): precision={p:.3f} recall={rc:.3f} f1={f:.3f}")


if __name__ == "__main__":
    main()
