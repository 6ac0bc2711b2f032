"""Peak RSS of a pipeline command's parent and of its largest worker, and their CPU time.

    python bench/rss.py run CORPUS -o OUT -w 2 -q

Runs `pipeline ARGS` in this process; at exit prints ru_maxrss of this process (the run's parent) and of its
children (the largest pool worker: forked workers count the pages they inherit), with the CPU seconds of each.
"""
from __future__ import annotations

import atexit
import resource
import runpy
import sys


def report() -> None:
    """Prints the peaks and CPU times to stderr."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"peak RSS: parent {own.ru_maxrss / 1024:.0f} MB, largest worker {children.ru_maxrss / 1024:.0f} MB; "
          f"CPU: parent {own.ru_utime + own.ru_stime:.1f} s, workers {children.ru_utime + children.ru_stime:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    atexit.register(report)
    sys.argv = ["pipeline", *sys.argv[1:]]
    runpy.run_module("pipeline", run_name="__main__")
