"""Two runs over the seeds write byte-identical articles and index, whatever the number of workers."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import SEEDS, archive_files
from pipeline import run
from pipeline.config import Config


def _files(folder: Path) -> dict[str, Any]:
    """Bytes of every article file and of index.jsonl (run.jsonl carries timestamps); the state's contents."""
    return archive_files(folder)


def test_two_runs_are_byte_identical(tmp_path: Path, repo_config: Config, seeds_archive: Path) -> None:
    """A second run, in a pool of two workers, reproduces the first byte for byte."""
    run(SEEDS, tmp_path / "again", repo_config, workers=2)
    first, second = _files(seeds_archive), _files(tmp_path / "again")
    assert "index.jsonl" in first and len(first) == 8  # 5 articles, the index, the dataset card, the resume manifest
    assert first == second


def test_rerun_into_same_folder_is_identical(tmp_path: Path, repo_config: Config) -> None:
    """Running twice into one folder leaves the same bytes and no temporary files."""
    run(SEEDS, tmp_path, repo_config, workers=1)
    before = _files(tmp_path)
    run(SEEDS, tmp_path, repo_config, workers=1)
    assert _files(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != ".pipeline-state"]
