"""Speed benchmark: builds a corpus, then measures the pipeline against trafilatura and ftfy side by side.

Usage: python bench/speed.py CORPUS_DIR [--files 20000] [--sample 2000] [--rss 10000,100000] [--distinct 20000]

CORPUS_DIR is a scratch folder (created; kept between runs so the corpora are built once). The corpus
expands seeds/ and the scrapinghub container texts to --files files in folders of 1,000, every tenth
one written as mojibake (its UTF-8 bytes read as cp1252). It repeats about a hundred texts, so nearly
every file is an exact copy of an earlier one: each gets `duplicate_of`. Real crawls are mostly
distinct, so --distinct adds a corpus of that many files in which every file is another text: its
source's first three lines (the header) and then a random selection of the source's other lines, in
order, with a line or two of other sources among them (the same folders and mojibake). Measured in one run:
- `pipeline run` with one worker and with --workers, end to end (read, repair, clean, metadata, write
  JSON), each in a child process whose peak RSS (ru_maxrss, which covers its pool workers) is read,
  on the corpus and on the distinct corpus;
- trafilatura.extract (each text as simple HTML, one <p> per line) and plain ftfy.fix_text, on a sample
  of the same texts, in this process;
- peak RSS of a --workers run over corpora of each --rss size, to show memory stays flat.
Rates are given per wall-clock second and per CPU second (user+sys, pool workers included): on a
shared machine the CPU-time ratios are the fair comparison; the workers speed-up needs wall time.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTAINER = REPO.parent / "shared" / "bench" / "scrapinghub" / "container"
PER_FOLDER = 1000
MOJIBAKE_EVERY = 10


def sources(extra: Path) -> list[str]:
    """The texts the corpus is made of: the seeds and the container folder."""
    files = sorted((REPO / "seeds").glob("*.txt")) + sorted(extra.glob("*.txt"))
    if not files:
        sys.exit(f"no source texts found (seeds/ and {extra})")
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def distinct_text(texts: list[str], i: int) -> str:
    """The i-th text of the distinct corpus: the first three lines of source i, a random part of its other lines (in
    order) and a line or two of other sources, drawn by a generator seeded with i; blank lines between them as the
    source has them."""
    rng = random.Random(i)
    source = texts[i % len(texts)]
    lines = [line for line in source.split("\n") if line.strip()]
    head, body = lines[:3], lines[3:]
    kept = [line for line in body if rng.random() < 0.7] or body
    for _ in range(rng.randint(1, 2)):
        kept.insert(rng.randint(0, len(kept)), rng.choice([line for line in rng.choice(texts).split("\n") if line.strip()] or [""]))
    return ("\n\n" if "\n\n" in source else "\n").join(head + kept) + "\n"


def build(folder: Path, count: int, texts: list[str], distinct: bool = False) -> Path:
    """Writes `count` articles under `folder` (once: a marker records a finished build)."""
    marker = folder / ".built"
    if marker.is_file() and marker.read_text() == str(count):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = distinct_text(texts, i) if distinct else texts[i % len(texts)]
        data = text.encode("utf-8")
        if i % MOJIBAKE_EVERY == MOJIBAKE_EVERY - 1:
            data = text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
        sub = folder / f"site{i // PER_FOLDER:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"a{i:07d}.txt").write_bytes(data)
    marker.write_text(str(count))
    return folder


def run_pipeline(corpus: Path, workers: int) -> dict[str, float]:
    """`pipeline run` in a child process: its own timing from run.jsonl, and its peak RSS."""
    with tempfile.TemporaryDirectory(prefix="speed-out-") as out:
        cmd = [sys.executable, "-m", "pipeline", "run", str(corpus), "-o", out, "-w", str(workers), "-q"]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        report = json.loads((Path(out) / "run.jsonl").read_text(encoding="utf-8"))
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"pipeline run failed: {' '.join(cmd)}")
    size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
    return {"docs": report["inputs"], "failed": len(report["failed"]), "seconds": report["seconds"], "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime, "bytes": size, "rss_mb": usage.ru_maxrss / 1024}


def sample_texts(corpus: Path, n: int) -> list[str]:
    """Every k-th file of the corpus, so mojibake and every source are represented."""
    files = sorted(corpus.rglob("*.txt"))
    step = max(1, len(files) // n)
    return [f.read_text(encoding="utf-8", errors="replace") for f in files[::step][:n]]


def rate(fn, texts: list[str]) -> dict[str, float]:
    """Docs/s and MB/s of `fn` over `texts` in this process."""
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        fn(text)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"docs": len(texts), "seconds": seconds, "cpu": cpu, "bytes": sum(len(t.encode("utf-8")) for t in texts)}


def as_html(text: str) -> str:
    """The plain text as the simplest page trafilatura can read: one paragraph per line."""
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.split("\n") if line.strip())
    return f"<html><head><title></title></head><body><article>\n{body}</article></body></html>"


def comparators(texts: list[str]) -> dict[str, dict[str, float]]:
    """trafilatura and ftfy on the same texts (HTML wrapping is done before timing)."""
    import ftfy
    import trafilatura

    from pipeline.config import RepairConfig
    from pipeline.steps.repair import fixer_config

    pages = [as_html(t) for t in texts]
    traf = rate(lambda page: trafilatura.extract(page), pages)
    traf["bytes"] = sum(len(t.encode("utf-8")) for t in texts)
    configured = fixer_config(RepairConfig())
    return {
        "trafilatura.extract": traf,
        "ftfy.fix_text (defaults)": rate(ftfy.fix_text, texts),
        "ftfy.fix_text (our config)": rate(lambda t: ftfy.fix_text(t, configured), texts),
    }


def row(name: str, m: dict[str, float], base: dict[str, float] | None = None) -> str:
    """One line of the table: wall-clock rates, CPU-time rate, peak RSS, and ours/theirs for both clocks."""
    docs_s, cpu_s = m["docs"] / m["seconds"], m["docs"] / m["cpu"]
    mb_s = m["bytes"] / m["seconds"] / 1e6
    rss = f"{m['rss_mb']:8.0f}" if "rss_mb" in m else f"{'-':>8}"
    ratio = ""
    if base:
        ratio = f" {base['docs'] / base['seconds'] / docs_s:7.2f}x {base['docs'] / base['cpu'] / cpu_s:7.2f}x"
    return f"{name:<34} {m['docs']:>7.0f} {docs_s:>9.1f} {mb_s:>7.2f} {cpu_s:>9.1f} {rss}{ratio}"


def main() -> None:
    """Builds the corpora, measures, prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--files", type=int, default=20000, help="files in the main corpus (default 20000)")
    parser.add_argument("--sample", type=int, default=2000, help="texts given to trafilatura and ftfy (default 2000)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel runs (default 2)")
    parser.add_argument("--rss", default="10000,100000", help="corpus sizes for the memory runs ('' to skip)")
    parser.add_argument("--container", type=Path, default=CONTAINER, help="folder of extra source texts")
    parser.add_argument("--distinct", type=int, default=0, help="files of a corpus of distinct texts (default 0: none)")
    args = parser.parse_args()

    texts = sources(args.container)
    main_corpus = build(args.corpus_dir / f"corpus{args.files}", args.files, texts)
    one = run_pipeline(main_corpus, 1)
    many = run_pipeline(main_corpus, args.workers)
    varied = {}
    if args.distinct:
        corpus = build(args.corpus_dir / f"distinct{args.distinct}", args.distinct, texts, distinct=True)
        varied = {1: run_pipeline(corpus, 1), args.workers: run_pipeline(corpus, args.workers)}
    others = comparators(sample_texts(main_corpus, args.sample))
    memory = {n: run_pipeline(build(args.corpus_dir / f"corpus{n}", n, texts), args.workers)
              for n in (int(x) for x in args.rss.split(",") if x.strip())}

    ours = one["docs"] / one["seconds"]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (CPU-time rates are the fair ones on a busy machine)")
    print(f"corpus: {one['docs']} files, {one['bytes'] / 1e6:.1f} MB, every {MOJIBAKE_EVERY}th mojibake; "
          f"cpu count {os.cpu_count()}; comparators on {args.sample} sampled texts")
    print(f"{'':<34} {'docs':>7} {'docs/s':>9} {'MB/s':>7} {'cpu d/s':>9} {'RSS MB':>8} {'ours/it':>8} {'(cpu)':>8}")
    print(row("pipeline, 1 worker (end to end)", one))
    print(row(f"pipeline, {args.workers} workers", many) + f"   speed-up {many['docs'] / many['seconds'] / ours:.2f}x")
    if varied:
        base = varied[1]["docs"] / varied[1]["seconds"]
        print(row("distinct texts, 1 worker", varied[1]))
        print(row(f"distinct texts, {args.workers} workers", varied[args.workers])
              + f"   speed-up {varied[args.workers]['docs'] / varied[args.workers]['seconds'] / base:.2f}x")
    for name, m in others.items():
        print(row(name, m, one))
    for n, m in memory.items():
        print(row(f"pipeline, {args.workers} workers, {n} files", m))
    print(f"failed inputs: 1 worker {one['failed']}, {args.workers} workers {many['failed']}; "
          f"docs/s from run.jsonl seconds (wall incl. start-up: {one['wall']:.1f}s / {many['wall']:.1f}s)")


if __name__ == "__main__":
    main()
