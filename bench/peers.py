"""Speed against the peers, side by side in one process: CPU per page of trafilatura, jusText and ours.

Usage: python bench/peers.py SHARED_BENCH_DIR [--sets scrapinghub,wcxb] [--limit N] [--no-run]

For each set (SHARED_BENCH_DIR/<set>/ with page/, container/ and html/), page by page in turn:
- trafilatura.extract on html/<id>.html.gz (the page's HTML, gunzipped beforehand; comments excluded, as
  bench/quality.py runs it);
- jusText on page/<id>.txt and on container/<id>.txt, as bench/quality.py calls it (py3langid picks the
  stoplist, each line one <p>);
- ours on page/<id>.txt and on container/<id>.txt: the work a one-worker `pipeline run` does per input
  (read the file, clean, dedup fingerprint, the article's JSON bytes), after pass 1 counted the folder's
  repeated lines (that pass is timed apart and shown as its own row).
CPU is time.process_time around each call; imports, model loading and a warm-up on a few pages of another
set are excluded. Then, unless --no-run, a real `pipeline run -w 1` over page/ and container/ in a child
process gives the end-to-end CPU per input (user+sys of the child, minus that of a run over one file, so
start-up is excluded; it includes pass 1, the parent's dedup check and the fsync'ed writes).
Run un-niced on a quiet machine for figures to publish; the ratios are what counts.
"""
from __future__ import annotations

import argparse
import gzip
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import justext_text  # noqa: E402 - the bench scripts are not a package

from pipeline.archive.paths import output_paths  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.run import worker  # noqa: E402
from pipeline.run.repetition import repeated_lines  # noqa: E402

WARM_UP_SET, WARM_UP_PAGES = "tfeval", 5
LABELS = {"scrapinghub": "news", "wcxb": "modern", "tfeval": "tfeval"}


def trafilatura_html(html: bytes) -> str:
    """trafilatura on a page's HTML with its defaults, comments excluded (as bench/quality.py runs it)."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


class Ours:
    """The per-input work of a one-worker run over one folder, with that folder's repeated lines counted."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder, self.config = folder, load_config(None)
        self.out = tempfile.mkdtemp(prefix="peers-")
        started = time.process_time()
        self.repeated = repeated_lines(folder, names, self.config)[worker.folder_of(names[0])]
        self.pass1 = (time.process_time() - started) / len(names)
        # After pass 1, whose own engine sets the worker up anew: the context (rules, models) is built here, untimed,
        # and the articles' JSON is handed back as a local run's workers do, not written.
        worker.init_worker(self.config, self.out, warm=True, writes=False)

    def clean(self, name: str) -> list[Any]:
        """Cleans one input as the run's worker does; returns its items (index row, JSON payload)."""
        return worker.work((str(self.folder / name), name, output_paths([name])[name]), self.repeated)[1]

    def close(self) -> None:
        """Removes the scratch folder."""
        shutil.rmtree(self.out, ignore_errors=True)


def timed(fn: Callable[[], Any]) -> float:
    """CPU seconds of one call."""
    started = time.process_time()
    fn()
    return time.process_time() - started


def warm_up(bench: Path) -> None:
    """Runs every system once on a few pages of another set: lazy imports, caches of the libraries."""
    folder = bench / WARM_UP_SET
    ids = sorted(p.name[:-8] for p in (folder / "html").glob("*.html.gz"))[:WARM_UP_PAGES]
    for kind in ("page", "container"):
        names = [f"{i}.txt" for i in ids if (folder / kind / f"{i}.txt").exists()]
        ours = Ours(folder / kind, names)
        for name in names:
            ours.clean(name)
            justext_text((folder / kind / name).read_text(encoding="utf-8", errors="replace"))
        ours.close()
    for i in ids:
        trafilatura_html(gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()))


def measure(folder: Path, limit: int | None) -> dict[str, list[float]]:
    """Per-page CPU seconds of each system on one set, the systems taking turns page by page."""
    ids = sorted(p.name[:-8] for p in (folder / "html").glob("*.html.gz")
                 if (folder / "page" / f"{p.name[:-8]}.txt").exists() and (folder / "container" / f"{p.name[:-8]}.txt").exists())
    ids = ids[:limit]
    names = [f"{i}.txt" for i in ids]
    ours = {kind: Ours(folder / kind, names) for kind in ("page", "container")}
    spent: dict[str, list[float]] = {key: [] for key in ("trafilatura", "justext page", "justext container",
                                                         "ours page", "ours container")}
    for i, name in zip(ids, names):
        html = gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes())
        spent["trafilatura"].append(timed(lambda: trafilatura_html(html)))
        for kind in ("page", "container"):
            text = (folder / kind / name).read_text(encoding="utf-8", errors="replace")
            spent[f"justext {kind}"].append(timed(lambda: justext_text(text)))
            spent[f"ours {kind}"].append(timed(lambda: ours[kind].clean(name)))
    for kind, o in ours.items():
        spent[f"pass 1 {kind}"] = [o.pass1] * len(ids)
        o.close()
    return spent


def run_cpu(folder: Path, names: list[str]) -> float:
    """User+sys CPU seconds of a child `pipeline run -w 1` over a folder holding `names` of `folder`."""
    with tempfile.TemporaryDirectory(prefix="peers-run-") as scratch:
        inputs = Path(scratch) / "in"
        inputs.mkdir()
        for name in names:
            shutil.copyfile(folder / name, inputs / name)  # a symlink leaving the input folder is refused
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "pipeline", "run", str(inputs), "-o", str(Path(scratch) / "out"),
                        "-w", "1", "-q"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def end_to_end(folder: Path, limit: int | None) -> float:
    """CPU seconds per input of `pipeline run -w 1` over `folder`, start-up excluded (a one-file run's CPU)."""
    names = sorted(p.name for p in folder.glob("*.txt"))[:limit]
    empty = median(run_cpu(folder, names[:1]) for _ in range(3))
    return (run_cpu(folder, names) - empty) / max(1, len(names) - 1)


def ms(values: list[float]) -> float:
    """Mean in milliseconds."""
    return 1000 * sum(values) / len(values)


def table(results: dict[str, tuple[dict[str, list[float]], dict[str, float]]]) -> str:
    """The issue's table: ms per page of each system and our speed relative to each peer."""
    rows = ["| pages | trafilatura (HTML) | jusText (text) | ours (text) | ours vs trafilatura / vs jusText | "
            "pass 1 | `pipeline run -w 1` |", "|---|---:|---:|---:|---|---:|---:|"]
    for name, (spent, runs) in results.items():
        n = len(spent["trafilatura"])
        for kind in ("page", "container"):
            traf, jus, ours = ms(spent["trafilatura"]), ms(spent[f"justext {kind}"]), ms(spent[f"ours {kind}"])
            run = f"{1000 * runs[kind]:.1f} ms" if kind in runs else "-"
            what = "whole-page" if kind == "page" else "container"
            rows.append(f"| {LABELS.get(name, name)}, {what} text ({n}) | {traf:.1f} ms | {jus:.1f} ms | {ours:.1f} ms | "
                        f"{traf / ours:.2f}x / {jus / ours:.2f}x | {ms(spent[f'pass 1 {kind}']):.1f} ms | {run} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Measures each set and prints the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", type=Path, metavar="SHARED_BENCH_DIR")
    ap.add_argument("--sets", default="scrapinghub,wcxb", help="comma-separated set names (default scrapinghub,wcxb)")
    ap.add_argument("--limit", type=int, default=None, help="the first N pages of each set (by id)")
    ap.add_argument("--no-run", action="store_true", help="skip the end-to-end `pipeline run -w 1` children")
    args = ap.parse_args(argv)
    warm_up(args.bench)
    results = {}
    for name in args.sets.split(","):
        folder = args.bench / name
        spent = measure(folder, args.limit)
        runs = {} if args.no_run else {kind: end_to_end(folder / kind, args.limit) for kind in ("page", "container")}
        results[name] = (spent, runs)
        print(f"{name}: done", file=sys.stderr, flush=True)
    print(table(results))
    print("\nms: mean CPU per page (time.process_time), one process, the systems taking turns page by page; "
          "pass 1 (repeated lines) is counted apart from ours; `pipeline run -w 1` is a child's CPU per input, start-up excluded.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
