"""LightGBM imported without its optional integrations, by setting `sys.modules[name] = None` for them while it
imports (Python's documented way to make an import fail, but it leans on lightgbm.compat catching ImportError).

Why: worker processes stay small; their peak RSS, not the parent's, bounds a run's memory. Fallback: a LightGBM
that needs one of them at import raises there, and the modules are then imported as usual (tests/test_run_memory.py
checks that a worker stays lean and that the hidden modules import afterwards).
"""
from __future__ import annotations

import importlib
import sys

# lightgbm.compat imports each of these when installed, for its DataFrame, Arrow, scikit-learn and plotting
# front-ends. The line model predicts on a numpy array and never uses them, and pandas with pyarrow alone add
# about 90 MB to every worker.
LIGHTGBM_EXTRAS = ("pandas", "pyarrow", "sklearn", "dask", "matplotlib", "graphviz", "datatable", "cffi")


def import_lightgbm() -> None:
    """Imports LightGBM, and lleaves when installed (its front-end imports pandas too, for DataFrames), without
    their optional integrations (those not imported yet); later imports of them work. A package that cannot import
    without one of them is imported as usual."""
    _import_lean("lightgbm")
    try:
        _import_lean("lleaves")
    except ImportError:  # not installed: the line model runs on LightGBM alone (compat/lleaves_native.py)
        pass


def _import_lean(package: str) -> None:
    """Imports `package` with LIGHTGBM_EXTRAS hidden, or as usual when it needs one of them."""
    if package in sys.modules:
        return
    hidden = [name for name in LIGHTGBM_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError, as if not installed
    try:
        importlib.import_module(package)
    except ImportError:  # the fallback: forget the half-imported package and import it with everything
        for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[name]
    finally:
        for name in hidden:
            del sys.modules[name]
    importlib.import_module(package)
