"""The line model's features, built for a whole document at once with numpy, equal a unit-by-unit definition exactly.

The reference below is the plain per-line reading of each feature (the code the model was first trained with): the
model's decisions depend on every bit of these values, so they are compared with ==, not approximately.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from pipeline import load_config
from pipeline.steps.classify.analysis import Analysis, analyse
from pipeline.document import Document, Unit
from pipeline.steps.text import BULLET, ends_sentence, has_letters
from pipeline.steps.classify.line_model.rows import _CAPTION_WORDS, CATEGORIES, FEATURES, feature_rows
from pipeline.steps.flow import STEPS, Context

from conftest import SEEDS

_UPPER_WORD = re.compile(r"\b[A-ZÀ-ÖØ-ÞА-Я]")
_WORDISH = re.compile(r"\b\w")
_DIGIT = re.compile(r"\d")
_LINKISH = re.compile(r"https?://|www\.|@\w|\.com\b")
_SEPARATOR = re.compile(r" [|/•·] ")
_CAPTION_CUE = re.compile(rf"\b({'|'.join(_CAPTION_WORDS)})\b", re.IGNORECASE)
_NORM = re.compile(r"\w+")
_CLS = {"bad": 0, "short": 1, "near": 2, "good": 3}


def _unit(text: str, an: Analysis, i: int, n: int) -> dict[str, float]:
    """The features of unit i read from the unit alone and its index."""
    fact, length, words_n = an.facts[i], max(1, len(text)), max(1, len(_WORDISH.findall(text)))
    match = fact.match
    distance = 0 if an.start <= i <= an.end else (i - an.start if i < an.start else i - an.end)
    letters = "".join(filter(str.isalpha, text))
    return {
        "log_chars": math.log1p(fact.chars), "words": min(fact.words, 300), "ends_sentence": ends_sentence(text),
        "ends_colon": text.endswith(":"), "bullet": bool(BULLET.match(text)),
        "digit_ratio": len(_DIGIT.findall(text)) / length, "upper_ratio": len(_UPPER_WORD.findall(text)) / words_n,
        "symbol_ratio": (len(text) - sum(map(str.isalnum, text)) - text.count(" ")) / length,
        "has_letters": has_letters(text), "rule_match": match is not None,
        "rule_ends_article": bool(match and match.ends_article),
        "rule_category": CATEGORIES.index(match.category) if match and match.category in CATEGORIES else -1,
        "repeated": fact.repeated, "cls": _CLS[fact.cls], "revised_good": an.revised[i] == "good",
        "in_span": an.start <= i <= an.end, "span_distance": max(-50, min(50, distance)), "position": i / max(1, n - 1),
        "linkish": bool(_LINKISH.search(text)), "separators": len(_SEPARATOR.findall(text)), "log_units": math.log1p(n),
        "caps_share": sum(map(str.isupper, letters)) / len(letters) if letters else 0.0,
        "caption_cue": bool(_CAPTION_CUE.search(text)),
    }


def _run_length(flags: list[bool], i: int) -> int:
    """Length of the run of True flags holding i (0 when flags[i] is False)."""
    if not flags[i]:
        return 0
    lo, hi = i, i
    while lo > 0 and flags[lo - 1]:
        lo -= 1
    while hi + 1 < len(flags) and flags[hi + 1]:
        hi += 1
    return hi - lo + 1


def reference_rows(units: list[Unit], an: Analysis) -> list[dict[str, float]]:
    """Every feature of every unit, one unit at a time."""
    n, texts, facts = len(units), [u.text for u in units], an.facts
    rows = [_unit(t, an, i, n) for i, t in enumerate(texts)]
    good = [f.chars if f.cls == "good" else 0 for f in facts]
    total_good = sum(good) or 1
    ends = [ends_sentence(t) for t in texts]
    shaped = [2 <= f.words <= 25 and has_letters(t) and not e and not t.endswith(",") for t, f, e in zip(texts, facts, ends)]
    normed = [" ".join(_NORM.findall(t.lower())) for t in texts]
    for i, row in enumerate(rows):
        row["good_mass_before"] = sum(good[:i]) / total_good
        row["good_after"] = (total_good - sum(good[:i + 1])) / total_good
        same_block = [j for j in range(n) if units[j].block == units[i].block]
        row["block_size"], row["index_in_block"] = len(same_block), same_block.index(i)
        row["trailing_zone"] = any(f.match and f.match.ends_article and j > an.end for j, f in enumerate(facts[:i + 1]))
        for name, pad in (("log_chars", 0.0), ("cls", -1.0), ("rule_match", 0.0)):
            for key, j in (("prev1", i - 1), ("prev2", i - 2), ("next1", i + 1), ("next2", i + 2)):
                row[f"{key}_{name.replace('_match', '')}"] = rows[j][name] if 0 <= j < n else pad
        row["rules_nearby"] = sum(facts[j].match is not None for j in range(max(0, i - 3), min(n, i + 4)))
        row["short_run"] = next((k for k in range(6) if i + k >= n or facts[i + k].cls != "short"), 6)
        row["doc_good_share"] = sum(good) / max(1, sum(f.chars for f in facts))
        row["doc_rule_share"] = sum(f.match is not None for f in facts) / max(1, n)
        run = _run_length(shaped, i)
        row["headline_run"] = min(run, 20)
        row["run_digit_share"] = -1.0
        if run:
            lo = next(j for j in range(i, -1, -1) if j == 0 or not shaped[j - 1])
            row["run_digit_share"] = sum(bool(_DIGIT.search(t)) for t in texts[lo:lo + run]) / run
        row["dup_in_doc"] = len(normed[i]) >= 12 and "\n".join(normed).count(normed[i]) > 1
        row["prev1_ends"], row["next1_ends"] = i > 0 and ends[i - 1], i + 1 < n and ends[i + 1]
    return rows


SYNTHETIC = {
    "scripts": "ÉCOLE Publique à Paris — 12 élèves\n\nΣΟΦΊΑ ΚΑΙ ΟΔΥΣΣΈΑΣ γράφουν. Σίσυφος\n\nМосква: ФОТО Ивана\n\n"
               "東京で３月に会議が開かれた。\n\nİstanbul İMAGE ſhutterstock Kelvin K 123٤٥\n",
    "links and lists": "Read more at www.example.com | Share / Tweet • Email\n\n- first item 1\n2) second\n\n"
                       "@user wrote https://x.y/z\n\nPhoto: Getty Images\n\n“Quoted,” she said.\n\n___\n\n\n\n",
    "edges": "a\n\nA_b c_D __init__ 3rd\n\n\ud800 lone surrogate\n\nemoji 🎉 PARTY 🎉 Time\n\n- \n\n*",
    "repeats": "The mayor said the bridge will reopen next week.\n\nSee also: the bridge will reopen next week\n\n"
               "The mayor said the bridge will reopen next week.\n\nBridge will\n\nNEXT\nWEEK\nTEASER\n",
    # Over 2**16 symbols in the page (the packed counts' top lane wraps past 2**64), and a line of over 2**16 characters
    # (counted class by class).
    "many symbols": "\n\n".join(f"Ab {i}, (x) -- ¡Ok! ---- ** #### :: ;; ?? ..." for i in range(3000)),
    "long line": "Intro line.\n\n" + "Éa 12 ;; Abcdefghijklmnopqrstuvwxyz. " * 2500 + "\n\nPhoto: Reuters\n",
}


def _analysed(text: str) -> tuple[list[Unit], Analysis]:
    """A text's units and analysis, as classify has them when it asks the model; without `repair` (which a config can
    switch off), a JSON record's text keeps a lone surrogate."""
    ctx = Context(load_config(None))
    doc = STEPS["segment"](Document(path="d.txt", text=text), ctx)
    return doc.units, analyse(doc, ctx.config.classify, ctx.matcher)


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + list(SYNTHETIC.values()),
                         ids=[p.stem for p in sorted(SEEDS.glob("*.txt"))] + list(SYNTHETIC))
def test_feature_rows_equal_the_unit_by_unit_definition(text: str) -> None:
    """Every value the reference defines is the same float in the matrix (new features need no reference here)."""
    units, an = _analysed(text)
    rows, expected = feature_rows(units, an), reference_rows(units, an)
    assert rows.shape == (len(units), len(FEATURES))
    for name in expected[0]:
        assert rows[:, FEATURES.index(name)].tolist() == [float(r[name]) for r in expected], name


# Language-free features of a small document, line by line: (feature, expected value per unit).
_LIST_DOC = ("Für den Teig:\n\n- 200 g Mehl\n\n- 2 Eier\n\n„Komm schnell“, rief sie.\n\nDate\t+13.1%\t2013\n\n"
             "東京で３月に会議が開かれた。\n")
_LIST_EXPECTED = {
    "prev_colon": [0, 1, 0, 0, 0, 0],
    "colon_above": [10, 1, 2, 3, 4, 5],
    "bullet_run": [0, 2, 2, 0, 0, 0],
    "quote_start": [0, 1, 1, 1, 0, 0],  # a dash opening a list item counts as a dialogue dash too
    "tabs": [0, 0, 0, 0, 2, 0],
    "sentences": [0, 0, 0, 1, 0, 1],
}


@pytest.mark.parametrize("name", sorted(_LIST_EXPECTED))
def test_language_free_features(name: str) -> None:
    """Colons introducing lists, bullet runs, dialogue openings, table cells and sentence ends, unit by unit."""
    units, an = _analysed(_LIST_DOC)
    assert feature_rows(units, an)[:, FEATURES.index(name)].tolist() == [float(v) for v in _LIST_EXPECTED[name]]


def test_cjk_counts_as_tokens() -> None:
    """A CJK line without spaces is one \\w+ word but many tokens; its CJK share is high."""
    units, an = _analysed("東京で３月に会議が開かれた。\n\nA short English line here.\n")
    rows = feature_rows(units, an)
    tokens, share = rows[:, FEATURES.index("log_tokens")], rows[:, FEATURES.index("cjk_share")]
    assert tokens[0] > math.log1p(10) and share[0] > 0.7 and share[1] == 0.0
