#!/usr/bin/env python3
"""Cross-validated benchmark figures for the line model.

Usage: cv_lines.py BENCH_DIR --train GOLD_DIR:INPUT_DIR [...] [--folds 3] [--thresholds 0.25 ...] [--no-stack]
                   [--split bench/splits/NAME.json]

BENCH_DIR (e.g. shared/bench/scrapinghub) is split into folds by site (the `groups` of the split file,
bench/splits/<BENCH_DIR's name>.json by default; a site's pages are never on both sides); with --split
only the split's `train` ids are used, the locked validation ids are neither trained on nor scored. For each fold a model is
trained on the --train pairs plus the other folds of BENCH_DIR (both renderings), and the pipeline
cleans the fold's documents with that model. The pooled P/R/F1 per rendering are figures for pages
the model never saw. Use it to judge whether adding BENCH_DIR to the training data generalizes.
The second stage is trained, as bench/train_lines.py does, on out-of-fold first-stage probabilities
of the fold's training documents only.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
import tempfile
from pathlib import Path

import pickle

import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_lines import fit, rows_for  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.evaluation.score import gold_body, prf, triple  # noqa: E402
from pipeline.steps.flow import Context, clean_bytes  # noqa: E402
from pipeline.run.repetition import repeated_lines  # noqa: E402

RENDERINGS = ("container", "page")


def _validation_ids(name: str) -> set[str]:
    """The locked validation ids of the dev set called `name` (none when it has no split file)."""
    path = Path(__file__).resolve().parent / "splits" / f"{name}.json"
    return set(json.loads(path.read_text())["validation"]) if path.exists() else set()


def site_folds(split: dict, folds: int) -> dict[str, int]:
    """Fold of each train id: its site's, sites by decreasing page count each to the lightest fold."""
    pages = Counter(split["groups"][i] for i in split["train"])
    load, of_site = [0] * folds, {}
    for site, n in sorted(pages.items(), key=lambda kv: (-kv[1], kv[0])):
        j = load.index(min(load))
        of_site[site], load[j] = j, load[j] + n
    return {i: of_site[split["groups"][i]] for i in split["train"]}


def main() -> None:
    """Trains one model per fold and scores each fold with its own model."""
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--train", nargs="+", default=[])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.5], help="classify.model.threshold values to score")
    ap.add_argument("--dump", type=Path, help="write each cleaned text to DUMP/<rendering>/<id>.txt (first threshold)")
    ap.add_argument("--no-stack", action="store_true", help="first-stage model only")
    ap.add_argument("--split", type=Path, help="split file (default bench/splits/<name>.json): folds by its sites, train ids only")
    ap.add_argument("--cache", type=Path, help="pickle of the extracted rows, made when missing (only while features and rules are unchanged)")
    args = ap.parse_args()
    bench = Path(args.bench)
    ctx = Context(load_config(None))
    if args.cache and args.cache.exists():
        base, bench_rows = pickle.loads(args.cache.read_bytes())
    else:
        base = ([], [], [], [])
        for pair in args.train:
            gold_dir, input_dir = pair.split(":")
            locked = _validation_ids(Path(gold_dir).parent.name)
            for row in zip(*rows_for(Path(gold_dir), Path(input_dir), ctx)):
                if Path(row[3]).stem not in locked:  # a --train set's locked validation pages stay out too
                    for acc, part in zip(base, row):
                        acc.append(part)
        bench_rows = {r: rows_for(bench / "gold", bench / r, ctx) for r in RENDERINGS}
        if args.cache:
            args.cache.write_bytes(pickle.dumps((base, bench_rows)))
    split = json.loads((args.split or Path(__file__).resolve().parent / "splits" / f"{bench.name}.json").read_text())
    fold_of = site_folds(split, args.folds)
    triples: dict[tuple[float, str], list] = {(t, r): [] for t in args.thresholds for r in RENDERINGS}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.folds):
            X, y, w, groups = (list(part) for part in base)
            for r in RENDERINGS:
                for row, lab, wt, g in zip(*bench_rows[r]):
                    if fold_of.get(Path(g).stem, k) != k:
                        X.append(row); y.append(lab); w.append(wt); groups.append(g)
            model_path = Path(tmp) / f"fold{k}.txt"
            text = fit(numpy.asarray(X), numpy.asarray(y), numpy.asarray(w), groups, stack=not args.no_stack)
            model_path.write_text(text, encoding="utf-8")
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
