"""Real runs in every format load as they are in the readers a corpus goes into (datasets, pyarrow.dataset, polars,
DuckDB), row for row the archive; the README's "Reading the archive" snippets run on them."""
from __future__ import annotations

import contextlib
import datetime as dt
import glob
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, SEEDS, read_json
from pipeline.archive.card import dataset_card
from pipeline.archive.parquet import arrow_schema
from pipeline.archive.schema import article_schema, resolve
from pipeline.config import Config
from pipeline.run.runner import run
from pipeline.steps.write import METADATA_FIELDS
from pipeline.version import SCHEMA_VERSION

DATA = Path(__file__).parent / "data" / "readers"  # wcxb training texts and pages (see its README)
TEXTS, PAGES = 40, 10  # beside the seeds: dates, urls, stated and found metadata
FORMATS = ["json", "jsonl", "parquet"]
SHARD_BYTES = 150_000  # several shards per format, so every reader reads across files


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, and container texts and HTML pages of the wcxb training split."""
    root = tmp_path_factory.mktemp("readers") / "in"
    shutil.copytree(SEEDS, root / "seeds")
    for part in ("texts", "pages"):
        shutil.copytree(DATA / part, root / part)
    assert len(list((root / "texts").iterdir())) == TEXTS and len(list((root / "pages").iterdir())) == PAGES
    return root


@pytest.fixture(scope="session")
def archives(corpus: Path, repo_config: Config) -> dict[str, Path]:
    """The corpus archived once in each format."""
    made = {}
    for fmt in FORMATS:
        write = repo_config.write.model_copy(update={"format": fmt, "shard_bytes": SHARD_BYTES})
        made[fmt] = corpus.parent / fmt / "archive"
        run(corpus, made[fmt], repo_config.model_copy(update={"write": write}), workers=1)
    return made


def articles(out: Path) -> list[dict[str, Any]]:
    """The archive's articles in input order, read with json alone (for Parquet: the JSON run's)."""
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    if list(out.glob("articles-*.jsonl")):
        return [json.loads(line) for shard in sorted(out.glob("articles-*.jsonl")) for line in shard.read_text(encoding="utf-8").splitlines()]
    return [read_json(out / row["archive_path"]) for row in rows]


@pytest.fixture(scope="session")
def expected(archives: dict[str, Path]) -> list[dict[str, Any]]:
    """What every reader must give back: the JSON files of the run."""
    found = articles(archives["json"])
    assert articles(archives["jsonl"]) == found
    return found


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates (which Arrow readers type) as ISO dates, tuples as lists."""
    if isinstance(value, dt.datetime):
        assert value.time() == dt.time(0)
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in id order, as JSON holds them."""
    return sorted((plain(row) for row in rows), key=lambda row: row["id"])


def test_the_corpus_has_what_varied_per_article(expected: list[dict[str, Any]]) -> None:
    """The corpus holds what used to give articles different shapes: other categories, stated and missing fields."""
    assert len(expected) == 5 + TEXTS + PAGES
    categories = [{c["category"] for c in a["stats"]["removed_by_category"]} for a in expected]
    assert len({frozenset(c) for c in categories}) > 10
    sources = [{k for k, v in a["metadata_source"].items() if v} for a in expected]
    assert {"url"} <= set().union(*sources) and any(not s for s in sources) and len({frozenset(s) for s in sources}) > 3
    assert any(a["published"] for a in expected) and any(a["published"] is None for a in expected)


def test_the_schema_has_no_object_keyed_by_data() -> None:
    """Every object of the schema lists its properties and allows no others: one shape for every article."""
    def objects(node: dict[str, Any]) -> list[dict[str, Any]]:
        node = resolve(node)
        kinds = node.get("type", [])
        found = [node] if "object" in ([kinds] if isinstance(kinds, str) else kinds) else []
        for sub in [*node.get("properties", {}).values(), *([node["items"]] if "items" in node else [])]:
            found += objects(sub)
        return found
    every = objects(article_schema())
    assert len(every) >= 8 and all(o.get("additionalProperties") is False and o["properties"] for o in every)
    assert article_schema()["properties"]["pipeline"]["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert tuple(article_schema()["properties"]["metadata_source"]["properties"]) == METADATA_FIELDS
    assert "map" not in str(arrow_schema())


@pytest.mark.parametrize("fmt", FORMATS)
def test_datasets_loads_the_archive_folder(fmt: str, archives: dict[str, Path], expected: list[dict[str, Any]],
                                           tmp_path: Path) -> None:
    """`datasets.load_dataset(OUT)` in every format: the card's data files and features, row for row the archive."""
    datasets = pytest.importorskip("datasets")
    datasets.disable_progress_bars()
    loaded = datasets.load_dataset(str(archives[fmt]), split="train", cache_dir=str(tmp_path))
    assert loaded.features["published"] == datasets.Value("date32")
    assert by_id(loaded.to_list()) == by_id(expected)


def test_datasets_loads_the_parquet_shards_as_data_files(archives: dict[str, Path], expected: list[dict[str, Any]],
                                                         tmp_path: Path) -> None:
    """Parquet shards alone, with no card: their schema is in them. (JSON files alone are typed file by file, and a
    shard whose every `metadata_source.url.line` is null types it null: JSON needs the card's features.)"""
    datasets = pytest.importorskip("datasets")
    datasets.disable_progress_bars()
    shards = sorted(str(p) for p in archives["parquet"].glob("articles-*"))
    assert len(shards) >= 3
    loaded = datasets.load_dataset("parquet", data_files=shards, split="train", cache_dir=str(tmp_path))
    assert by_id(loaded.to_list()) == by_id(expected)


# JSON readers type each file from its own values (pyarrow.dataset and polars from the first file, or the first
# rows): a shard whose every `metadata_source.title.line` is null types it null and the next shard's numbers do not
# fit. Parquet carries its schema; for JSON Lines the package's schema is what to give them.

def test_pyarrow_dataset_reads_across_the_shards(archives: dict[str, Path], expected: list[dict[str, Any]]) -> None:
    """pyarrow.dataset over every Parquet shard as they are (their schema is the one the package derives), and over
    every JSON Lines shard given that schema."""
    import pyarrow.dataset as ds
    import pyarrow.json as pj

    shards = sorted(str(p) for p in archives["parquet"].glob("articles-*"))
    found = ds.dataset(shards, format="parquet")
    assert len(shards) >= 3 and found.schema.equals(arrow_schema())
    assert [plain(row) for row in found.to_table().to_pylist()] == expected
    lines = ds.JsonFileFormat(parse_options=pj.ParseOptions(explicit_schema=arrow_schema()))
    found = ds.dataset(sorted(str(p) for p in archives["jsonl"].glob("articles-*")), format=lines, schema=arrow_schema())
    assert found.to_table().to_pylist() == expected


def test_polars_reads_the_shards(archives: dict[str, Path], expected: list[dict[str, Any]]) -> None:
    """polars reads the Parquet shards as they are, and the JSON Lines shards given the package's schema."""
    pl = pytest.importorskip("polars")
    assert [plain(row) for row in pl.read_parquet(archives["parquet"] / "articles-*.parquet").to_dicts()] == expected
    shards = sorted(archives["jsonl"].glob("articles-*.jsonl"))
    schema = pl.from_arrow(arrow_schema().empty_table()).schema
    assert pl.read_ndjson(shards, schema=schema).to_dicts() == expected


@pytest.mark.parametrize(("fmt", "source"), [
    ("json", "read_json_auto('{out}/**/*.json')"),
    ("jsonl", "read_json_auto('{out}/articles-*.jsonl')"),
    ("parquet", "'{out}/articles-*.parquet'"),
])
def test_duckdb_reads_every_format(fmt: str, source: str, archives: dict[str, Path], expected: list[dict[str, Any]]) -> None:
    """DuckDB's SELECT * over the archive, row for row (structs as dicts, lists as lists)."""
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.sql(f"SELECT * FROM {source.format(out=archives[fmt])}")
    assert by_id([dict(zip(relation.columns, row)) for row in relation.fetchall()]) == by_id(expected)


# --- the README's snippets -------------------------------------------------------------------------------------

def snippets() -> list[tuple[str, str, str]]:
    """(language, format, code) of each fenced block in the README's "Reading the archive" section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reading the archive", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"^```(\w+)\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    return [(lang, re.match(r"# --format (\w+)\n", code).group(1), code) for lang, code in blocks]  # type: ignore[union-attr]


def test_the_readme_has_a_snippet_per_tool() -> None:
    tools = {tool for _, _, code in snippets() for tool in ("pandas", "duckdb", "jq", "datasets", "polars", "pyarrow") if tool in code}
    assert tools == {"pandas", "duckdb", "jq", "datasets", "polars", "pyarrow"}


@pytest.mark.parametrize(("lang", "fmt", "code"), snippets(), ids=lambda v: v if v in FORMATS or len(v) < 8 else "")
def test_a_readme_snippet_runs_on_a_real_archive(lang: str, fmt: str, code: str, archives: dict[str, Path],
                                                 expected: list[dict[str, Any]], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each snippet, as written, in a folder holding `archive/` in its format; what it prints names archived articles."""
    (tmp_path / "archive").symlink_to(archives[fmt], target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    if lang == "sh":
        if shutil.which("jq") is None and "jq " in code:
            pytest.skip("jq is not installed")
        printed = subprocess.run(["bash", "-o", "pipefail", "-c", code], capture_output=True, text=True, check=True,
                                 env=os.environ).stdout
    else:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - the README's own code
        printed = out.getvalue()
    ids = {a["id"] for a in expected}
    assert set(re.findall(r"\b[0-9a-f]{16}\b", printed)) & ids, printed


def test_a_readme_the_user_keeps_in_the_output_folder_is_not_overwritten(tmp_path: Path, repo_config: Config) -> None:
    """The dataset card replaces only a card of ours: the output folder's own README.md is the user's to keep."""
    mine, ours = tmp_path / "mine", tmp_path / "ours"
    for out in (mine, ours):
        out.mkdir()
    (mine / "README.md").write_text("# My notes on this crawl\n", encoding="utf-8")
    (ours / "README.md").write_text(dataset_card("jsonl"), encoding="utf-8")
    for out in (mine, ours):
        run(SEEDS, out, repo_config, workers=1)
    assert (mine / "README.md").read_text(encoding="utf-8") == "# My notes on this crawl\n"
    assert (ours / "README.md").read_text(encoding="utf-8") == dataset_card("json")
