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
import heapq
import sqlite3
import zlib
from functools import lru_cache
from typing import Any

import numpy as np

from pipeline.config import DedupConfig
from pipeline.errors import ConfigError
from pipeline.steps.text import TOKEN

SEED = 1  # datasketch's default: the permutations, hence the signatures, are the same in every process
# crc32 instead of datasketch's default sha1: 6x faster per n-gram, and a 32-bit value is all the scheme keeps.
SCHEME = "affine32"  # datasketch 2's default hashing scheme; 32-bit values, stored as 4 bytes each
_SLICE = 2048  # n-grams per step of `signature`


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> Any:
    """datasketch's MinHash permutations (uint32 a and b), drawn once per process."""
    from datasketch import MinHash  # here: datasketch imports scipy, which runs without dedup never need

    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def shingle_hashes(text: str, n: int) -> list[int]:
    """CRC-32 of each case-folded word n-gram of the text (of the whole text when it has fewer than n words), repeats
    included: a minimum does not mind them."""
    words = TOKEN.findall(text.casefold())
    if not words:
        return []
    data = " ".join(words).encode("utf-8")
    # A space is only ever the one between two words (no word holds one, no UTF-8 sequence holds its byte), so an
    # n-gram is the slice of `data` from the start of a word to the end of the word n - 1 places on.
    spaces = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 32)
    starts, ends = np.concatenate(([0], spaces + 1)), np.concatenate((spaces, [len(data)]))
    count = max(1, len(words) - n + 1)
    return [zlib.crc32(data[a:b]) for a, b in zip(starts[:count].tolist(), ends[min(n, len(words)) - 1:].tolist())]


def signature(hashes: list[int], num_perm: int) -> np.ndarray:
    """The MinHash of these 32-bit hash values, as datasketch's `MinHash(..., scheme="affine32").update_batch` makes it
    (tests compare the two): MurmurHash3's 32-bit finaliser, then per permutation a * h + b mod 2^32, the minimum."""
    hv = np.asarray(hashes, dtype=np.uint32)
    hv ^= hv >> np.uint32(16)
    hv *= np.uint32(0x85EBCA6B)
    hv ^= hv >> np.uint32(13)
    hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> np.uint32(16)
    a, b = _permutations(num_perm)
    # In slices: a long text's n-grams times the permutations at once would be a large temporary.
    return np.minimum.reduce([(hv[i:i + _SLICE, None] * a + b).min(axis=0) for i in range(0, len(hv), _SLICE)])


def fingerprint(article: dict[str, Any], config: DedupConfig) -> dict[str, str] | None:
    """What the parent needs of an article: its `text_sha256` and MinHash (base64); None when it has no words."""
    hashes = shingle_hashes(article["text"], config.shingle_words)
    if not hashes:
        return None
    packed = signature(hashes, config.num_perm).astype("<u4").tobytes()
    return {"text_sha256": article["text_sha256"], "minhash": base64.b64encode(packed).decode("ascii")}


def _band_key(band: bytes) -> bytes:
    """A short key for one LSH band (its 8-byte BLAKE2 digest): the index keeps one per band and article, and
    candidates are checked against the whole signature anyway."""
    return hashlib.blake2b(band, digest_size=8).digest()


class Duplicates:
    """The articles seen so far in this run, indexed for exact and near-duplicate look-ups.

    The index lives in a private temporary SQLite database on disk (SQLite deletes it when closed), so the parent's
    memory does not grow with the corpus: a table of (band, band key) -> article number, as datasketch's MinHashLSH
    keeps in memory, with the same bands and keys (the same candidates), the signatures and the text digests.
    """

    def __init__(self, config: DedupConfig) -> None:
        from datasketch import MinHashLSH  # as in _permutations

        self.config = config
        try:  # datasketch chooses the bands for the threshold (and refuses what it cannot serve)
            lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm, hashfunc=_band_key)
        except ValueError as exc:  # e.g. 0.99 with 128 permutations leaves fewer than 2 LSH bands
            raise ConfigError([("dedup -> threshold", f"{config.threshold} does not work with num_perm {config.num_perm} "
                                f"({exc}); lower the threshold or raise num_perm")], "dedup") from None
        self._ranges: list[tuple[int, int]] = list(lsh.hashranges)
        self._db = sqlite3.connect("")  # "": a temporary database on disk, only a small page cache in memory
        self._db.executescript(_SCHEMA)
        self._count = 0

    def check(self, article_id: str, found: dict[str, str] | None) -> str | None:
        """The id of the earliest article seen that this one duplicates, or None; then remembers this one."""
        if not found:
            return None
        packed = np.frombuffer(base64.b64decode(found["minhash"]), dtype="<u4")
        if len(packed) != self.config.num_perm:
            return None  # made under another num_perm: cannot happen, the config is part of every input's key
        exact = self._db.execute("SELECT t.number, t.answer, a.signature FROM texts t JOIN articles a USING (number) "
                                 "WHERE t.sha256 = ?", (found["text_sha256"],)).fetchone()
        if exact and exact[2] == packed.tobytes():
            # A copy of the first article with this text: its near duplicates are that article's, which comes before
            # them all, so its answer is this one's; and any later article this copy matches, that one matches
            # first, so the copy need not be indexed (a text copied a thousand times costs one look-up each).
            return exact[1]
        # As MinHashLSH keys a band: the big-endian bytes of its 64-bit hash values, through _band_key.
        wide = packed.astype(">u8")
        bands = [(band, _band_key(wide[start:end].tobytes())) for band, (start, end) in enumerate(self._ranges)]
        earliest = self._earliest(bands, packed, exact[0] if exact else None)
        number, self._count = self._count, self._count + 1
        answer = None if earliest is None else self._db.execute("SELECT id FROM articles WHERE number = ?", (earliest,)).fetchone()[0]
        self._db.execute("INSERT OR IGNORE INTO texts VALUES (?, ?, ?)", (found["text_sha256"], number, answer or article_id))
        self._db.executemany("INSERT INTO bands VALUES (?, ?, ?)", [(band, key, number) for band, key in bands])
        self._db.execute("INSERT INTO articles VALUES (?, ?, ?)", (number, article_id, packed.tobytes()))
        if number % 1000 == 999:
            self._db.commit()
        return answer

    def _earliest(self, bands: list[tuple[int, bytes]], packed: np.ndarray, exact: int | None) -> int | None:
        """The earliest article that shares a band with this one and reaches the threshold, or the exact copy when
        that comes first. Only the earliest counts, so candidates are read in order and the first match ends the
        search (a text copied a thousand times costs one comparison, not a thousand)."""
        query = "SELECT number FROM bands WHERE band = ? AND key = ? ORDER BY number"
        cursors = [self._db.execute(query, band) for band in bands]
        try:
            previous = None
            for (number,) in heapq.merge(*cursors):
                if exact is not None and number >= exact:
                    break
                if number != previous and np.mean(self._signature(number) == packed) >= self.config.threshold:
                    return number
                previous = number
        finally:
            for cursor in cursors:
                cursor.close()
        return exact

    def _signature(self, number: int) -> np.ndarray:
        """The stored signature of article `number`."""
        blob = self._db.execute("SELECT signature FROM articles WHERE number = ?", (number,)).fetchone()[0]
        return np.frombuffer(blob, dtype="<u4")

    def close(self) -> None:
        """Drops the index (SQLite deletes the temporary database)."""
        self._db.close()


# texts: the first article with each text, and what its copies duplicate (its own duplicate_of, or that article).
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE bands (band INTEGER, key BLOB, number INTEGER, PRIMARY KEY (band, key, number)) WITHOUT ROWID;
CREATE TABLE articles (number INTEGER PRIMARY KEY, id TEXT NOT NULL, signature BLOB NOT NULL);
CREATE TABLE texts (sha256 TEXT PRIMARY KEY, number INTEGER NOT NULL, answer TEXT NOT NULL) WITHOUT ROWID;
"""
