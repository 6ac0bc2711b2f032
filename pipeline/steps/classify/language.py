"""The language of a document (py3langid) and its stopwords (the stop-words package), for the content classes."""
from __future__ import annotations

from functools import lru_cache

from py3langid import langid
from stop_words import get_stop_words

from pipeline.compat.langid_internals import FastIdentifier

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


def stopword_density(tokens: list[str], stops: frozenset[str]) -> float:
    """Share of tokens that are stopwords."""
    return sum(map(stops.__contains__, tokens)) / len(tokens) if tokens else 0.0  # map: no Python loop per token

