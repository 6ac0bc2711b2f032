"""Line features on plain text: length, words, stopword density, punctuation, shape."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
from py3langid import langid
from stop_words import get_stop_words

WORD = re.compile(r"\w+(?:['’]\w+)*")
BULLET = re.compile(r"^([-*•·▪►–—]|\d{1,3}[.)])\s")  # list items: dashes, bullets, "1." or "1)"
_TERMINAL = re.compile(r"[.!?…:;]['\"”’»)\]]*$|[。！？]$")  # the definition ends_sentence implements
_LATIN_TERMINAL, _CLOSING, _CJK_TERMINAL = ".!?…:;", "'\"”’»)]", "。！？"
LETTER = re.compile(r"[^\W\d_]")

# ISO 639-1 codes of the packaged stopword lists (the stop-words package).
_STOPWORD_LANGS = {
    "ar": "arabic", "bg": "bulgarian", "ca": "catalan", "cs": "czech", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "he": "hebrew", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ms": "malaysian", "it": "italian", "no": "norwegian",
    "nb": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sk": "slovak",
    "es": "spanish", "sv": "swedish", "tr": "turkish", "uk": "ukrainian", "vi": "vietnamese", "fa": "persian",
    "el": "greek",
}


@lru_cache(maxsize=64)
def stopwords(language: str | None) -> frozenset[str]:
    """The stopword list of `language` (ISO 639-1), empty when none is packaged."""
    name = _STOPWORD_LANGS.get(language or "")
    return frozenset(w.lower() for w in get_stop_words(name)) if name else frozenset()


def identify_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code of `text` and a 0-1 confidence, from py3langid."""
    lang, prob = _identifier().classify(text[:4000])
    return lang, float(prob)


@lru_cache(maxsize=1)
def _identifier() -> langid.LanguageIdentifier:
    """py3langid's packaged model with normalised probabilities, loaded once."""
    try:
        return FastIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    except (AttributeError, TypeError, ValueError):  # a py3langid of another layout: its own, slower walk
        return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


class FastIdentifier(langid.LanguageIdentifier):
    """py3langid with its byte automaton walked by numpy instead of a Python loop: the same scores, 4x faster.

    The automaton is Aho-Corasick over byte n-grams, so its state after a byte depends only on the last
    `depth` bytes (the deepest state's distance from the start): walking every position `depth` steps
    from the start state at once gives every state of the sequential walk.
    """

    __slots__ = ("_flat", "_rowbase32", "_outputs", "_depth")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._flat = np.frombuffer(self.tk_nextmove, dtype=np.dtype(self.tk_nextmove.typecode))
        self._rowbase32 = np.asarray(self._rowbase, dtype=np.uint32)
        self._outputs = np.asarray(self.tk_output, dtype=np.int32)
        self._depth = self._max_depth()
        # numpy converts the float16 rows to float32 before every product anyway; doing it once is 4x faster.
        self.nb_ptc = self.nb_ptc.astype(np.float32)
        self._full_model = (self.nb_ptc, self.nb_pc, self.nb_classes)

    def _max_depth(self) -> int:
        """Longest shortest path from the start state (breadth-first over distinct transition rows)."""
        table, rows = self._flat.reshape(-1, 256), self._rowbase32 >> 8
        depth = np.full(len(rows), -1, dtype=np.int16)
        depth[0], frontier, level = 0, np.zeros(1, dtype=np.int64), 0
        while len(frontier):
            level += 1
            reached = np.zeros(len(depth), dtype=bool)
            distinct = np.unique(rows[frontier])
            for start in range(0, len(distinct), 4096):  # in slices: one copy of the whole table would be 40 MB
                reached[table[distinct[start:start + 4096]].ravel()] = True
            frontier = np.flatnonzero(reached & (depth < 0))
            depth[frontier] = level
        return int(depth.max())

    def _states(self, data: bytes, depth: int) -> np.ndarray:
        """The automaton's state after each byte, each found `depth` steps from the start state."""
        column = np.frombuffer(data, dtype=np.uint8).astype(np.uint32)
        states = self._flat[self._rowbase32[0] + column]
        previous = np.zeros_like(states)
        for _ in range(depth - 1):
            previous[1:] = states[:-1]
            states = self._flat[self._rowbase32[previous] + column]
        return states

    def _features(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Feature ids in order of first occurrence and their counts, as py3langid's `visit_counts`."""
        found = self._outputs[self._states(data, self._depth)]
        ids, first, counts = np.unique(found[found >= 0], return_index=True, return_counts=True)
        order = np.argsort(first)
        return ids[order], counts[order]

    def _raw_score(self, text: bytes) -> np.ndarray:
        """py3langid's `_raw_score` (with its `_sparse_score`) on the vectorised feature counts."""
        ids, counts = self._features(text) if text else (np.zeros(0, dtype=np.intp), np.zeros(0))
        if not len(ids):
            return super()._raw_score(text)
        return np.log1p(counts.astype(np.float32)) @ self.nb_ptc[ids] + self.nb_pc


def words(text: str) -> list[str]:
    """The words of a line, lower-cased."""
    return WORD.findall(text.lower())


def stopword_density(tokens: list[str], stops: frozenset[str]) -> float:
    """Share of tokens that are stopwords."""
    return sum(1 for t in tokens if t in stops) / len(tokens) if tokens else 0.0


def ends_sentence(text: str) -> bool:
    """True when the line ends like a sentence (., !, ?, … possibly followed by a closing quote).

    The same answer as searching _TERMINAL, from the line's tail only: a search anchored at the end still
    tries every position of a long line.
    """
    if text.endswith("\n"):  # `$` also matches before a final newline
        text = text[:-1]
    if not text:
        return False
    if text[-1] in _CJK_TERMINAL:
        return True
    stripped = text.rstrip(_CLOSING)
    return bool(stripped) and stripped[-1] in _LATIN_TERMINAL


def has_letters(text: str) -> bool:
    """True when the line holds at least one letter."""
    return LETTER.search(text) is not None


def body_span(scores: list[float]) -> tuple[int, int]:
    """Indices [start, end] of the maximum-sum run of scores (Kadane); (0, -1) when nothing is positive."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = s, i
        else:
            total += s
        if total > best:
            best, best_span = total, (start, i)
    return best_span
