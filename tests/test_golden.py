"""Golden test: every seed matches its hand labels exactly (body, title, date, author, removed lines)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.config import META_LABELS

from conftest import GOLD, SEED_IDS, norm, read_json


def test_every_seed_has_gold() -> None:
    """The five seeds and the five gold files pair up."""
    assert len(SEED_IDS) == 5


@pytest.fixture(params=SEED_IDS)
def pair(request: pytest.FixtureRequest, seeds_archive: Path) -> tuple[dict, dict]:
    """(archived article, gold labels) of one seed."""
    return read_json(seeds_archive / f"{request.param}.json"), read_json(GOLD / f"{request.param}.json")


def test_body_paragraphs_text_and_order(pair: tuple[dict, dict]) -> None:
    """Kept paragraphs are exactly the gold body, in order."""
    art, gold = pair
    assert [norm(p["text"]) for p in art["paragraphs"]] == [norm(b) for b in gold["body"]]


def test_text_is_paragraphs_joined(pair: tuple[dict, dict]) -> None:
    """`text` is the paragraphs joined by a blank line."""
    art, _ = pair
    assert art["text"] == "\n\n".join(p["text"] for p in art["paragraphs"])


def test_title(pair: tuple[dict, dict]) -> None:
    """Title matches, or is null when the gold has none."""
    art, gold = pair
    assert norm(art["title"]) == norm(gold["title"]) if gold["title"] else art["title"] is None


def test_date(pair: tuple[dict, dict]) -> None:
    """Published date (YYYY-MM-DD) matches."""
    art, gold = pair
    assert (art["published"] or "")[:10] == (gold["date"] or "")


def test_author(pair: tuple[dict, dict]) -> None:
    """Authors match, case-insensitively."""
    art, gold = pair
    expected = [gold["author"].lower()] if gold["author"] else []
    assert [norm(a).lower() for a in art["authors"]] == expected


def test_removed_lines_with_category(pair: tuple[dict, dict]) -> None:
    """Every boilerplate line removed with its category, no more and no less (metadata lines are checked above)."""
    art, gold = pair
    got = Counter((r["category"], norm(r["text"])) for r in art["removed"] if r["category"] not in META_LABELS)
    want = Counter((r["category"], norm(r["text"])) for r in gold["removed"])
    assert got == want


def test_removed_lines_name_a_rule(pair: tuple[dict, dict]) -> None:
    """The audit trail says which rule removed each line."""
    art, _ = pair
    assert all(r["rule"] and r["line"] >= 1 for r in art["removed"])
