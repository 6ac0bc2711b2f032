#!/usr/bin/env python3
"""HTML in hand: ours against trafilatura.extract on the same pages, side by side in one process.

Usage: html_side.py SHARED_BENCH_DIR [--split validation|train|all] [--sets scrapinghub,wcxb,tfeval] [--dump DIR]

For each page of html/ (gunzipped once, before any clock starts), both systems run one after the other:
ours through the library (the defaults, as `pipeline run` cleans an .html file) and trafilatura.extract
with its defaults, as a user calls it. CPU per page is time.process_time() around each call (one
process, start-up and model loading excluded: both clean the first WARM_UP_PAGES train pages of every set once
before any clock starts, and each set's first call is repeated; --no-warm-up keeps only the repeat).
Body figures use the bench's own scorers: score.py's shingle P/R/F1 on scrapinghub and wcxb,
score_snippets.py's totals on tfeval. On wcxb, title/author/date are compared with the gold as
bench/metadata.py does, for ours and for trafilatura's bare_extraction metadata (untimed).
--dump writes each system's text of the TRAIN pages only (never the locked validation pages); --misses writes
our title/author/date misses on wcxb's TRAIN pages only, with the rule each value came from.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE.parent))

SETS = ("scrapinghub", "wcxb", "tfeval")
SPLITS = _HERE / "splits"
SYSTEMS = ("ours", "trafilatura")


def _module(path: Path) -> Any:
    """A bench scorer loaded from its file (they are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_METADATA = _module(_HERE / "metadata.py")  # bench/metadata.py: the same title/author/date comparison
FIELDS, found = _METADATA.FIELDS, _METADATA.found


@dataclass
class Tally:
    """One system on one set: per-page shingle triples or snippet counts, CPU seconds, metadata hits."""

    triples: list[tuple[float, float, float]] = field(default_factory=list)
    snippets: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # tp, fn, fp, tn
    seconds: list[float] = field(default_factory=list)
    meta: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in FIELDS})  # hits, scored


def page_ids(name: str, split: str) -> list[str]:
    """The ids of one set in the chosen part of the locked split."""
    data = json.loads((SPLITS / f"{name}.json").read_text(encoding="utf-8"))
    return sorted(data["train"] + data["validation"]) if split == "all" else sorted(data[split])


class Ours:
    """Our library, configured as `pipeline run` is without a config file."""

    def __init__(self) -> None:
        from pipeline.config import load_config
        from pipeline.steps.flow import Context, clean_bytes

        self.ctx = Context(load_config(None))
        self.clean_bytes = clean_bytes

    def __call__(self, raw: bytes, name: str) -> dict[str, Any]:
        """Our article record of one page (nothing for a page we refuse, e.g. one with no text)."""
        from pipeline.errors import InputError

        try:
            art = self.clean_bytes(raw, f"{name}.html", self.ctx)
        except InputError:
            return {"text": "", "title": None, "authors": [], "published": None}
        return {"text": art["text"], "title": art["title"], "authors": art["authors"], "published": art["published"],
                "metadata_source": art["metadata_source"]}


def trafilatura_text(raw: bytes) -> str:
    """trafilatura.extract with its defaults."""
    import trafilatura

    return trafilatura.extract(raw) or ""


def trafilatura_meta(raw: bytes) -> dict[str, Any]:
    """Title, authors and date from trafilatura's bare_extraction (its metadata pass)."""
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True)
    if doc is None:
        return {"title": None, "authors": [], "published": None}
    get = doc.get if isinstance(doc, dict) else lambda key: getattr(doc, key, None)
    authors = [a.strip() for a in (get("author") or "").split(";") if a.strip()]
    return {"title": get("title"), "authors": authors, "published": get("date")}


WARM_UP_PAGES = 3  # train pages of each set each system cleans once, untimed, before any set is timed


def warm_up(bench: Path, ours: Ours, systems: tuple[str, ...], sets: list[str]) -> None:
    """Runs each system on the first train pages of every set: lazy imports and per-language data (dateparser's import
    is 120 ms of CPU, once per process) are start-up, not the cost of whichever page first needs them."""
    for name in sets:
        for stem in page_ids(name, "train")[:WARM_UP_PAGES]:
            raw = gzip.decompress((bench / name / "html" / f"{stem}.html.gz").read_bytes())
            if "ours" in systems:
                ours(raw, stem)
            if "trafilatura" in systems:
                trafilatura_text(raw)


def score_page(tally: Tally, gold: dict[str, Any], text: str, scorers: dict[str, Any]) -> None:
    """Adds one page's body figure to a tally."""
    if "with" in gold:
        norm = scorers["snippets"].norm
        out = norm(text)
        for key, hit_slot, miss_slot in (("with", 0, 1), ("without", 2, 3)):
            for snippet in gold[key]:
                tally.snippets[hit_slot if norm(snippet) in out else miss_slot] += 1
    else:
        body = gold["articleBody"] if "articleBody" in gold else "\n\n".join(gold["body"])
        tally.triples.append(scorers["score"].tp_fp_fn(body, text))


def score_meta(tally: Tally, gold: dict[str, Any], art: dict[str, Any]) -> None:
    """Adds one page's title/author/date hits, over the fields the gold states."""
    for name in FIELDS:
        if gold.get(name):
            tally.meta[name][1] += 1
            tally.meta[name][0] += found(name, gold, art)


def misses(stem: str, gold: dict[str, Any], art: dict[str, Any]) -> list[dict[str, Any]]:
    """Our title/author/date misses on one page, each with the value we stated and the rule it came from."""
    ours = {"title": ("title", "title"), "author": ("authors", "authors"), "date": ("published", "published")}
    rows = []
    for name in FIELDS:
        if gold.get(name) and not found(name, gold, art):
            key, source = ours[name]
            rule = (art.get("metadata_source", {}).get(source) or {}).get("rule")
            rows.append({"id": stem, "field": name, "gold": gold[name], "ours": art.get(key), "rule": rule})
    return rows


def run_set(bench: Path, name: str, ids: list[str], ours: Ours, scorers: dict[str, Any], dump: Path | None,
            validation: set[str], systems: tuple[str, ...] = SYSTEMS, missed: list[dict[str, Any]] | None = None) -> dict[str, Tally]:
    """The systems over one set's pages, interleaved page by page."""
    tallies = {s: Tally() for s in systems}
    runs = {"ours": lambda raw, stem: ours(raw, stem), "trafilatura": lambda raw, stem: {"text": trafilatura_text(raw)}}
    with_meta = name == "wcxb"
    for n, stem in enumerate(ids):
        raw = gzip.decompress((bench / name / "html" / f"{stem}.html.gz").read_bytes())
        gold = json.loads((bench / name / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        outs = {}
        for system in systems:
            for _ in range(2 if n == 0 else 1):  # the first call loads models and tables: a warm-up, run again
                start = time.process_time()
                outs[system] = runs[system](raw, stem)
                seconds = time.process_time() - start
            tallies[system].seconds.append(seconds)
            score_page(tallies[system], gold, outs[system]["text"], scorers)
        if with_meta:
            if "ours" in outs:
                score_meta(tallies["ours"], gold, outs["ours"])
                if missed is not None and stem not in validation:  # never the locked pages' results
                    missed.extend(misses(stem, gold, outs["ours"]))
            if "trafilatura" in outs:
                score_meta(tallies["trafilatura"], gold, trafilatura_meta(raw))
        if dump is not None and stem not in validation:
            for system, out in outs.items():
                folder = dump / name / system
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{stem}.txt").write_text(out["text"], encoding="utf-8")
    return tallies


def body_figures(tally: Tally, scorers: dict[str, Any]) -> tuple[float, float, float]:
    """P, R, F1 as the set's scorer computes them."""
    if tally.triples:
        return scorers["score"].prf(tally.triples)
    tp, fn, fp, _ = tally.snippets
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(name: str, pages: int, tallies: dict[str, Tally], scorers: dict[str, Any]) -> str:
    """A markdown table for one set."""
    metric = "snippets" if name == "tfeval" else "shingles"
    rows = [f"**{name}** ({pages} pages, {metric})", "", "| system | P | R | F1 | CPU ms/page | title | author | date |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    base = sum(tallies["trafilatura"].seconds) if "trafilatura" in tallies else 0.0
    for system, tally in tallies.items():
        p, r, f = body_figures(tally, scorers)
        ms = 1000 * sum(tally.seconds) / max(1, len(tally.seconds))
        meta = [f"{h / s:.1%}" if s else "-" for h, s in tally.meta.values()]
        ratio = f" ({sum(tally.seconds) / base:.2f}x)" if base and system != "trafilatura" else ""
        rows.append(f"| {system} | {p:.3f} | {r:.3f} | {f:.3f} | {ms:.1f}{ratio} | " + " | ".join(meta) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Runs every chosen set and prints one table per set."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", type=Path, metavar="SHARED_BENCH_DIR")
    ap.add_argument("--split", choices=("validation", "train", "all"), default="train")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--limit", type=int, default=0, help="at most this many pages per set (0: all)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="ours, trafilatura or both (default)")
    ap.add_argument("--dump", type=Path, help="write both systems' texts of train pages to DUMP/<set>/<system>/<id>.txt")
    ap.add_argument("--no-warm-up", action="store_true", help="time from the first page (only its call is repeated)")
    ap.add_argument("--misses", type=Path, help="write our wcxb title/author/date misses on train pages to this JSONL file")
    args = ap.parse_args(argv)
    missed: list[dict[str, Any]] | None = [] if args.misses else None
    scorers = {"score": _module(args.bench / "score.py"), "snippets": _module(args.bench / "score_snippets.py")}
    ours = Ours()
    if not args.no_warm_up:
        warm_up(args.bench, ours, tuple(args.systems.split(",")), args.sets.split(","))
    for name in args.sets.split(","):
        ids = page_ids(name, args.split)[: args.limit or None]
        validation = set(json.loads((SPLITS / f"{name}.json").read_text(encoding="utf-8"))["validation"])
        tallies = run_set(args.bench, name, ids, ours, scorers, args.dump, validation, tuple(args.systems.split(",")), missed)
        print(report(name, len(ids), tallies, scorers), end="\n\n", flush=True)
    if args.misses and missed is not None:
        args.misses.write_text("".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in missed), encoding="utf-8")
    warmed = "the first page's call repeated" if args.no_warm_up else "train pages of every set cleaned first"
    print(f"split: {args.split}; CPU is time.process_time() per call in one process, warm-up: {warmed}; "
          "ratio = ours / trafilatura")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
