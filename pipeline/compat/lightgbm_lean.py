"""Keeps worker processes small: their peak RSS, not the parent's, bounds a run's memory."""
from __future__ import annotations

import sys

# lightgbm.compat imports each of these when installed, for its DataFrame, Arrow, scikit-learn and plotting
# front-ends. The line model predicts on a numpy array and never uses them, and pandas with pyarrow alone add
# about 90 MB to every worker.
LIGHTGBM_EXTRAS = ("pandas", "pyarrow", "sklearn", "dask", "matplotlib", "graphviz", "datatable", "cffi")


def import_lightgbm() -> None:
    """Imports LightGBM without its optional integrations (those not imported yet); later imports of them work."""
    if "lightgbm" in sys.modules:
        return
    hidden = [name for name in LIGHTGBM_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError, as if not installed
    try:
        import lightgbm  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]
