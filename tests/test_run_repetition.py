"""Pass 1 counts exactly the units classify looks up: lines repeated across a folder are found in mojibake'd and
hard-wrapped files too, where the raw lines differ from the repaired, joined units."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.run.repetition import repeated_lines
from pipeline.run.runner import run
from pipeline.steps.classify.repetition import fingerprint

# A footer with accents (mojibake changes them) and one hard-wrapped over three lines, in every file of a folder.
ACCENTED = "Café Müller – Öffnungszeiten täglich ab 8 Uhr"
WRAPPED = "Ask the neighbourhood association of the\nold town about the weekly market and the\nstreet festival in June"
BODY = ("The council met on Tuesday evening to discuss the budget for the coming year, and the debate ran late into "
        "the night as members argued over the cost of the new library. Article {n} of the folder says more about it.")


def _mojibake(text: str) -> bytes:
    """The UTF-8 bytes of `text` read as cp1252 and written again as UTF-8, as a broken scraper does."""
    return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")


def _folder(root: Path, footer: str) -> Path:
    """Six mojibake'd articles, each a title, a body paragraph and `footer`."""
    root.mkdir()
    for n in range(6):
        (root / f"a{n}.txt").write_bytes(_mojibake(f"Budget night number {n}\n\n{BODY.format(n=n)}\n\n{footer}\n"))
    return root


@pytest.mark.parametrize("footer", [ACCENTED, WRAPPED], ids=["mojibake", "hard-wrapped"])
def test_pass_one_counts_the_repaired_joined_units(tmp_path: Path, footer: str) -> None:
    """The repeated key is that of the repaired, joined unit, as classify looks it up, not that of a raw line."""
    root = _folder(tmp_path / "in", footer)
    found = repeated_lines(root, sorted(p.name for p in root.iterdir()), load_config(None))["."]
    assert fingerprint(footer.replace("\n", " ")) in found


def test_a_mojibaked_folder_loses_its_repeated_footer(tmp_path: Path) -> None:
    """End to end: every article of the folder has the footer removed as repeated across files."""
    root = _folder(tmp_path / "in", ACCENTED)
    run(root, tmp_path / "out", load_config(None), workers=1)
    for n in range(6):
        art = json.loads((tmp_path / "out" / f"a{n}.json").read_text(encoding="utf-8"))
        assert ACCENTED not in art["text"]
        assert [(r["text"], r["rule"]) for r in art["removed"] if r["text"] == ACCENTED] == [(ACCENTED, "repetition.across_files")]
