"""Scores title, author and date against gold files: `python bench/metadata.py GOLD_DIR INPUT_DIR`.

Exact match after whitespace and case folding. A gold author counts as found when it equals one of our
authors or all of them written as one list ("A, B and C", "A, B, & C"); a gold date is YYYY-MM-DD. Shares are over the
documents whose gold field is not null. `--misses N` prints N misses per field, `--overlap` counts
title/dateline/byline lines that are in the gold body (they should not be removed).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.config import load_config  # noqa: E402
from pipeline.steps.flow import Context, clean_bytes  # noqa: E402
from pipeline.run.repetition import repeated_lines  # noqa: E402

FIELDS = ("title", "author", "date")
_SPACE = re.compile(r"\s+")
_CTX: Context | None = None


def fold(text: str | None) -> str:
    """Whitespace- and case-folded text."""
    return _SPACE.sub(" ", text or "").strip().casefold()


def _clean(args: tuple[Path, str, frozenset[str]]) -> tuple[str, dict[str, Any]]:
    """Worker: the article record of one input."""
    global _CTX
    root, rel, repeated = args
    if _CTX is None:
        _CTX = Context(load_config(None))  # the defaults with the built-in rule catalogue, as `pipeline run`
    return Path(rel).stem, clean_bytes((root / rel).read_bytes(), rel, _CTX, repeated)


def records(input_dir: Path, jobs: int, ids: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """Article records of every .txt under `input_dir` (or of those whose stem is in `ids`), by file stem."""
    inputs = sorted(p.relative_to(input_dir).as_posix() for p in input_dir.rglob("*.txt") if ids is None or p.stem in ids)
    repeated = repeated_lines(input_dir, inputs, load_config(None))
    work = [(input_dir, rel, repeated.get(str(Path(rel).parent), frozenset())) for rel in inputs]
    with ProcessPoolExecutor(jobs) as pool:
        return dict(pool.map(_clean, work, chunksize=8))


def found(field: str, gold: dict[str, Any], art: dict[str, Any]) -> bool:
    """Whether our record states the gold value of `field`."""
    if field == "title":
        return fold(art["title"]) == fold(gold["title"])
    if field == "date":
        return (art["published"] or "")[:10] == gold["date"]
    ours = [fold(a) for a in art["authors"]]
    head = ", ".join(ours[:-1])
    joined = {", ".join(ours), " and ".join(ours)} | {f"{head}{c} {w} {ours[-1]}" for c in ("", ",") for w in ("and", "&")} if ours else set()
    return fold(gold["author"]) in set(ours) | joined


def main(argv: list[str] | None = None) -> int:
    """Prints the three figures, with counts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("input_dir", type=Path)
    ap.add_argument("--misses", type=int, default=0)
    ap.add_argument("--overlap", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("--split", help="SPLIT_FILE:SIDE, e.g. bench/splits/wcxb.json:validation: score that side's ids only "
                                    "(their lines repeated across files counted among them); no --misses on validation ids")
    args = ap.parse_args(argv)
    ids = None
    if args.split:
        path, side = args.split.rsplit(":", 1)
        ids = set(json.loads(Path(path).read_text())[side])
    arts = records(args.input_dir, args.jobs, ids)
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.gold_dir.glob("*.json"))
             if ids is None or p.stem in ids}
    for field in FIELDS:
        key = {"title": "title", "author": "author", "date": "date"}[field]
        scored = [(k, g) for k, g in golds.items() if g.get(key) and k in arts]
        hits = [k for k, g in scored if found(field, g, arts[k])]
        extra = sum(1 for k, g in golds.items() if not g.get(key) and k in arts and _stated(field, arts[k]))
        share = len(hits) / len(scored) if scored else 0.0
        print(f"{field:6} {share:6.1%}  ({len(hits)}/{len(scored)} gold non-null; {extra} stated where gold is null)")
        for k, g in [(k, g) for k, g in scored if k not in set(hits)][: args.misses]:
            print(f"   {k}: gold={g[key]!r} ours={_ours(field, arts[k])!r}")
    if args.overlap:
        _print_overlap(golds, arts)
    return 0


def _stated(field: str, art: dict[str, Any]) -> bool:
    """Whether our record states anything for `field`."""
    return bool(_ours(field, art))


def _ours(field: str, art: dict[str, Any]) -> Any:
    """Our value of `field`."""
    return {"title": art["title"], "author": art["authors"], "date": art["published"]}[field]


def _print_overlap(golds: dict[str, dict[str, Any]], arts: dict[str, dict[str, Any]]) -> None:
    """Header lines we removed that are whole lines of the gold body."""
    labels, bad = 0, 0
    for k, art in arts.items():
        body = {fold(line) for line in golds.get(k, {}).get("articleBody", "").splitlines() if line.strip()}
        for rem in art["removed"]:
            if rem["category"] in ("title", "dateline", "byline"):
                labels += 1
                if fold(rem["text"]) in body and len(rem["text"].split()) > 3:
                    bad += 1
                    print(f"   overlap {k}:{rem['line']} {rem['category']}: {rem['text'][:90]!r}")
    print(f"header lines removed: {labels}, of which whole gold-body lines (> 3 words): {bad}")


if __name__ == "__main__":
    raise SystemExit(main())
