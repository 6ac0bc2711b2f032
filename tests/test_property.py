"""Properties over arbitrary text: valid JSON that matches the schema, no invented text, idempotent cleaning."""
from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from pipeline import clean_text, load_config
from pipeline.errors import InputError
from pipeline.steps.read.decode import normalise_newlines
from pipeline.steps.repair import repair_text
from pipeline.archive.schema import article_schema

CONFIG = load_config(None)
VALIDATOR = Draft202012Validator(article_schema(), format_checker=FormatChecker())
SETTINGS = settings(  # PROP_EXAMPLES=1000 for a longer search by hand
    max_examples=int(os.environ.get("PROP_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Prose sentences, boilerplate lines and junk, so that the classifier keeps some paragraphs and drops others.
SENTENCES = ["The council said on Tuesday that the price of a coffee at the café had risen by four percent since the winter.",
             "Residents told the paper that they were not happy with the plan, and some of them said they would go to court.",
             "It was the first time in years that the mayor’s office had agreed to answer questions about the budget.",
             "According to the report, the works on the façade will take another six months and cost more than expected.",
             "Die Größe der neuen Halle überrascht viele Bewohner, die sich mehr Grün in der Stadt gewünscht hätten.",
             "Les élèves de l'école ont déjeuné dans la cour pendant que les travaux continuaient à côté.",
             "Ã‰tÃ© came up twice in the mojibake, and â€œquotesâ€ too, which the repair step should undo.",
             "She said: “We have waited for this for a long time, and we are not going to wait any longer.”"]
BOILERPLATE = ["Share on Facebook", "Read more: Other story", "Photo: AP", "Subscribe to our newsletter", "Advertisement",
               "© 2024 The Paper", "3 comments", "By Jane Doe", "March 3, 2024", "Tags: news, city", "Home > News > City"]
paragraph = st.tuples(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5), st.sampled_from([0, 0, 45, 72]),
                      st.text(max_size=12)).map(lambda p: _wrap(" ".join(p[0]) + p[2], p[1]))
line = st.one_of(paragraph, paragraph, st.sampled_from(BOILERPLATE), st.text(max_size=60))
articles = st.lists(st.tuples(line, st.sampled_from(["\n", "\n\n", "\n\n", "\r\n\r\n", "\r"])), min_size=1, max_size=15).map(
    lambda parts: "".join(text + sep for text, sep in parts))
inputs = st.one_of(st.text(max_size=400), articles, articles)


def _wrap(text: str, width: int) -> str:
    """Hard-wraps `text` at `width` columns (0: one line), as some scrapers and mail archives do."""
    if not width:
        return text
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return "\n".join([*lines, current])


def clean(text: str) -> dict[str, Any] | None:
    """The article of `text`, or None when the pipeline refuses it as input (blank, or NUL bytes: binary)."""
    try:
        return clean_text(text, CONFIG)
    except InputError as exc:
        assert exc.reason.startswith(("empty", "blank", "binary")), exc.reason
        assert not text.lstrip("\ufeff").strip() or "\x00" in text
        return None


def squash(text: str) -> str:
    """Whitespace-insensitive form: unwrapping joins lines with one space."""
    return " ".join(text.split())


@SETTINGS
@given(inputs)
def test_output_is_json_matching_the_schema(text: str) -> None:
    art = clean(text)
    if art is None:
        return
    assert json.loads(json.dumps(art, ensure_ascii=False)) == art
    assert [e.message for e in VALIDATOR.iter_errors(art)] == []


@SETTINGS
@given(inputs)
def test_every_kept_paragraph_comes_from_the_repaired_input(text: str) -> None:
    art = clean(text)
    if art is None:
        return
    source = squash(repair_text(normalise_newlines(text), CONFIG.repair))
    for paragraph in art["paragraphs"]:
        assert squash(paragraph["text"]) in source
    assert art["text"] == "\n\n".join(p["text"] for p in art["paragraphs"])


@SETTINGS
@given(inputs)
@example('0/0/0/0(0"0"0"0"0"0"0"0"0"h"r"b"f"0"0"0"0"0.0"0"0"0"0"0"0"0"w\xadÂ\x80')  # found by hypothesis
def test_cleaning_its_own_output_changes_no_text(text: str) -> None:
    """A second pass over the output alters no paragraph and invents none: what it keeps is a run of the first pass's."""
    art = clean(text)
    if art is None or not art["text"]:
        return
    again = clean(art["text"])
    assert again is not None
    first, second = [p["text"] for p in art["paragraphs"]], [p["text"] for p in again["paragraphs"]]
    rest = iter(first)
    assert all(any(p == q for q in rest) for p in second)  # a subsequence: same texts, same order


@SETTINGS
@given(st.text(max_size=300))
@example("\xadÂ\x91")  # removing the soft hyphen joins a mojibake pair: found by hypothesis
def test_repair_is_idempotent(text: str) -> None:
    once = repair_text(normalise_newlines(text), CONFIG.repair)
    assert repair_text(once, CONFIG.repair) == once


@pytest.mark.parametrize("text", [  # the first was found by hypothesis; wrapped prose beside unwrapped lines
    "Share on Facebook\nShare on Facebook\n" + _wrap(" ".join([SENTENCES[0]] * 5), 72) + "\n" + SENTENCES[0] + "\n",
    "\n".join([_wrap(" ".join(SENTENCES[:4]), 60), SENTENCES[4], _wrap(" ".join(SENTENCES[5:]), 60)]),
    "Photo: AP\n" + "\n\n".join(_wrap(s, 45) for s in SENTENCES),
])
def test_cleaning_is_idempotent_on_its_own_output(text: str) -> None:
    art = clean(text)
    assert art is not None and art["text"]
    again = clean(art["text"])
    assert again is not None and again["text"] == art["text"]


@pytest.mark.parametrize("text", ["Ã©tÃ©", "a\x00b", " \n ", "\ufeff", "\r\r\r", "x" * 5000])
def test_edge_cases_never_crash(text: str) -> None:
    art = clean(text)
    assert art is None or not list(VALIDATOR.iter_errors(art))
