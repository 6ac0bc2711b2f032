"""Setting an article file's duplicate_of in place writes exactly what json.dumps of the changed article writes."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import clean_text
from pipeline.config import load_config
from pipeline.run.runner import run
from pipeline.archive.files import with_duplicate_of

TRAPS = [
    'A line that says "duplicate_of": null, in quotes.',
    '{"duplicate_of": "0123456789abcdef"}',
    "\\\"duplicate_of\\\": null",
    "duplicate_of",
]
VALUES = [None, "0123456789abcdef", "ffffffffffffffff"]


def _article(text: str) -> dict:
    """A real article whose text and removed lines hold `text`, with a category called duplicate_of."""
    art = clean_text(f"Headline\n\n{text}\n\n" + "The council met on Tuesday and voted on the budget. " * 4)
    art["stats"]["removed_by_category"] = [{"category": "duplicate_of", "count": 1}, *art["stats"]["removed_by_category"]]
    art["removed"].append({"category": "duplicate_of", "rule": "x", "line": 1, "text": text})
    return art


@pytest.mark.parametrize("text", TRAPS)
@pytest.mark.parametrize("before", VALUES)
@pytest.mark.parametrize("after", VALUES)
@pytest.mark.parametrize("indent", [None, 0, 1, 2])
def test_in_place_equals_dumping_again(text: str, before: str | None, after: str | None, indent: int | None) -> None:
    """Every indent, every change of value, and lines that quote the key itself."""
    art = {**_article(text), "duplicate_of": before}
    written = (json.dumps(art, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")
    patched, resized = with_duplicate_of(written, after)
    assert patched == (json.dumps({**art, "duplicate_of": after}, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")
    assert resized == (len(patched) != len(written))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(VALUES), st.sampled_from([None, 1]))
def test_in_place_on_arbitrary_text(text: str, after: str | None, indent: int | None) -> None:
    """Arbitrary article text (quotes, backslashes, control characters) never confuses the search."""
    art = {"id": "x", "text": text, "removed": [{"text": text}], "stats": {"removed_by_category": [{"category": text, "count": 1}]},
           "duplicate_of": None, "pipeline": {"version": "1", "schema_version": 2, "text_format": "plain", "config_sha256": "y"}}
    written = json.dumps(art, ensure_ascii=False, indent=indent).encode("utf-8", "surrogatepass")
    expected = json.dumps({**art, "duplicate_of": after}, ensure_ascii=False, indent=indent).encode("utf-8", "surrogatepass")
    assert with_duplicate_of(written, after)[0] == expected


def test_patches_are_on_disk_when_the_run_returns(tmp_path: Path) -> None:
    """Duplicates are patched by a thread: the run waits for every write before its state and report."""
    src = tmp_path / "in"
    src.mkdir()
    body = "The council met on Tuesday and voted to approve the budget for the coming year. " * 5
    for i in range(30):
        (src / f"a{i:02d}.txt").write_text(f"Title {i}\n\n{body}\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text("classify:\n  repetition:\n    enabled: false\n", encoding="utf-8")  # the body repeats on purpose
    run(src, tmp_path / "out", load_config(str(config)), workers=1)
    assert not [n for n in os.listdir(tmp_path / "out") if ".tmp" in n]
    found = [json.loads(p.read_text(encoding="utf-8"))["duplicate_of"] for p in sorted((tmp_path / "out").glob("a*.json"))]
    first = json.loads((tmp_path / "out" / "a00.json").read_text(encoding="utf-8"))["id"]
    assert found == [None] + [first] * 29
