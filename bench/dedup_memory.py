"""Memory and time of the duplicate pass in the run's parent: N random signatures through dedup.Duplicates.

    python bench/dedup_memory.py --articles 50000
"""
from __future__ import annotations

import argparse
import base64
import resource
import time

import numpy as np

from pipeline.config import DedupConfig
from pipeline.archive.dedup import Duplicates


def main() -> None:
    """Prints the peak-RSS growth per article and the time per look-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    args = parser.parse_args()
    config = DedupConfig()
    rng = np.random.default_rng(1)
    found = [{"text_sha256": f"{i:064x}", "minhash": base64.b64encode(rng.integers(0, 2**32 - 1, config.num_perm, dtype=np.uint64)
                                                                      .astype("<u4").tobytes()).decode()} for i in range(args.articles)]
    duplicates = Duplicates(config)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()  # CPU time: the machine may be busy
    for i, item in enumerate(found):
        duplicates.check(f"{i:016x}", item)
    seconds = time.process_time() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(f"{args.articles} articles: {grown / args.articles:.1f} KB each in the parent, {seconds / args.articles * 1e3:.2f} ms of CPU per look-up")


if __name__ == "__main__":
    main()
