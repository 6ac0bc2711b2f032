#!/usr/bin/env python3
"""Body quality on the locked validation split, beside cross-validation grouped by site on the train ids.

Usage: locked.py [--bench ../shared/bench] [--folds 3] [--threshold T] [--no-cv] [--no-locked]
                 [--dump DIR] [--model-out PATH] [--cache DIR] [--config FILE]
       locked.py --ship pipeline/steps/classify/line_model/lines.txt   # the shipped model: every id of every set

For the current code: (a) trains a line model on the TRAIN ids of every dev set (scrapinghub and wcxb
full-body gold, both renderings; tfeval's `with` / `without` snippets as partial labels: a unit holding
a `with` snippet is body, one holding a `without` snippet boilerplate, the rest left out of training);
(b) cleans the VALIDATION ids with that model and scores them with the shared scorers (score.py for
scrapinghub and wcxb, score_snippets.py for tfeval), beside the raw input; (c) cross-validates on the
train ids with folds grouped by site (bench/splits/<set>.json `groups`), each fold's model trained on
the other folds of every set. Lines repeated across files are counted within each side (train ids,
validation ids), as a `pipeline run` over a folder of those pages would. Only aggregate figures of the
validation ids are printed; `--dump` writes the cross-validated texts of train ids only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from train_lines import TOKEN, fit, gold_of, label, norm, unit_rows  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.steps.flow import Context, clean_bytes  # noqa: E402
from pipeline.run.repetition import repeated_lines  # noqa: E402

SETS = ("scrapinghub", "wcxb", "tfeval")
RENDERINGS = ("container", "page")
SIDES = ("train", "validation")
CONFIG: Path | None = None  # --config: a config file over the defaults (e.g. trial rules), for every step
_FIGURES = re.compile(r"precision=([\d.]+) recall=([\d.]+) f1=([\d.]+)")


def code_key(config: Path | None) -> str:
    """Hash of everything the extracted rows depend on: the package's code and data, the bench scripts, the config."""
    h = hashlib.sha256(config.read_bytes() if config else b"")
    files = sorted(p for p in (HERE.parent / "pipeline").rglob("*") if p.suffix in (".py", ".yaml", ".json"))
    for p in [*files, HERE / "train_lines.py", HERE / "locked.py", *sorted((HERE / "splits").glob("*.json"))]:
        h.update(p.as_posix().encode() + p.read_bytes())
    return h.hexdigest()[:16]


def snippet_labels(gold_path: Path):
    """Labeller of tfeval units: 1 holding a `with` snippet, 0 holding a `without` one, None otherwise (or both)."""
    data = json.loads(gold_path.read_text(encoding="utf-8"))
    body = [n for n in (norm(s) for s in data["with"]) if n]
    boiler = [n for n in (norm(s) for s in data["without"]) if n]

    def of(text: str) -> int | None:
        n = norm(text)
        pos, neg = any(s in n for s in body), any(s in n for s in boiler)
        return None if pos == neg else int(pos)
    return of


def body_labels(gold_path: Path):
    """Labeller of full-gold units (as bench/train_lines.py labels them)."""
    gold, lines = gold_of(gold_path)
    return lambda text: label(text, gold, lines)


class Bench:
    """One dev set: its split, its folders, and the rows of each side and rendering (cached)."""

    def __init__(self, root: Path, name: str, cache: Path | None, key: str) -> None:
        self.name, self.root = name, root / name
        self.split = json.loads((HERE / "splits" / f"{name}.json").read_text())
        self.cache, self.key = cache, key
        self.labeller = snippet_labels if name == "tfeval" else body_labels

    def ids(self, side: str) -> list[str]:
        """The ids of one side, sorted."""
        return sorted(self.split[side])

    def repeated(self, rendering: str, side: str) -> frozenset[str]:
        """Fingerprints of lines repeated across the side's files of one rendering."""
        inputs = [f"{i}.txt" for i in self.ids(side)]
        return repeated_lines(self.root / rendering, inputs, load_config(CONFIG)).get(".", frozenset())

    def rows(self, rendering: str, side: str, ctx: Context) -> dict[str, tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]]:
        """{id: (X, y, w)} of one side and rendering; y is -1 where the unit has no label."""
        path = self.cache / f"{self.key}-{self.name}-{rendering}-{side}.pkl" if self.cache else None
        if path and path.exists():
            return pickle.loads(path.read_bytes())
        repeated, out = self.repeated(rendering, side), {}
        for i in self.ids(side):
            of = self.labeller(self.root / "gold" / f"{i}.json")
            found = unit_rows(f"{i}.txt", (self.root / rendering / f"{i}.txt").read_bytes(), repeated, ctx)
            if not found:
                continue
            texts, X = found
            y = [of(t) for t in texts]
            w = [len(TOKEN.findall(t)) ** 0.5 + 1 for t in texts]
            out[i] = (numpy.asarray(X), numpy.asarray([-1 if v is None else v for v in y]), numpy.asarray(w))
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pickle.dumps(out))
        return out


def train(parts: list[tuple[str, tuple]]) -> str:
    """A stacked model's text from (document key, rows) pairs; unlabelled units are left out."""
    X, y, w, groups = [], [], [], []
    for key, (dx, dy, dw) in parts:
        mask = dy >= 0
        if not mask.any():
            continue
        X.append(dx[mask]); y.append(dy[mask]); w.append(dw[mask]); groups += [key] * int(mask.sum())
    return fit(numpy.vstack(X), numpy.concatenate(y), numpy.concatenate(w), groups)


def clean_texts(bench: Bench, rendering: str, side: str, ids: list[str], model: Path | None, threshold: float | None
                ) -> dict[str, str]:
    """Cleaned text of each id with the model at `model` (None: the raw input itself)."""
    folder = bench.root / rendering
    if model is None:
        return {i: (folder / f"{i}.txt").read_text(encoding="utf-8", errors="replace") for i in ids}
    config = load_config(CONFIG)
    config.classify.model.path = str(model)
    if threshold is not None:
        config.classify.model.threshold = threshold
    ctx, repeated = Context(config), bench.repeated(rendering, side)
    return {i: clean_bytes((folder / f"{i}.txt").read_bytes(), f"{i}.txt", ctx, repeated)["text"] for i in ids}


def score(bench: Bench, texts: dict[str, str], tmp: Path) -> tuple[float, float, float]:
    """P, R, F1 of `texts` by the set's own shared scorer, over exactly these ids."""
    work = Path(tempfile.mkdtemp(dir=tmp))
    (work / "gold").mkdir(); (work / "pred").mkdir()
    for i, text in texts.items():
        (work / "gold" / f"{i}.json").symlink_to(bench.root / "gold" / f"{i}.json")
        (work / "pred" / f"{i}.txt").write_text(text, encoding="utf-8")
    scorer = "score_snippets.py" if bench.name == "tfeval" else "score.py"
    out = subprocess.run([sys.executable, str(bench.root.parent / scorer), str(work / "gold"), str(work / "pred")],
                         capture_output=True, text=True, check=True).stdout
    p, r, f = (float(x) for x in _FIGURES.search(out).groups())
    return p, r, f


def site_folds(benches: list[Bench], k: int) -> dict[str, int]:
    """Fold of each site of the train ids: sites by decreasing page count, each to the lightest fold."""
    pages = Counter(b.split["groups"][i] for b in benches for i in b.ids("train"))
    load, fold_of = [0] * k, {}
    for site_name, n in sorted(pages.items(), key=lambda kv: (-kv[1], kv[0])):
        j = load.index(min(load))
        fold_of[site_name], load[j] = j, load[j] + n
    return fold_of


def line(what: str, figures: tuple[float, float, float]) -> str:
    """One printed result."""
    p, r, f = figures
    return f"{what:<44} P={p:.3f} R={r:.3f} F1={f:.3f}"


def main() -> None:
    """Builds the rows, then the locked-split figures and the grouped cross-validation."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", type=Path, default=HERE.parent.parent / "shared" / "bench")
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--threshold", type=float, help="classify.model.threshold (default: the config's)")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--no-locked", action="store_true")
    ap.add_argument("--dump", type=Path, help="write the cross-validated texts of train ids to DUMP/<set>/<rendering>/<id>.txt, and the fold models")
    ap.add_argument("--model-out", type=Path, help="also keep the model trained on the train ids here")
    ap.add_argument("--model", type=Path, help="score the locked split with this model (one --model-out wrote) instead of training one")
    ap.add_argument("--ship", type=Path, help="only train the shipped model, on every id of every set (both sides), into SHIP")
    ap.add_argument("--config", type=Path, help="config file over the defaults, for extraction and cleaning")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "locked-rows")
    args = ap.parse_args()
    started = time.time()
    global CONFIG
    CONFIG = args.config
    ctx, key = Context(load_config(CONFIG)), code_key(CONFIG)
    benches = [Bench(args.bench, name, args.cache, key) for name in args.sets]
    rows = {(b.name, r, s): b.rows(r, s, ctx) for b in benches for r in RENDERINGS for s in SIDES}
    for (name, r, s), found in rows.items():
        labelled = sum(int((y >= 0).sum()) for _, y, _ in found.values())
        body = sum(int((y == 1).sum()) for _, y, _ in found.values())
        print(f"rows {name}/{r}/{s}: {len(found)} docs, {labelled} labelled units, {body} body", file=sys.stderr)
    print(f"rows ready in {time.time() - started:.0f} s", file=sys.stderr)
    train_parts = [(f"{n}/{r}/{i}", v) for (n, r, s), found in rows.items() if s == "train" for i, v in found.items()]
    if args.ship:
        every = [(f"{n}/{r}/{i}", v) for (n, r, s), found in rows.items() for i, v in found.items()]
        args.ship.write_text(train(every), encoding="utf-8")
        print(f"wrote {args.ship} ({args.ship.stat().st_size // 1024} KB, trained on {len(every)} documents)")
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if not args.no_locked:
            model = args.model or args.model_out or tmp / "locked.txt"
            if not args.model:
                model.write_text(train(train_parts), encoding="utf-8")
            print("locked split (validation ids; model trained on the train ids of every set):")
            for b in benches:
                for r in RENDERINGS:
                    ids = b.ids("validation")
                    print(line(f"  {b.name}/{r} ({len(ids)} pages) ours", score(b, clean_texts(b, r, "validation", ids, model, args.threshold), tmp)))
                    print(line(f"  {b.name}/{r} raw input", score(b, clean_texts(b, r, "validation", ids, None, None), tmp)))
            print(f"[{time.time() - started:.0f} s]", file=sys.stderr)
        if args.no_cv:
            return
        fold_of = site_folds(benches, args.folds)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / "folds.json").write_text(json.dumps(fold_of, indent=0, sort_keys=True))
        site = {f"{b.name}/{r}/{i}": b.split["groups"][i] for b in benches for r in RENDERINGS for i in b.ids("train")}
        cv: dict[tuple[str, str], dict[str, str]] = {(b.name, r): {} for b in benches for r in RENDERINGS}
        for k in range(args.folds):
            model = (args.dump or tmp) / f"fold{k}.txt"
            model.write_text(train([(d, v) for d, v in train_parts if fold_of[site[d]] != k]), encoding="utf-8")
            for b in benches:
                ids = [i for i in b.ids("train") if fold_of[b.split["groups"][i]] == k]
                for r in RENDERINGS:
                    cv[b.name, r].update(clean_texts(b, r, "train", ids, model, args.threshold))
            print(f"fold {k + 1}/{args.folds} done [{time.time() - started:.0f} s]", file=sys.stderr)
        print(f"cross-validated on the train ids ({args.folds} folds grouped by site):")
        for b in benches:
            for r in RENDERINGS:
                ids = b.ids("train")
                print(line(f"  {b.name}/{r} ({len(ids)} pages) ours", score(b, cv[b.name, r], tmp)))
                print(line(f"  {b.name}/{r} raw input", score(b, clean_texts(b, r, "train", ids, None, None), tmp)))
                if args.dump:
                    (args.dump / b.name / r).mkdir(parents=True, exist_ok=True)
                    for i, text in cv[b.name, r].items():
                        (args.dump / b.name / r / f"{i}.txt").write_text(text, encoding="utf-8")
    print(f"done in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
