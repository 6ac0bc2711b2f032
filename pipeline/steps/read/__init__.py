"""Step `read`, and the input readers before it: an input's bytes become records (inputs.py, markup.py), a record's
bytes become text and lines (decode.py)."""
from __future__ import annotations

from pipeline.steps.read.decode import read

__all__ = ["read"]
