"""Cross-file repetition: the key a line is counted under in pass 1 of a run, and looked up under by `classify`."""
from __future__ import annotations

import hashlib
import re

from pipeline.steps.text import normalise

_DIGITS = re.compile(r"\d")


def fingerprint(text: str) -> str:
    """Key under which a line is counted across files: case, digits and punctuation do not matter."""
    key = _DIGITS.sub("0", normalise(text))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
