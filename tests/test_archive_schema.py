"""The packaged JSON Schema validates every archive file of a seeds run; index.jsonl rows are JSON."""
from __future__ import annotations

import fnmatch
import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker

from conftest import REPO, SEED_IDS, read_json
from pipeline.cli import cli
from pipeline.archive.schema import article_schema

INDEX_KEYS = {"id", "path", "archive_path", "title", "published", "url", "site", "language", "words", "removed",
              "removed_by_category", "duplicate_of"}


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    """A draft 2020-12 validator of the schema that checks formats too."""
    Draft202012Validator.check_schema(article_schema())
    return Draft202012Validator(article_schema(), format_checker=FormatChecker())


def test_schema_is_package_data() -> None:
    """The schema file ships in the package (a package-data glob of pyproject.toml matches it), not only in the repo."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = project["tool"]["setuptools"]["package-data"]["pipeline.archive"]
    assert any(fnmatch.fnmatch("article.schema.json", g) for g in globs)
    assert (REPO / "pipeline" / "archive" / "article.schema.json").is_file()


def test_cli_prints_the_packaged_schema() -> None:
    """`pipeline schema` prints valid JSON, the very schema the package ships."""
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == article_schema()


@pytest.mark.parametrize("seed", SEED_IDS)
def test_archive_file_is_valid(seed: str, seeds_archive: Path, validator: Draft202012Validator) -> None:
    """Each article of the seeds run validates."""
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(read_json(seeds_archive / f"{seed}.json"))]
    assert errors == []


@pytest.mark.parametrize("mutation", [
    {"id": "not-hex"},
    {"published": "yesterday"},
    {"language": "English"},
    {"surprise": 1},
    {"paragraphs": [{"type": "banner", "text": "x"}]},
    {"removed": [{"category": "ad", "rule": "ad.label", "line": 0, "text": "Ad"}]},
])
def test_schema_rejects_broken_articles(mutation: dict, seeds_archive: Path, validator: Draft202012Validator) -> None:
    """The schema is strict enough to catch a wrong field."""
    art = read_json(seeds_archive / f"{SEED_IDS[0]}.json")
    assert not validator.is_valid({**art, **mutation})


def test_index_rows(seeds_archive: Path) -> None:
    """index.jsonl has one JSON row per archived article, pointing at its file."""
    rows = [json.loads(line) for line in (seeds_archive / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(SEED_IDS)
    for row in rows:
        assert set(row) == INDEX_KEYS
        assert read_json(seeds_archive / row["archive_path"])["id"] == row["id"]


def test_run_json(seeds_archive: Path) -> None:
    """run.jsonl counts the inputs and lists no failure."""
    report = read_json(seeds_archive / "run.jsonl")
    assert (report["inputs"], report["archived"], report["failed"]) == (5, 5, [])
