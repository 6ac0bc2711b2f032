"""Smoke test of bench/quality.py on a two-document bench built in tmp_path."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "quality.py"

ARTICLES = {
    "a": "City council approves new budget\n\nThe city council voted on Tuesday to approve a budget that raises "
         "spending on public transport by ten percent.\n\nThe mayor said the plan would be reviewed again next "
         "spring, after the first figures on ridership are published.\n",
    "b": "Storm closes mountain roads\n\nHeavy snow forced the closure of three mountain passes overnight, the "
         "regional road authority said.\n\nDrivers were asked to postpone their trips until crews had cleared "
         "the roads and checked them for avalanche risk.\n",
}


def load_script() -> ModuleType:
    """Imports the script as a module (it is not part of a package)."""
    spec = importlib.util.spec_from_file_location("bench_quality", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quality() -> ModuleType:
    """The script module."""
    return load_script()


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    """A bench whose gold body equals the input, in both renderings."""
    for folder in ("container", "page", "gold"):
        (tmp_path / folder).mkdir()
    for stem, text in ARTICLES.items():
        (tmp_path / "container" / f"{stem}.txt").write_text(text, encoding="utf-8")
        (tmp_path / "page" / f"{stem}.txt").write_text(text, encoding="utf-8")
        (tmp_path / "gold" / f"{stem}.json").write_text(json.dumps({"articleBody": text}), encoding="utf-8")
    return tmp_path


def table_rows(table: str) -> list[list[str]]:
    """Cells of the markdown table rows (header, rule and systems)."""
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines() if line.startswith("|")]


@pytest.mark.parametrize("systems", [("raw input", "ours"), None])
def test_table_shape_and_raw_recall(quality: ModuleType, bench: Path, systems: tuple[str, ...] | None) -> None:
    """One row per system, 3 cells per rendering plus time; raw input scores 1.0 when gold equals input."""
    if systems is None:
        pytest.importorskip("justext")
        pytest.importorskip("trafilatura")
        systems = quality.SYSTEMS
    table = quality.markdown_table("fixture", quality.score_bench(bench, systems))
    rows = table_rows(table)
    assert table.splitlines()[0] == "**fixture** (2 documents)"
    assert len(rows) == 2 + len(systems)
    assert all(len(row) == 1 + 3 * 2 + 1 for row in rows)
    assert [row[0] for row in rows[2:]] == list(systems)
    raw = dict((row[0], row[1:]) for row in rows[2:])["raw input"]
    assert raw[1] == raw[4] == "1.000"
    assert all(0.0 <= float(cell) <= 1.0 for row in rows[2:] for cell in row[1:-1])


def test_missing_prediction_scores_zero(quality: ModuleType, bench: Path) -> None:
    """A gold document without an input file counts as an empty prediction, not as skipped."""
    (bench / "container" / "b.txt").unlink()
    result = quality.score_bench(bench, ("raw input",))["container"]["raw input"]
    assert result.prf() == (1.0, 0.5, pytest.approx(2 / 3))
