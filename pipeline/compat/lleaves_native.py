"""A LightGBM model compiled to native code by lleaves (LLVM), compiled once per machine and kept in a per-user cache.

Why: LightGBM walks its trees through a generic interpreter, about 9 us a unit for the text model's first stage;
the compiled forest gives the same probabilities (within 1e-15 on every unit of the benchmark pages) about 5x
faster. Compiling takes about 10 s for the 300 trees of the first stage, so the object code is cached, keyed by
the model text, the lleaves and llvmlite versions and the host CPU, in `$PIPELINE_CACHE_DIR`, else
`$XDG_CACHE_HOME/pipeline`, else `~/.cache/pipeline`. Fallback (None from `compiled`): lleaves or llvmlite not
installed or too new for each other, a cache folder that cannot be written, a failed compile, or a check on a
few rows at set-up that disagrees with Booster.predict (tests/test_compat.py).
"""
from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

TOLERANCE = 1e-12  # the compiled forest sums its trees in another order: the last bits of a probability may differ


def cache_dir() -> Path:
    """Where compiled models are kept (one object file per model, CPU and compiler version)."""
    if os.environ.get("PIPELINE_CACHE_DIR"):
        return Path(os.environ["PIPELINE_CACHE_DIR"]) / "lleaves"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pipeline" / "lleaves"


def compiled(model_text: str, booster: Any) -> Callable[[np.ndarray], np.ndarray] | None:
    """`rows -> booster.predict(rows)` (to TOLERANCE) by the compiled forest, or None when that is not to be had."""
    try:
        fast = _caller(_load(model_text))
    except Exception:  # noqa: BLE001 - not installed, incompatible versions, no cache folder, a failed compile
        return None
    check = np.linspace(-2.0, 2.0, 7 * booster.num_feature()).reshape(7, -1)  # varied values through the trees
    try:
        agrees = np.allclose(fast(check), booster.predict(check, num_threads=1), rtol=0.0, atol=TOLERANCE)
    except Exception:  # noqa: BLE001 - any failure of the compiled call means the fallback
        agrees = False
    return fast if agrees else None


def _load(model_text: str) -> Any:
    """The compiled lleaves model of `model_text`: from the cache, or compiled now (one process at a time) into it."""
    import lleaves
    import llvmlite.binding as llvm

    llvm.initialize()
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    try:
        features = llvm.get_host_cpu_features().flatten()
    except RuntimeError:  # what lleaves compiles for then
        features = ""
    key = hashlib.sha256("\0".join([model_text, metadata.version("lleaves"), metadata.version("llvmlite"),
                                    llvm.get_host_cpu_name(), features]).encode()).hexdigest()[:32]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.o"
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "model.txt"  # lleaves reads the model's sizes from a file even when the code is cached
        source.write_text(model_text, encoding="utf-8")
        model = lleaves.Model(model_file=str(source))
        with open(folder / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two workers of a first run: one compiles, the other waits and loads
            if not target.exists():
                partial = folder / f"{key}.{os.getpid()}.tmp"  # renamed into place whole: never a half-written object
                model.compile(cache=str(partial))
                os.replace(partial, target)
                return model
        model.compile(cache=str(target))
    return model


def _caller(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """One call of the compiled entry point per matrix (lleaves' predict checks pandas types and threads first)."""
    entry, classes = model._c_entry_func, model.num_model_per_iteration()
    if classes != 1:
        raise ValueError("one probability per row only")
    pointer = ctypes.POINTER(ctypes.c_double)

    def fast(rows: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(rows, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != model.num_feature():
            raise ValueError(f"rows of {model.num_feature()} features expected, got shape {rows.shape}")
        out = np.zeros(rows.shape[0], dtype=np.float64)
        if len(out):
            entry(rows.ctypes.data_as(pointer), out.ctypes.data_as(pointer), 0, len(out))
        return out

    return fast
