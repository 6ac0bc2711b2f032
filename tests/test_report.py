"""`pipeline report`: counts, the input view rebuilt from the archive, escaping, and the page in a real browser."""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REPO, SEEDS, read_json
from pipeline import load_config, run
from pipeline.cli import cli
from pipeline.config import Config
from pipeline.report.page import collect, write_report

TITLE = "pipeline report"
# Each payload would set window.__pwned or the page title if the page let it run.
PAYLOADS = [
    '<script>window.__pwned = 1; document.title = "pwned";</script>',
    '<img src=x onerror="window.__pwned = 2; document.title = \'pwned\'">',
    '</script><script>window.__pwned = 3</script>',
    '<!-- <script>window.__pwned = 4</script>',
    '<svg onload="window.__pwned = 5">',
]
PROSE = ("The harbour authority said on Tuesday that the new pier would open in the spring, after two years of work "
         "and a long argument with the residents about the noise of the building site and the traffic it brings.")


def _xss_article(n: int) -> str:
    """An article whose title, body and boilerplate hold the payloads."""
    return "\n\n".join([
        f"Harbour news {n} {PAYLOADS[0]}",
        f"{PROSE} {PAYLOADS[1]} {PROSE}",
        f"{PROSE} {PAYLOADS[2]} The mayor agreed. {PAYLOADS[3]}",
        PROSE.replace("pier", "bridge"),
        f"Share this article {PAYLOADS[4]}",
        "Leave a comment",
    ]) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seeds, two articles full of payloads (one with a payload as its file name) and a binary file."""
    folder = tmp_path_factory.mktemp("report-in")
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, folder / seed.name)
    (folder / "xss.txt").write_text(_xss_article(1), encoding="utf-8")
    (folder / "x <img src=x onerror=window.__pwned=6>.txt").write_text(_xss_article(2), encoding="utf-8")
    (folder / "<svg onload=window.__pwned=7>.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    return folder


@pytest.fixture(scope="module")
def quick() -> Config:
    """The repository's config on one worker, in process."""
    return load_config(REPO / "config.yaml").model_copy(update={"workers": 1})


@pytest.fixture(scope="module")
def archive(corpus: Path, quick: Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's archive."""
    out = tmp_path_factory.mktemp("report-archive")
    run(corpus, out, quick, workers=1)
    return out


@pytest.fixture(scope="module")
def page(archive: Path, quick: Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report page of the corpus's archive."""
    path = tmp_path_factory.mktemp("report-page") / "report.html"
    write_report(archive, path, quick)
    return path


def test_seeds_shown_line_by_line(seeds_archive: Path, repo_config: Config) -> None:
    """Every seed's input view is rebuilt, and the counts are those of run.jsonl and the audit trails."""
    summary, entries = collect(seeds_archive, repo_config, SEEDS)
    assert summary.articles == summary.exact == len(entries) == 5
    assert dict(summary.lines) == read_json(seeds_archive / "run.jsonl")["removed_by_category"]
    assert sum(summary.rule_lines.values()) == sum(summary.lines.values())
    for entry in entries:
        art = read_json(seeds_archive / (Path(entry["path"]).stem + ".json"))
        assert [line[3] for line in entry["lines"] if line[2] == "k"] == [p["text"] for p in art["paragraphs"]]
        gone = [[line[0], line[4], line[5], line[3]] for line in entry["lines"] if line[2] != "k"]
        assert gone == [[r["line"], r["category"], r["rule"], r["text"]] for r in art["removed"]]
        numbers = [line[0] for line in entry["lines"]]
        assert numbers == sorted(numbers)


def test_changed_or_missing_input_falls_back(seeds_archive: Path, repo_config: Config, tmp_path: Path) -> None:
    """An input that changed since the run (or is gone) shows its kept text, then its removed lines."""
    changed = tmp_path / "seeds"
    shutil.copytree(SEEDS, changed)
    first = sorted(changed.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    (sorted(changed.glob("*.txt"))[1]).unlink()
    summary, entries = collect(seeds_archive, repo_config, changed)
    assert [e["exact"] for e in entries] == [False, False, True, True, True]
    art = read_json(seeds_archive / (first.stem + ".json"))
    assert [line[3] for line in entries[0]["lines"]] == [p["text"] for p in art["paragraphs"]] + [r["text"] for r in art["removed"]]


KINDS = {  # one article (or export) of each input kind the runner reads
    "page.html": "<html><head><title>Pier opens | Daily</title></head><body><nav><a href='/'>Home</a></nav>"
                 f"<h1>Pier opens</h1><p>{PROSE}</p><p>{PROSE.replace('pier', 'bridge')}</p><p>Share this article</p></body></html>",
    "note.md": f"# Pier opens\n\nSome *news*: {PROSE}\n\n- the first item\n- the second item\n",
    "feed.jsonl": "".join(json.dumps({"title": f"Story {n}", "text": f"{PROSE}\n\nShare this article\n\n{PROSE}"}) + "\n"
                          for n in range(3)),
}


def test_every_input_kind_shown_line_by_line(quick: Config, tmp_path: Path) -> None:
    """HTML, Markdown and the records of an export are read again as the run read them."""
    for name, text in KINDS.items():
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    run(tmp_path / "in", tmp_path / "out", quick, workers=1)
    summary, entries = collect(tmp_path / "out", quick, tmp_path / "in")
    assert sorted(e["path"] for e in entries) == ["feed.jsonl #1", "feed.jsonl #2", "feed.jsonl #3", "note.md", "page.html"]
    assert summary.exact == summary.articles == 5


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shard_archives_give_the_same_page_data(fmt: str, corpus: Path, archive: Path, quick: Config, tmp_path: Path) -> None:
    """Shards are read in index order: the same entries as from the article files."""
    config = quick.model_copy(update={"write": quick.write.model_copy(update={"format": fmt})})
    run(corpus, tmp_path, config, workers=1)
    assert collect(tmp_path, config, corpus)[1] == collect(archive, quick, corpus)[1]


def test_payloads_are_escaped_in_the_html(page: Path, archive: Path) -> None:
    """No payload reaches the page as markup: only our two script elements, no img/svg, no comment opened."""
    html = page.read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", html, re.I) == ['<script type="application/json" id="report-data">', "<script>"]
    assert not re.search(r"<(img|svg)\b", html, re.I)
    assert "<!--" not in html
    assert "&lt;svg onload=window.__pwned=7&gt;.txt" in html  # the name in the failed list: the template escaped it
    assert read_json(archive / "run.jsonl")["failed"][0]["path"] == "<svg onload=window.__pwned=7>.txt"


def test_cli_report(archive: Path, tmp_path: Path) -> None:
    """`pipeline report ARCHIVE -o FILE` writes the page and says what it holds."""
    result = CliRunner().invoke(cli, ["report", str(archive), "-o", str(tmp_path / "r.html"), "-c", str(REPO / "config.yaml")])
    assert result.exit_code == 0, result.output
    assert "4 articles, 4 of them line by line" in result.output
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "is not an archive (no index.jsonl)"),
    (lambda p: p / "missing", "does not exist"),
])
def test_cli_report_bad_archive(make: Any, message: str, tmp_path: Path) -> None:
    """A folder that is no archive is a usage error (exit 2)."""
    result = CliRunner().invoke(cli, ["report", str(make(tmp_path)), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and message in result.output


# The page in a real browser: Debian's chromium driven by selenium through chromedriver.
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1200,900"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module, with a fresh profile."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (`make test` installs them as root: "
                    "apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for drivers on the network
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _open(browser: Any, page: Path) -> None:
    """Loads the page and waits for the script to list the articles."""
    browser.get(page.as_uri())
    _wait(lambda: browser.find_element("id", "count").text.endswith("articles"))


def _wait(check: Any, seconds: float = 5.0) -> None:
    """Polls `check` until it holds."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for the page"
        time.sleep(0.05)


def test_page_renders(browser: Any, page: Path, tmp_path: Path) -> None:
    """The page lists every article and its screenshot is not blank."""
    from PIL import Image, ImageStat

    _open(browser, page)
    assert browser.find_element("id", "count").text == "4 of 4 articles"
    assert len(browser.find_elements("css selector", "#articles > details")) == 4
    assert browser.find_elements("css selector", "#rules tbody tr")  # the per-rule counts
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    image = Image.open(shot).convert("L")
    assert image.size[0] >= 1000 and ImageStat.Stat(image).stddev[0] > 20  # a blank page has none


def _visible(browser: Any) -> list[str]:
    """Paths of the articles listed."""
    return [e.text for e in browser.find_elements("css selector", "#articles > details .path") if e.is_displayed()]


def test_filter(browser: Any, page: Path, archive: Path, quick: Config, corpus: Path) -> None:
    """Typing a query keeps the articles holding it; the category filter keeps those with such removals."""
    from selenium.webdriver.support.ui import Select

    _open(browser, page)
    entries = collect(archive, quick, corpus)[1]
    query = "Ushakov"
    expected = [e["path"] for e in entries if any(query.lower() in line[3].lower() for line in e["lines"])]
    assert 0 < len(expected) < len(entries)
    browser.find_element("id", "q").send_keys(query)
    _wait(lambda: browser.find_element("id", "count").text.startswith(f"{len(expected)} of"))
    assert _visible(browser) == expected
    browser.find_element("id", "q").clear()
    articles = Counter(c for e in entries for c in e["cats"])
    category = next(c for c, n in sorted(articles.items()) if 0 < n < len(entries))
    Select(browser.find_element("id", "category")).select_by_value(category)
    _wait(lambda: browser.find_element("id", "count").text.startswith(f"{articles[category]} of"))
    assert _visible(browser) == [e["path"] for e in entries if e["cats"].get(category)]


def test_payloads_do_not_run(browser: Any, page: Path) -> None:
    """With every article open, no payload ran, none became an element, and each shows as text."""
    _open(browser, page)
    for details in browser.find_elements("css selector", "#articles > details"):
        browser.execute_script("arguments[0].open = true;", details)
    _wait(lambda: len(browser.find_elements("css selector", "#articles .lines")) == 4)
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.title.startswith(TITLE)
    assert browser.find_elements("css selector", "img, svg, iframe") == []
    assert len(browser.find_elements("tag name", "script")) == 2
    text = browser.find_element("id", "articles").text
    for payload in PAYLOADS[:3]:
        assert payload in text
    assert "x <img src=x onerror=window.__pwned=6>.txt" in text
