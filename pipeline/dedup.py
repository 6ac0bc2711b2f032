"""Exact and near duplicates across the archive: a MinHash signature per article (made by the worker that cleans
it), then one pass in the run's parent, in input order, over the signatures alone (LSH, datasketch).

An article's `duplicate_of` is the id of the earliest article in input order whose text it duplicates: the same
text (`text_sha256`), or word n-gram sets whose estimated Jaccard similarity reaches `dedup.threshold`. Articles
without words are never duplicates. Skipped (unchanged) articles keep their signature in the run state, so every
run decides `duplicate_of` afresh for all articles: an edit to an earlier article can change a later one's.
"""
from __future__ import annotations

import base64
import hashlib
import re
import zlib
from functools import lru_cache
from typing import Any

import numpy as np

from .config import DedupConfig
from .errors import ConfigError

WORD = re.compile(r"\w+")
SEED = 1  # datasketch's default: the permutations, hence the signatures, are the same in every process
# crc32 instead of datasketch's default sha1: 6x faster per n-gram, and a 32-bit value is all the scheme keeps.
SCHEME = "affine32"  # datasketch 2's default hashing scheme; 32-bit values, stored as 4 bytes each


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> Any:
    """The MinHash permutations, drawn once per process."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def shingles(text: str, n: int) -> set[bytes]:
    """The text's word n-grams, case-folded (the whole text when it has fewer than n words)."""
    words = WORD.findall(text.casefold())
    if len(words) < n:
        return {" ".join(words).encode("utf-8")} if words else set()
    return set(map(str.encode, map(" ".join, zip(*(words[i:] for i in range(n))))))


def fingerprint(article: dict[str, Any], config: DedupConfig) -> dict[str, str] | None:
    """What the parent needs of an article: its `text_sha256` and MinHash (base64); None when it has no words."""
    grams = shingles(article["text"], config.shingle_words)
    if not grams:
        return None
    from datasketch import MinHash

    minhash = MinHash(num_perm=config.num_perm, seed=SEED, hashfunc=zlib.crc32, permutations=_permutations(config.num_perm),
                      scheme=SCHEME)
    minhash.update_batch(list(grams))
    packed = np.asarray(minhash.hashvalues, dtype="<u4").tobytes()
    return {"text_sha256": article["text_sha256"], "minhash": base64.b64encode(packed).decode("ascii")}


def _band_key(band: bytes) -> bytes:
    """A short key for one LSH band (its 8-byte BLAKE2 digest): the parent keeps one per band and article, and
    candidates are checked against the whole signature anyway."""
    return hashlib.blake2b(band, digest_size=8).digest()


class Duplicates:
    """The articles seen so far in this run, indexed for exact and near-duplicate look-ups."""

    def __init__(self, config: DedupConfig) -> None:
        from datasketch import MinHashLSH

        self.config = config
        try:
            self._lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm, hashfunc=_band_key)
        except ValueError as exc:  # e.g. 0.99 with 128 permutations leaves fewer than 2 LSH bands
            raise ConfigError([("dedup -> threshold", f"{config.threshold} does not work with num_perm {config.num_perm} "
                                f"({exc}); lower the threshold or raise num_perm")], "dedup") from None
        self._exact: dict[str, int] = {}
        self._values: list[np.ndarray] = []
        self._ids: list[str] = []

    def check(self, article_id: str, found: dict[str, str] | None) -> str | None:
        """The id of the earliest article seen that this one duplicates, or None; then remembers this one."""
        if not found:
            return None
        from datasketch import LeanMinHash

        values = np.frombuffer(base64.b64decode(found["minhash"]), dtype="<u4").astype(np.uint64)
        if len(values) != self.config.num_perm:
            return None  # made under another num_perm: cannot happen, the config is part of every input's key
        minhash = LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)
        packed = values.astype(np.uint32)
        hits = [i for i in self._lsh.query(minhash) if np.mean(self._values[i] == packed) >= self.config.threshold]
        if found["text_sha256"] in self._exact:
            hits.append(self._exact[found["text_sha256"]])
        number = len(self._ids)
        self._exact.setdefault(found["text_sha256"], number)
        self._lsh.insert(number, minhash)
        self._values.append(packed)
        self._ids.append(article_id)
        return self._ids[min(hits)] if hits else None
