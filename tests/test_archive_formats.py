"""Archive formats: JSON files, JSON Lines and Parquet shards hold the same valid records, stay byte-identical across
reruns, workers and engines, stay right when a rerun skips unchanged inputs, and real tools read them with no glue."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from conftest import SEEDS, archive_files, read_json
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.run.runner import run
from pipeline.archive.schema import article_schema
from pipeline.archive.shards import Shards

SHARD_BYTES = 20_000  # the seeds' records are 6-10 KB each: several shards, and one holding a single record
FORMATS = ["json", "jsonl", "parquet"]


def configured(config: Config, fmt: str, shard_bytes: int = SHARD_BYTES) -> Config:
    """`config` writing format `fmt`."""
    return config.model_copy(update={"write": config.write.model_copy(update={"format": fmt, "shard_bytes": shard_bytes})})


def index(out: Path) -> list[dict[str, Any]]:
    """The rows of index.jsonl."""
    return [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]


def records(out: Path) -> list[dict[str, Any]]:
    """Every archived article, in archive order, read back without the pipeline's code."""
    if list(out.glob("*.parquet")):
        import pyarrow.parquet as pq

        rows = pq.read_table(sorted(out.glob("articles-*.parquet"))).to_pylist()
        return rows
    if list(out.glob("articles-*.jsonl")):
        return [json.loads(line) for shard in sorted(out.glob("articles-*.jsonl")) for line in shard.read_text(encoding="utf-8").splitlines()]
    return [read_json(out / row["archive_path"]) for row in index(out)]


def files(out: Path) -> dict[str, Any]:
    """Every file's bytes but run.jsonl (timestamps); the state's contents."""
    return archive_files(out)


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory, repo_config: Config) -> dict[str, Path]:
    """The seeds archived in each format."""
    made = {}
    for fmt in FORMATS:
        made[fmt] = tmp_path_factory.mktemp(fmt)
        run(SEEDS, made[fmt], configured(repo_config, fmt), workers=1)
    return made


def test_every_format_holds_the_same_records(archives: dict[str, Path]) -> None:
    """Shards hold exactly the articles the JSON files hold, in input order."""
    expected = records(archives["json"])
    assert [r["source"]["path"] for r in expected] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert records(archives["jsonl"]) == expected
    assert records(archives["parquet"]) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_record_is_valid(fmt: str, archives: dict[str, Path]) -> None:
    """Each record of each format validates against the packaged schema."""
    validator = Draft202012Validator(article_schema(), format_checker=FormatChecker())
    for record in records(archives[fmt]):
        assert [e.message for e in validator.iter_errors(record)] == []


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shards_rotate_by_size_and_the_index_points_at_them(fmt: str, archives: dict[str, Path]) -> None:
    """A shard is closed once it holds shard_bytes of JSON; each index row names the shard holding its article."""
    out = archives[fmt]
    shards = sorted(p.name for p in out.glob("articles-*"))
    assert shards == [f"articles-{n:05d}.{fmt}" for n in range(len(shards))] and len(shards) >= 3
    assert not list(out.glob("*.json"))  # no file per article
    by_shard: dict[str, list[str]] = {}
    for row in index(out):
        by_shard.setdefault(row["archive_path"], []).append(row["id"])
    assert sorted(by_shard) == shards
    if fmt == "jsonl":
        for shard, ids in by_shard.items():
            lines = (out / shard).read_bytes().splitlines()
            assert [json.loads(line)["id"] for line in lines] == ids
            assert len(lines) == 1 or sum(len(line) + 1 for line in lines[:-1]) <= SHARD_BYTES


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shards_are_byte_identical_with_workers_and_on_rerun(fmt: str, archives: dict[str, Path], tmp_path: Path,
                                                              repo_config: Config) -> None:
    """Two workers write the same bytes as one; a rerun into the same folder skips all and keeps the bytes."""
    run(SEEDS, tmp_path, configured(repo_config, fmt), workers=2)
    assert files(tmp_path) == files(archives[fmt])
    report = run(SEEDS, tmp_path, configured(repo_config, fmt), workers=1)
    assert report.skipped == 5 and files(tmp_path) == files(archives[fmt])


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_incremental_run_equals_a_run_from_scratch(fmt: str, tmp_path: Path, repo_config: Config) -> None:
    """Change one input, delete another, add one: the skipped articles are copied from the old shards, the result
    is what a run from scratch writes, and the vanished article is gone from the shards."""
    root = tmp_path / "in"
    shutil.copytree(SEEDS, root)
    config = configured(repo_config, fmt)
    run(root, tmp_path / "out", config, workers=1)
    names = sorted(p.name for p in root.glob("*.txt"))
    (root / names[0]).write_text((root / names[0]).read_text(encoding="utf-8") + "\nOne more paragraph, added later.\n", encoding="utf-8")
    (root / names[2]).unlink()
    shutil.copyfile(root / names[1], root / "zz_copy.txt")
    report = run(root, tmp_path / "out", config, workers=1)
    run(root, tmp_path / "scratch", config, workers=1)
    assert report.skipped == 3 and report.leftovers.pruned == [names[2].replace(".txt", ".json")]
    assert files(tmp_path / "out") == files(tmp_path / "scratch")


def test_a_damaged_shard_is_redone(archives: dict[str, Path], tmp_path: Path, repo_config: Config) -> None:
    """A record that is not found intact in the old shards is cleaned again, not copied."""
    shutil.copytree(archives["jsonl"], tmp_path, dirs_exist_ok=True)
    shard = tmp_path / "articles-00001.jsonl"
    shard.write_bytes(shard.read_bytes().replace(b'"text": "', b'"text": "tampered ', 1))
    report = run(SEEDS, tmp_path, configured(repo_config, "jsonl"), workers=1)
    assert report.skipped == 4 and files(tmp_path) == files(archives["jsonl"])


def test_a_failed_run_leaves_the_previous_shards(archives: dict[str, Path], tmp_path: Path, repo_config: Config,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """New shards are renamed into place only at the end: a run that dies half-way changes nothing."""
    shutil.copytree(archives["jsonl"], tmp_path, dirs_exist_ok=True)
    before = files(tmp_path)
    calls = []

    def add(self: Shards, record: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, record)
    original = Shards.add
    monkeypatch.setattr(Shards, "add", add)
    with pytest.raises(OSError):
        run(SEEDS, tmp_path, configured(repo_config, "jsonl", 5_000), workers=1, force=True)
    assert files(tmp_path) == before


def test_switching_format_in_one_folder_is_refused(archives: dict[str, Path], tmp_path: Path, repo_config: Config) -> None:
    """An archive keeps its format: mixing files and shards in one folder would leave orphans."""
    shutil.copytree(archives["json"], tmp_path, dirs_exist_ok=True)
    with pytest.raises(UsageError, match="holds an archive in format json; write format jsonl into another folder"):
        run(SEEDS, tmp_path, configured(repo_config, "jsonl"), workers=1)


def test_parquet_without_pyarrow_names_the_extra(tmp_path: Path, repo_config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, --format parquet is a usage error saying what to install."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(UsageError, match=r"pip install 'pipeline\[parquet\]'"):
        run(SEEDS, tmp_path, configured(repo_config, "parquet"), workers=1)


def test_pandas_reads_the_index_and_the_shards(archives: dict[str, Path]) -> None:
    """pandas.read_json(lines=True) on index.jsonl and on a JSON Lines shard, as they are."""
    pd = pytest.importorskip("pandas")
    out = archives["jsonl"]
    rows = pd.read_json(out / "index.jsonl", lines=True)
    shards = pd.concat([pd.read_json(p, lines=True, dtype={"id": str}) for p in sorted(out.glob("articles-*.jsonl"))])
    assert list(rows["id"].astype(str)) == list(shards["id"]) == [r["id"] for r in index(out)]
    assert list(shards["title"].where(shards["title"].notna(), None)) == [r["title"] for r in index(out)]


def test_duckdb_reads_the_files_and_the_parquet(archives: dict[str, Path]) -> None:
    """DuckDB's read_json_auto over `archive/**/*.json` sees the articles and nothing else; Parquet reads as is."""
    duckdb = pytest.importorskip("duckdb")
    expected = sorted((r["id"], r["stats"]["words"]) for r in records(archives["json"]))
    from_json = duckdb.sql(f"SELECT id, stats.words FROM read_json_auto('{archives['json']}/**/*.json')").fetchall()
    from_parquet = duckdb.sql(f"SELECT id, stats.words FROM '{archives['parquet']}/*.parquet'").fetchall()
    from_jsonl = duckdb.sql(f"SELECT id, stats.words FROM read_json_auto('{archives['jsonl']}/articles-*.jsonl')").fetchall()
    assert sorted(from_json) == sorted(from_parquet) == sorted(from_jsonl) == expected


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_jq_reads_the_archive(fmt: str, archives: dict[str, Path]) -> None:
    """jq reads the article files and the shards as they are."""
    out = archives[fmt]
    paths = sorted(out.glob("articles-*.jsonl")) if fmt == "jsonl" else [out / r["archive_path"] for r in index(out)]
    done = subprocess.run(["jq", "-r", ".id", *map(str, paths)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [r["id"] for r in index(out)]
