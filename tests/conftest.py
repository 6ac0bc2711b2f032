"""Shared fixtures: the repository's seeds, their gold labels, and one archive of the seeds per session."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import load_config, run
from pipeline.config import Config

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
GOLD = Path(__file__).resolve().parent / "data" / "gold"
SEED_IDS = sorted(p.stem for p in GOLD.glob("*.json"))


def norm(text: str | None) -> str:
    """Whitespace-normalised text, as the seeds check compares it."""
    return " ".join((text or "").split())


@pytest.fixture(scope="session")
def repo_config() -> Config:
    """The config `make run` uses."""
    return load_config(REPO / "config.yaml")


@pytest.fixture(scope="session")
def seeds_archive(tmp_path_factory: pytest.TempPathFactory, repo_config: Config) -> Path:
    """One run over the seeds, shared by the golden, schema and determinism tests."""
    out = tmp_path_factory.mktemp("archive")
    run(SEEDS, out, repo_config, workers=1)
    return out


def read_json(path: Path) -> Any:
    """Parsed JSON of a file."""
    return json.loads(path.read_text(encoding="utf-8"))


def archive_files(out: Path) -> dict[str, Any]:
    """Every file of an archive but run.jsonl (timestamps): its bytes, and for the state database its contents
    (equal states need not be equal bytes: a database's pages depend on its history)."""
    from pipeline.archive.paths import STATE_FILE
    from pipeline.run.state import dump

    found: dict[str, Any] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                             if p.is_file() and p.name != "run.jsonl"}
    if STATE_FILE in found:
        found[STATE_FILE] = dump(out)
    return found
