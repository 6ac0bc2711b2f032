"""Step `classify`: rules, cross-file repetition, content classes and the line model give every unit its verdict."""
from __future__ import annotations

from pipeline.steps.classify.passes import classify

__all__ = ["classify"]
