"""Cross-file repetition: the key a unit is counted under in pass 1 of a run, and looked up under by `classify`.

Both see the same units: pass 1 runs the steps that make them (read, repair, segment) before counting, so a
mojibake'd or hard-wrapped folder counts its repaired, joined lines, as classify looks them up.
"""
from __future__ import annotations

import hashlib
import re

from pipeline.config import RepetitionConfig
from pipeline.document import Unit
from pipeline.steps.text import normalise, words

_DIGITS = re.compile(r"\d")


def fingerprint(text: str) -> str:
    """Key under which a line is counted across files: case, digits and punctuation do not matter."""
    key = _DIGITS.sub("0", normalise(text))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def unit_key(text: str, nwords: int, config: RepetitionConfig) -> str | None:
    """The key of a unit of `nwords` words, or None for one too long to be boilerplate that recurs."""
    return fingerprint(text) if nwords <= config.max_words else None


def unit_keys(units: list[Unit], config: RepetitionConfig) -> set[str]:
    """The distinct keys of a document's units: what pass 1 counts for it."""
    return {key for unit in units if (key := unit_key(unit.text, len(words(unit.text)), config)) is not None}
