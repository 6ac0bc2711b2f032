"""Engines: one process, a local pool and a Dask LocalCluster write the same archive, byte for byte."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS, archive_files
from pipeline.steps.classify.repetition import fingerprint
from pipeline.config import Config, load_config
from pipeline.run.worker import init_worker
from pipeline.run.engines import InProcess, LocalPool, chunked, make_engine
from pipeline.errors import UsageError
from pipeline.run.repetition import repeated_lines
from pipeline.run.runner import run

SITE_LINES = ["Subscribe to the Daily Bugle", "Home | World | Sport | Culture"]
BODY = ("The {n}th meeting of the harbour board went on for hours, and the members argued about the new "
        "ferry timetable until well after the sun had set over the water.")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, plus one folder of seven articles sharing site chrome (so the repetition pass finds it)."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, root / "seeds")
    site = root / "site"
    site.mkdir()
    for n in range(7):
        lines = [SITE_LINES[1], f"Harbour story number {n}", BODY.format(n=n), BODY.format(n=n + 10), SITE_LINES[0]]
        (site / f"story{n}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(None)


def _archive(folder: Path) -> dict[str, Any]:
    """Every file's bytes except run.jsonl, which holds timestamps; the state's contents."""
    return archive_files(folder)


@pytest.fixture(scope="module")
def reference(corpus: Path, config: Config, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The archive one worker in this process writes."""
    out = tmp_path_factory.mktemp("one")
    run(corpus, out, config, workers=1)
    return _archive(out)


def test_reference_used_the_repetition_pass(reference: dict[str, bytes]) -> None:
    """The shared site lines were found by the first pass (otherwise the comparisons below prove less)."""
    rules = {r["rule"] for r in json.loads(reference["site/story3.json"])["removed"]}
    assert "repetition.across_files" in rules
    assert len([k for k in reference if k.endswith(".json")]) == 12  # the 12 articles (the run's own files are no .json)


def test_local_pool_writes_the_same_archive(corpus: Path, config: Config, tmp_path: Path, reference: dict[str, bytes]) -> None:
    """Two worker processes, small chunks, results in input order."""
    run(corpus, tmp_path, config, workers=2)
    assert _archive(tmp_path) == reference


def test_dask_writes_the_same_archive(corpus: Path, config: Config, tmp_path: Path, reference: dict[str, bytes]) -> None:
    """A two-worker Dask LocalCluster (threads, to keep the test fast) writes the same bytes."""
    pytest.importorskip("distributed")
    run(corpus, tmp_path, config, workers=2, engine="dask", engine_options={"processes": False})
    assert _archive(tmp_path) == reference


def test_repetition_pass_same_in_parallel(corpus: Path, config: Config) -> None:
    """The first pass counts the same fingerprints whether one process or a pool reads the files."""
    inputs = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.txt"))
    alone = repeated_lines(corpus, inputs, config, InProcess(_setup, (config,)))
    pool = LocalPool(2, _setup, (config,))
    try:
        together = repeated_lines(corpus, inputs, config, pool)
    finally:
        pool.close()
    assert alone == together and alone["seeds"] == frozenset()
    assert {fingerprint(line) for line in SITE_LINES} <= alone["site"]


def _setup(config: Config) -> None:
    """Worker set-up for the first pass alone (no archive folder needed)."""
    init_worker(config, ".")


@pytest.mark.parametrize(("items", "size", "expected"), [
    ([], 3, []), ([1, 2, 3], 3, [[1, 2, 3]]), ([1, 2, 3, 4], 3, [[1, 2, 3], [4]]), ([1, 2], 1, [[1], [2]]),
])
def test_chunked(items: list[int], size: int, expected: list[list[int]]) -> None:
    assert list(chunked(items, size)) == expected


def test_pool_keeps_input_order() -> None:
    """Results come back in input order however the pool schedules the chunks."""
    pool = LocalPool(2)
    try:
        assert list(pool.map_chunks(_square_chunk, range(200), 7)) == [n * n for n in range(200)]
    finally:
        pool.close()


def _square_chunk(chunk: list[int]) -> list[int]:
    return [n * n for n in chunk]


@pytest.mark.parametrize(("name", "scheduler", "message"), [
    ("spark", None, "unknown engine 'spark'; valid engines: local, dask"),
    ("local", "tcp://h:8786", "--scheduler needs --engine dask"),
])
def test_engine_usage_errors(name: str, scheduler: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        make_engine(name, 2, scheduler)
