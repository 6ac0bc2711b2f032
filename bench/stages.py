"""Per-step CPU time of the per-file work, in this process: where a document's milliseconds go.

Usage: python bench/stages.py INPUT_DIR [N]

Cleans the first N files (all by default) of INPUT_DIR as a run's worker does (repeated lines counted
first, articles written to a temp folder), after one warm-up file, and prints the CPU time (process_time)
per document of each step and of the costly parts inside them, measured by wrapping those functions.
Parts overlap (langid and rules are inside `analyse`, dateparser inside the header search). Compare two versions of
the code by running this alternately on the same files (PYTHONPATH=OTHER_CHECKOUT), not by one figure.
"""
from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.steps import flow
from pipeline.archive.paths import output_paths
from pipeline.run import worker
from pipeline.run.inputs import discover
from pipeline.run.repetition import repeated_lines
from pipeline.config import load_config

SPENT: defaultdict[str, float] = defaultdict(float)
PARTS = [  # (module, function, label)
    ("pipeline.steps.classify.passes", "analyse", "classify: passes 1-3 (langid, rules)"),
    ("pipeline.steps.classify.analysis", "detect_language", "  language identification"),
    ("pipeline.steps.classify.passes", "_model_keep", "classify: line model"),
    ("pipeline.steps.metadata", "label_header", "metadata: header search"),
    ("pipeline.steps.metadata.dates", "_parse", "  dates read (dateparser)"),
    ("pipeline.steps.write", "article", "article record"),
    ("pipeline.archive.dedup", "fingerprint", "dedup fingerprint"),
    ("pipeline.run.worker", "json_bytes", "article JSON"),
    ("pipeline.run.worker", "write_bytes", "fsync'ed write (the parent's in a run)"),
]


def timed(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
    """`fn`, adding its CPU time to SPENT[label]."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[label] += time.process_time() - started
    return wrapper


def main() -> None:
    """Times the steps over the files and prints ms per document."""
    root = Path(sys.argv[1])
    config = load_config(None)
    inputs = discover(root, config)[:int(sys.argv[2]) if len(sys.argv) > 2 else None]
    repeated = repeated_lines(root, inputs, config)
    out = tempfile.mkdtemp(prefix="stages-")
    worker.init_worker(config, out)
    matcher = worker.context().matcher
    for name in config.steps:
        flow.STEPS[name] = timed(flow.STEPS[name], f"step {name}")
    for module, name, label in PARTS:
        setattr(importlib.import_module(module), name, timed(getattr(importlib.import_module(module), name), label))
    matcher.match = timed(matcher.match, "  rules")  # type: ignore[method-assign]
    worker.work((str(root / inputs[0]), inputs[0], "warm-up.json"), repeated[worker.folder_of(inputs[0])])
    import dateparser  # its import and English data load once per worker: not a document's cost

    dateparser.parse("June 10", languages=["en"])
    SPENT.clear()
    started = time.process_time()
    for rel in inputs:
        worker.work((str(root / rel), rel, output_paths([rel])[rel]), repeated[worker.folder_of(rel)])
    total = time.process_time() - started
    shutil.rmtree(out)
    print(f"{root}: {len(inputs)} documents, {total / len(inputs) * 1000:.2f} ms CPU per document")
    for label, seconds in SPENT.items():
        print(f"  {label:<40} {seconds / len(inputs) * 1000:7.3f} ms")


if __name__ == "__main__":
    main()
