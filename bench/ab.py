"""Two checkouts of the pipeline side by side: CPU per input of each, in alternating child processes.

Usage: python bench/ab.py BEFORE_DIR AFTER_DIR [--sets scrapinghub,wcxb] [--kinds page,container,html] [--rounds 3]

Each round runs, for each checkout in turn (the one that goes first alternates) (PYTHONPATH=<checkout>), a child that cleans every input of each
SHARED_BENCH/<set>/<kind>/ folder as bench/peers.py times ours (worker.work per input after pass 1, warm-up on
another set first) and prints its mean ms per input. Kind `html` times the HTML pages of the set's train ids
(bench/splits) as bench/html_side.py times ours: the library's clean_bytes per page, gunzipped before the clock,
after one warm-up pass over the first pages. Alternating the two in every round puts them under the same
machine load; the table gives each one's median over the rounds and the ratio before / after.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

BENCH = Path(__file__).resolve().parent
CHILD = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {bench!r})
from peers import Ours, warm_up
root = Path({shared!r})
warm_up(root)
out = {{}}
for folder in {folders!r}:
    names = sorted(p.name for p in (root / folder).glob("*.txt"))
    ours = Ours(root / folder, names)
    started = time.process_time()
    for name in names:
        ours.clean(name)
    out[folder] = 1000 * (time.process_time() - started) / len(names)
    ours.close()
print(json.dumps(out))
"""
HTML_CHILD = """
import gzip, json, sys, time
from pathlib import Path
import pipeline  # from PYTHONPATH, before html_side puts its own checkout first on sys.path
sys.path.insert(0, {bench!r})
from html_side import Ours, page_ids
root = Path({shared!r})
ours = Ours()
out = {{}}
for folder in {folders!r}:
    name = folder.split("/")[0]
    pages = [(i, gzip.decompress((root / folder / f"{{i}}.html.gz").read_bytes())) for i in page_ids(name, "train")]
    for i, raw in pages[:5]:  # lazy imports and tables: not timed
        ours(raw, i)
    started = time.process_time()
    for i, raw in pages:
        ours(raw, i)
    out[folder] = 1000 * (time.process_time() - started) / len(pages)
out["pipeline"] = pipeline.__file__
print(json.dumps(out))
"""


def child(checkout: Path, shared: Path, folders: list[str]) -> dict[str, float]:
    """ms per input of each folder with the pipeline of `checkout` (html/ folders in a child of their own)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out: dict[str, float] = {}
    for template, chosen in ((CHILD, [f for f in folders if not f.endswith("/html")]),
                             (HTML_CHILD, [f for f in folders if f.endswith("/html")])):
        if chosen:
            code = template.format(bench=str(BENCH), shared=str(shared), folders=chosen)
            done = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, cwd="/")
            found = json.loads(done.stdout.strip().splitlines()[-1])
            if not found.pop("pipeline", str(checkout)).startswith(str(checkout)):
                raise SystemExit(f"the child for {checkout} imported another checkout's pipeline")
            out.update(found)
    return out


def main(argv: list[str] | None = None) -> int:
    """Alternates the two checkouts and prints medians and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--shared", type=Path, default=BENCH.parent.parent / "shared" / "bench")
    ap.add_argument("--sets", default="scrapinghub,wcxb")
    ap.add_argument("--kinds", default="page,container")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    folders = [f"{s}/{k}" for s in args.sets.split(",") for k in args.kinds.split(",")]
    seen: dict[str, dict[str, list[float]]] = {"before": {f: [] for f in folders}, "after": {f: [] for f in folders}}
    started = time.time()
    for round_ in range(args.rounds):
        sides = (("before", args.before), ("after", args.after))
        for side, checkout in sides if round_ % 2 == 0 else sides[::-1]:  # each goes first every other round
            for folder, ms in child(checkout.resolve(), args.shared, folders).items():
                seen[side][folder].append(ms)
    print("| inputs | before (ms) | after (ms) | before / after |\n|---|---:|---:|---:|")
    for folder in folders:
        b, a = median(seen["before"][folder]), median(seen["after"][folder])
        print(f"| {folder} | {b:.2f} | {a:.2f} | {b / a:.2f}x |")
    for side in seen:
        print(f"{side}: " + "; ".join(f"{folder} " + " ".join(f"{ms:.2f}" for ms in seen[side][folder]) for folder in folders))
    print(f"\nmedians of {args.rounds} alternating rounds; wall {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
