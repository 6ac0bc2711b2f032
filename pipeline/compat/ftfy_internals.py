"""ftfy's mojibake detector and character tables (ftfy.badness.BADNESS_RE, ftfy.chardata): importable, but not part
of ftfy's documented API.

Why: repair sends to ftfy only the lines that hold a character some configured fix acts on, which needs to know
those characters. Fallback: when one is missing or of another shape, the function here returns None and repair
calls ftfy on the whole text (exactly ftfy's output, only slower; tests/test_compat.py checks it).
"""
from __future__ import annotations

import re
from typing import Any

try:
    from ftfy import chardata
except ImportError:  # pragma: no cover - an ftfy without it: no gate
    chardata = None
try:
    from ftfy.badness import BADNESS_RE
except ImportError:  # pragma: no cover - as above
    BADNESS_RE = None


def badness_pattern() -> re.Pattern[str] | None:
    """ftfy's mojibake detector, or None."""
    return BADNESS_RE if isinstance(BADNESS_RE, re.Pattern) else None


def char_table(name: str) -> frozenset[str] | None:
    """The characters of one of ftfy.chardata's tables (CONTROL_CHARS, LIGATURES, WIDTH_MAP), or None."""
    table: Any = getattr(chardata, name, None)
    try:
        return frozenset(map(chr, table)) if table is not None else None
    except (TypeError, ValueError):
        return None
