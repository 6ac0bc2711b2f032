"""The line model's predictions: the packaged LightGBM booster(s), one stage or two stacked, over feature rows."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.compat.lightgbm_direct import predictor
from pipeline.compat.lleaves_native import compiled
from pipeline.document import Unit
from pipeline.errors import ConfigError
from pipeline.steps.classify.analysis import Analysis
from pipeline.steps.classify.line_model.dom_rows import dom_stack_rows
from pipeline.steps.classify.line_model.rows import STACK_SEPARATOR, feature_rows, stack_rows
from pipeline.steps.limits import deadline_paused

MODEL_FILE = "lines.txt"
HTML_MODEL_FILE = "html_lines.txt"  # the HTML line model: the same text features plus dom_rows.DOM_FEATURES


class LineModel:
    """Keep/remove decisions from the packaged LightGBM booster(s): one stage, or two stacked."""

    def __init__(self, model_text: str, threshold: float) -> None:
        self.model_text = model_text
        self.threshold = threshold
        self._boosters: Any = None
        self._predict: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"model_text": self.model_text, "threshold": self.threshold, "_boosters": None, "_predict": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def boosters(self) -> list[Any]:
        """The LightGBM booster of each stage, built on first use in the process that predicts.

        One thread, and never built before a fork: OpenMP state inherited across fork() deadlocks workers.
        """
        if self._boosters is None:
            import lightgbm  # imported here: only runs that use the model pay for it

            self._boosters = [lightgbm.Booster(model_str=part) for part in self.model_text.split(STACK_SEPARATOR)]
        return self._boosters

    @property
    def predict(self) -> list[Any]:
        """Each stage's `rows -> probabilities`: its forest compiled to native code, else its booster's predict called
        without its per-call set-up."""
        if self._predict is None:
            parts = self.model_text.split(STACK_SEPARATOR)
            with deadline_paused():  # set up within the first document's deadline, but not its work
                self._predict = [compiled(part, b) or predictor(b) for part, b in zip(parts, self.boosters)]
        return self._predict

    @property
    def booster(self) -> Any:
        """The first-stage booster."""
        return self.boosters[0]

    def probabilities(self, units: list[Unit], an: Analysis, extra: np.ndarray | None = None,
                      groups: np.ndarray | None = None) -> list[float]:
        """P(unit belongs to the article) for every unit; `extra` holds more feature columns (an HTML page's DOM),
        `groups` each unit's DOM container and signature (dom_rows.dom_groups), for an HTML model's second stage."""
        rows = feature_rows(units, an)
        if extra is not None:
            # New text features are appended to FEATURES: a model trained before them reads the leading columns it knows.
            rows = np.hstack([rows[:, :self.boosters[0].num_feature() - extra.shape[1]], extra])
        predict = self.predict
        p = predict[0](rows)
        if len(predict) > 1:
            second = stack_rows(rows, p)
            if groups is not None and self.boosters[1].num_feature() > second.shape[1]:
                second = np.hstack([second, dom_stack_rows(groups, rows, p)])
            p = predict[1](second)
        return [float(x) for x in p]

    def keep(self, units: list[Unit], an: Analysis) -> list[bool]:
        """Which units stay."""
        return [p >= self.threshold for p in self.probabilities(units, an)]


@lru_cache(maxsize=4)
def load_model(threshold: float, path: str | None = None, name: str = MODEL_FILE) -> LineModel | None:
    """The model at `path`, or the packaged one called `name`; None when that one is not installed."""
    if path is not None:
        try:
            return LineModel(Path(path).read_text(encoding="utf-8"), threshold)
        except OSError as exc:
            raise ConfigError([("classify -> model -> path", f"cannot read model file {path}: {exc.strerror or exc}")]) from None
    source = resources.files("pipeline.steps.classify.line_model").joinpath(name)
    if not source.is_file():
        return None
    return LineModel(source.read_text(encoding="utf-8"), threshold)
