"""The library API as the README documents it: its example runs, and clean_text gives the archive's record."""
from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

import pytest
import yaml

import pipeline
from conftest import REPO, SEEDS, read_json
from pipeline import clean_text, load_config, run
from pipeline.config import Config

README = (REPO / "README.md").read_text(encoding="utf-8")


def _library_example() -> str:
    """The python block of the README's Library section."""
    section = README.split("\n## Library\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeds_archive: Path) -> None:
    """The example, run as written from a folder holding seeds/ and config.yaml, prints what the archive holds."""
    (tmp_path / "seeds").symlink_to(SEEDS)
    settings = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8")) or {}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({**settings, "workers": 1}), encoding="utf-8")  # in process: fast
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_library_example(), "README.md", "exec"), {})  # noqa: S102 - our own README
    art = read_json(seeds_archive / "003_64ae4b69c7cf2bad.json")
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{art['title']} {art['published']} {art['authors']}"
    assert lines[1] == art["text"][:80]
    assert len(lines) == 2 + len(art["removed"]) + 2
    assert lines[-2:] == ["5 0 []", "5 5"]
    assert (tmp_path / "report.html").is_file() and len(list((tmp_path / "archive").glob("*.json"))) == 5


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_clean_text_is_the_archive_record(seed: str, seeds_archive: Path, repo_config: Config) -> None:
    """clean_text of a seed, given its relative path, returns the record `run` archived for it."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    assert clean_text(text, repo_config, path=seed) == read_json(seeds_archive / seed.replace(".txt", ".json"))


def test_documented_signatures() -> None:
    """The README states each function's signature as the code has it."""
    assert sorted(pipeline.__all__) == ["__version__", "clean_text", "load_config", "run"]
    for function in (clean_text, load_config, run):
        assert f"`{function.__name__}({_parameters(function)})" in " ".join(README.split())


def _parameters(function: object) -> str:
    """Parameter names and defaults, as the README writes them: `a, b=None, *, c="x"`."""
    shown, star = [], False
    for p in inspect.signature(function).parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star:
            shown.append("*")
            star = True
        shown.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}".replace("'", '"'))
    return ", ".join(shown)
