"""What keeps a run's memory flat: lean worker imports, workers forked early, state and dedup index on disk."""
from __future__ import annotations

import subprocess
import sys

from pipeline.run.engines import LocalPool

LEAN = """
import sys
from pipeline.compat.lightgbm_lean import import_lightgbm
import_lightgbm()
import lightgbm.compat as compat
hidden = sorted(name for name in ("pandas", "pyarrow") if name in sys.modules)
import pandas  # still importable afterwards
print(hidden, compat.PANDAS_INSTALLED)
"""


def test_lightgbm_is_imported_without_pandas_and_pyarrow() -> None:
    """A fresh process (the test process may have imported them already): LightGBM comes without its DataFrame
    front-ends, which are still there for whoever imports them later."""
    out = subprocess.run([sys.executable, "-c", LEAN], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "False"]


def test_the_pool_forks_its_workers_when_created() -> None:
    """Before the caller builds per-input state: a forked worker's RSS counts every page it inherits."""
    pool = LocalPool(2)
    try:
        assert len(pool._pool._processes) == 2
    finally:
        pool.close()
