"""A LightGBM booster's predictions on a numpy matrix by one call of its C API.

Booster.predict builds a predictor object and asks the C library for the model's classes and iterations on every
call, about 0.1 ms, twice a document; `predictor` calls LGBM_BoosterPredictForMat directly, as lightgbm.basic
does, with the same arguments. Fallback: when lightgbm.basic's internals are not where they were, or a check on a
few rows at set-up disagrees with Booster.predict, it is Booster.predict (tests/test_compat.py).
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import numpy as np


def predictor(booster: Any) -> Callable[[np.ndarray], np.ndarray]:
    """`rows -> booster.predict(rows, num_threads=1)` for a float64 matrix, by one C call when that gives the same."""
    def slow(rows: np.ndarray) -> np.ndarray:
        return booster.predict(rows, num_threads=1)

    fast = _direct(booster)
    if fast is None:
        return slow
    check = np.linspace(-2.0, 2.0, 7 * booster.num_feature()).reshape(7, -1)  # varied values through the trees
    try:
        agrees = np.array_equal(fast(check), slow(check))
    except Exception:  # noqa: BLE001 - any failure of the direct call means the fallback
        agrees = False
    return fast if agrees else slow


def _direct(booster: Any) -> Callable[[np.ndarray], np.ndarray] | None:
    """The direct C call through lightgbm.basic's library handle, or None when its internals are not as expected."""
    try:
        from lightgbm import basic

        lib, safe_call, c_str = basic._LIB, basic._safe_call, basic._c_str
        dtype, layout, normal = basic._C_API_DTYPE_FLOAT64, basic._C_API_IS_ROW_MAJOR, basic._C_API_PREDICT_NORMAL
        handle, iterations = booster._handle, booster.best_iteration  # what Booster.predict passes (num_iteration None)
        classes = booster._Booster__num_class
        lib.LGBM_BoosterPredictForMat  # noqa: B018 - the function must exist
    except (ImportError, AttributeError):
        return None
    if classes != 1:
        return None  # one probability per row only
    params = c_str("num_threads=1")

    def fast(rows: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(rows, dtype=np.float64)
        n = rows.shape[0]
        out = np.empty(n, dtype=np.float64)
        if n == 0:
            return out
        got = ctypes.c_int64(0)
        safe_call(lib.LGBM_BoosterPredictForMat(
            handle, rows.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), ctypes.c_int(dtype), ctypes.c_int32(n),
            ctypes.c_int32(rows.shape[1]), ctypes.c_int(layout), ctypes.c_int(normal), ctypes.c_int(0),
            ctypes.c_int(iterations), params, ctypes.byref(got), out.ctypes.data_as(ctypes.POINTER(ctypes.c_double))))
        if got.value != n:
            raise ValueError(f"LightGBM returned {got.value} predictions for {n} rows")
        return out

    return fast
