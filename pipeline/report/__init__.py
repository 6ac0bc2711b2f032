"""`pipeline report`: one self-contained HTML page of an archive (page.py builds it from templates/)."""
from __future__ import annotations

from pipeline.report.page import Summary, write_report

__all__ = ["Summary", "write_report"]
