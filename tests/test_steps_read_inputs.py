"""Input kinds: Markdown, HTML, JSON and JSON Lines exports, gzip; stated metadata, url/site, bad records, record keys."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import run
from pipeline.config import build_config, load_config
from pipeline.errors import InputError
from pipeline.steps.flow import Context, clean_bytes
from pipeline.steps.write import article_id
from pipeline.steps.read.inputs import kind, records
from pipeline.run.state import dump

CTX = Context(load_config(None))
BODY = [
    "A powerful storm swept across the eastern coast on Tuesday night, knocking out power to thousands of homes "
    "and closing roads in several towns along the shore.",
    "Officials said crews would work through the night to restore electricity, and urged residents to stay indoors "
    "until the winds eased on Wednesday morning.",
    "Forecasters expect calmer weather by the weekend, although rivers in the region could stay high for several days.",
]
P1_MD = ("A powerful **storm** swept across the eastern coast on Tuesday night, knocking out power to\nthousands of homes "
         "and closing roads in [several towns](https://example.org/towns) along the shore.")

# (name, bytes): the same article in each kind; the archive must hold exactly BODY as its paragraphs.
KINDS = [
    ("plain.txt", "\n\n".join(BODY).encode()),
    ("notes.md", f"# Storm hits the coast\n\n{P1_MD}\n\n{BODY[1]}\n\n_{BODY[2]}_\n".encode()),
    ("page.html", ("<html><head><title>Storm hits the coast | Bugle</title><style>p {color: red}</style></head><body>"
                   f"<h1>Storm hits the coast</h1><div><p>{BODY[0].replace('storm', '<b>storm</b>')}</p>"
                   f"<p>{BODY[1]}</p><p>{BODY[2]}</p></div><script>var x = '<p>not text</p>';</script></body></html>").encode()),
    ("page.htm", f"<p>{BODY[0]}</p><p>{BODY[1]}<p>{BODY[2]}".encode("cp1252")),
    ("one.json", json.dumps({"title": "Storm hits the coast", "text": "\n\n".join(BODY)}).encode()),
]


def _paragraphs(art: dict[str, Any]) -> list[str]:
    return [p["text"] for p in art["paragraphs"] if p["type"] == "paragraph"]


@pytest.mark.parametrize(("name", "data"), KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_gives_the_same_body(name: str, data: bytes) -> None:
    """Markup is gone, every body paragraph is there as written; title comes from the markup or the record."""
    found = records(name, data, CTX.config)
    assert len(found) == 1
    art = clean_bytes(data, name, CTX) if not name.endswith(".json") else None
    if art is None:  # a one-object JSON file is an export of one record
        from pipeline.steps.flow import clean_records
        [(record, art, error)] = clean_records(data, name, CTX)
        assert error is None and record.number == 1
    assert _paragraphs(art) == BODY
    assert not any(mark in art["text"] for mark in ("**", "](", "<", "_A ", "# "))
    if name in ("notes.md", "page.html", "one.json"):
        assert art["title"] == "Storm hits the coast"


@pytest.mark.parametrize(("name", "data"), KINDS, ids=[k[0] for k in KINDS])
def test_gzip_of_each_kind_reads_as_the_kind(name: str, data: bytes) -> None:
    """`x.md.gz` is Markdown once decompressed; the article is the same, its source the decompressed bytes."""
    plain, packed = records(name, data, CTX.config), records(name + ".gz", gzip.compress(data), CTX.config)
    assert kind(name + ".gz") == kind(name)
    assert [(r.text, r.raw, r.given) for r in packed] == [(r.text, r.raw, r.given) for r in plain]


@pytest.mark.parametrize(("data", "reason"), [
    (b"not gzip at all", "not a valid gzip file"),
    (gzip.compress(b"x" * 5000), "too large once decompressed"),
])
def test_bad_gzip_is_an_input_error(data: bytes, reason: str) -> None:
    config = build_config({"limits": {"max_bytes": 4096}})
    with pytest.raises(InputError, match=reason):
        records("a.txt.gz", data, config)


HEAD = "<title>Storm hits the coast | Bugle</title>"
# (case, <head> extras, {field: (value, rule)}): what the page states wins, and says where it came from.
HTML_META = [
    ("og and canonical",
     '<link rel="canonical" href="https://www.Bugle.example/storm"><meta property="og:url" content="https://m.bugle.example/s">'
     '<meta property="og:title" content="Storm hits the coast">',
     {"url": ("https://www.Bugle.example/storm", "html.link:canonical"), "site": ("www.bugle.example", None),
      "title": ("Storm hits the coast", "html.meta:og:title")}),
    ("og:url when no canonical, relative canonical ignored",
     '<link rel="canonical" href="/storm"><meta property="og:url" content="https://bugle.example/storm">',
     {"url": ("https://bugle.example/storm", "html.meta:og:url"), "site": ("bugle.example", None)}),
    ("article:published_time, date as written",
     '<meta property="article:published_time" content="2024-03-05T23:10:00-05:00"><meta name="author" content="Jane Doe">',
     {"published": ("2024-03-05", "html.meta:article:published_time"), "authors": (["Jane Doe"], "html.meta:author")}),
    ("JSON-LD graph",
     '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Bugle"}, {"@type": "NewsArticle",'
     ' "headline": "Storm hits the coast", "datePublished": "2024-03-04", "author": [{"@type": "Person", "name": "Jane Doe"},'
     ' {"@type": "Person", "name": "John Roe"}], "url": "https://bugle.example/a"}]}</script>',
     {"published": ("2024-03-04", "html.json-ld:datePublished"), "authors": (["Jane Doe", "John Roe"], "html.json-ld:author"),
      "title": ("Storm hits the coast", "html.json-ld:headline"), "url": ("https://bugle.example/a", "html.json-ld:url")}),
    ("broken JSON-LD, date in words, byline-shaped author",
     '<script type="application/ld+json">{oops</script><meta name="date" content="March 3, 2024">'
     '<meta name="author" content="By Jane Doe and John Roe">',
     {"published": ("2024-03-03", "html.meta:date"), "authors": (["Jane Doe", "John Roe"], "html.meta:author")}),
    ("nothing stated: the <title> only as a fallback", "",
     {"url": (None, None), "site": (None, None), "published": (None, None), "title": ("Storm hits the coast", "html.title")}),
    ("an author that is a URL is no name",
     '<meta property="article:author" content="https://facebook.com/bugle">', {"authors": ([], None)}),
    # og:title without a last part that is the site's name (og:site_name, or spelled by the host name); other parts stay.
    ("og:title without the site name", '<meta property="og:title" content="Storm hits the coast - Bugle News">'
     '<meta property="og:site_name" content="Bugle News">', {"title": ("Storm hits the coast", "html.meta:og:title")}),
    ("og:title without the host's name", '<link rel="canonical" href="https://www.thebugle.example/storm">'
     '<meta property="og:title" content="Storm hits the coast — The Bugle">', {"title": ("Storm hits the coast", "html.meta:og:title")}),
    ("og:title keeps a part that is no site name", '<link rel="canonical" href="https://www.thebugle.example/storm">'
     '<meta property="og:title" content="Storm hits the coast - Live">', {"title": ("Storm hits the coast - Live", "html.meta:og:title")}),
    ("og:title keeps a short part the host holds", '<link rel="canonical" href="https://bugle.ai/storm">'
     '<meta property="og:title" content="Storm hits the coast | AI">', {"title": ("Storm hits the coast | AI", "html.meta:og:title")}),
    ("a name quoted in JSON-LD",
     '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", "name": "\\"Jane Doe\\""}}</script>',
     {"authors": (["Jane Doe"], "html.json-ld:author")}),
    # Other sites' meta names of the publication time, after the usual ones; an updated or last-published one is none.
    ("a site's own published-date meta name", '<meta name="w-published-date" content="2025-05-27T06:03:43.274Z">',
     {"published": ("2025-05-27", "html.meta:w-published-date")}),
    ("publish time meta name", '<meta name="cxenseparse:publishtime" content="2024-03-02T10:00:00Z">',
     {"published": ("2024-03-02", "html.meta:cxenseparse:publishtime")}),
    ("the usual meta names first", '<meta name="og:publish_date" content="2024-03-02"><meta name="pubdate" content="2024-03-01">',
     {"published": ("2024-03-01", "html.meta:pubdate")}),
    ("a last-published time is no publication time", '<meta name="cdc:last_published" content="2024-03-02">',
     {"published": (None, None)}),
    ("an updated publish time is none", '<meta name="publish-updated" content="2024-03-02">', {"published": (None, None)}),
]


@pytest.mark.parametrize(("case", "head", "expected"), HTML_META, ids=[m[0] for m in HTML_META])
def test_html_metadata(case: str, head: str, expected: dict[str, tuple[Any, str | None]]) -> None:
    page = f"<html><head>{HEAD}{head}</head><body><p>{'</p><p>'.join(BODY)}</p></body></html>"
    art = clean_bytes(page.encode(), "p.html", CTX)
    for field, (value, rule) in expected.items():
        assert art[field] == value, field
        if rule:
            assert art["metadata_source"][field] == {"line": None, "rule": rule}
        elif field in ("url", "authors", "published"):
            assert art["metadata_source"][field] is None


LD_DATE = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm hits the coast", "datePublished": "2024-03-04"}</script>'
LD_SAVED = ('<script type="application/ld+json">{"@type": "WebPage", "datePublished": "13/11/2025 09:21:40",'
            ' "dateModified": "13/11/2025 09:21:40"}</script>')
# (case, <head> extras, the line under the <h1>, (published, rule)): the dateline under the headline beats the
# stated dates that are often the page record's own (JSON-LD, other meta names), not Open Graph's published time,
# and an 'updated' dateline beats JSON-LD's datePublished only.
HEADER_DATES = [
    ("dateline over JSON-LD", LD_DATE, "March 10, 2024", ("2024-03-10", "header.dateline")),
    ("dateline over meta date", '<meta name="date" content="2024-03-03">', "March 10, 2024", ("2024-03-10", "header.dateline")),
    ("article:published_time over dateline", '<meta property="article:published_time" content="2024-03-05T10:00:00Z">',
     "March 10, 2024", ("2024-03-05", "html.meta:article:published_time")),
    ("updated dateline over JSON-LD", LD_DATE, "Updated March 10, 2024", ("2024-03-10", "header.dateline")),
    ("meta date over an updated dateline", '<meta name="date" content="2024-03-03">', "Updated March 10, 2024",
     ("2024-03-03", "html.meta:date")),
    ("article:published_time over an updated dateline", '<meta property="article:published_time" content="2024-03-05T10:00:00Z">',
     "Updated March 10, 2024", ("2024-03-05", "html.meta:article:published_time")),
    ("JSON-LD without a dateline", LD_DATE, "By Jane Doe", ("2024-03-04", "html.json-ld:datePublished")),
]


@pytest.mark.parametrize(("case", "head", "line", "expected"), HEADER_DATES, ids=[m[0] for m in HEADER_DATES])
def test_header_dateline_against_stated_dates(case: str, head: str, line: str, expected: tuple[str, str]) -> None:
    page = (f"<html><head>{HEAD}{head}</head><body><h1>Storm hits the coast</h1><p>{line}</p>"
            f"<p>{'</p><p>'.join(BODY)}</p></body></html>")
    art = clean_bytes(page.encode(), "p.html", CTX)
    assert (art["published"], art["metadata_source"]["published"]["rule"]) == expected


# (case, JSON-LD, the line far below the <h1>, (published, rule)): JSON-LD whose datePublished is its dateModified, to
# the second, states the record's save time; a date the page text states below the header block wins over it.
SAVED_ONCE = [
    ("saved once, a date in the text", LD_SAVED, "<p>12 November 2025</p>", ("2025-11-12", "header.first_date_below_title")),
    ("saved once, no date in the text", LD_SAVED, "", ("2025-11-13", "html.json-ld:datePublished")),
    ("modified later, a date in the text", LD_SAVED.replace('"dateModified": "13', '"dateModified": "14'),
     "<p>12 November 2025</p>", ("2025-11-13", "html.json-ld:datePublished")),
]


@pytest.mark.parametrize(("case", "head", "line", "expected"), SAVED_ONCE, ids=[m[0] for m in SAVED_ONCE])
def test_json_ld_saved_once_yields_to_a_text_date(case: str, head: str, line: str, expected: tuple[str, str]) -> None:
    body = "".join(f"<p>{p}</p>" for p in BODY * 3)
    page = f"<html><head>{HEAD}{head}</head><body><h1>Storm hits the coast</h1>{body}{line}<p>{BODY[0]}</p></body></html>"
    art = clean_bytes(page.encode(), "p.html", CTX)
    assert (art["published"], art["metadata_source"]["published"]["rule"]) == expected


def _export(tmp_path: Path, name: str, text: str) -> tuple[Path, Path]:
    root, out = tmp_path / "in", tmp_path / "out"
    (root / "site").mkdir(parents=True)
    (root / "site" / name).write_text(text, encoding="utf-8")
    return root, out


GOOD = {"title": "Storm hits the coast", "content": "\n\n".join(BODY), "link": "https://News.example/a?id=1",
        "published": "2024-03-05T10:00:00Z", "author": "Jane Doe"}
JSONL = "\n".join([json.dumps(GOOD), "{not json", json.dumps({"title": "no text"}), "", "[1, 2]",
                   json.dumps({**GOOD, "link": "https://news.example/b"})]) + "\n"


def test_jsonl_export_one_file_per_record_and_bad_records_located(tmp_path: Path) -> None:
    root, out = _export(tmp_path, "feed.jsonl", JSONL)
    report = run(root, out, load_config(None), workers=1)
    assert report.archived == 2
    assert [(f["path"], f["location"]) for f in report.failed] == [("site/feed.jsonl", "line 2"), ("site/feed.jsonl", "line 3"),
                                                                    ("site/feed.jsonl", "line 5")]
    reasons = [f["reason"] for f in report.failed]
    assert reasons[0].startswith("not valid JSON") and reasons[1].startswith("no text: none of the keys text, content")
    assert reasons[2] == "a list, not an article object"
    art = json.loads((out / "site/feed.jsonl/1.json").read_text(encoding="utf-8"))
    assert art["id"] == article_id("site/feed.jsonl", 1) and art["source"]["record"] == 1 and art["source"]["path"] == "site/feed.jsonl"
    assert (art["title"], art["url"], art["site"], art["published"], art["authors"]) == (
        "Storm hits the coast", "https://News.example/a?id=1", "news.example", "2024-03-05", ["Jane Doe"])
    assert art["metadata_source"]["url"] == {"line": None, "rule": "json:link"} and _paragraphs(art) == BODY
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["archive_path"], r["url"], r["site"]) for r in rows] == [
        ("site/feed.jsonl/1.json", "https://News.example/a?id=1", "news.example"),
        ("site/feed.jsonl/6.json", "https://news.example/b", "news.example")]
    again = run(root, out, load_config(None), workers=1)  # bad records are reported again, not hidden by the skip
    assert again.skipped == 0 and len(again.failed) == 3 and again.archived == 2


def test_json_export_skipped_when_unchanged_and_records_that_vanish_are_stale(tmp_path: Path) -> None:
    items = [GOOD, {**GOOD, "link": "https://news.example/b"}, {**GOOD, "link": "https://news.example/c"}]
    root, out = _export(tmp_path, "dump.json", json.dumps({"articles": items}))
    first = run(root, out, load_config(None), workers=1)
    assert first.archived == 3 and not first.failed
    assert sorted(p.name for p in (out / "site/dump.json").iterdir()) == ["1.json", "2.json", "3.json"]
    again = run(root, out, load_config(None), workers=1)
    assert (again.skipped, again.archived) == (1, 3)
    (root / "site/dump.json").write_text(json.dumps(items[:2]), encoding="utf-8")
    shrunk = run(root, out, load_config(None), workers=1)
    assert shrunk.archived == 2 and shrunk.leftovers.stale == [{"path": "site/dump.json", "archive_path": "site/dump.json/3.json"}]


def test_record_keys_from_config(tmp_path: Path) -> None:
    """Dotted keys look into nested objects; the default keys then find nothing."""
    line = json.dumps({"story": {"body": "\n\n".join(BODY), "headline": "Storm hits"}, "meta": {"permalink": "http://a.example/x"}})
    root, out = _export(tmp_path, "feed.jsonl", line + "\n")
    assert run(root, out, load_config(None), workers=1).failed[0]["reason"].startswith("no text")
    keys = {"text": "story.body", "title": ["story.headline"], "url": ["meta.permalink"]}
    report = run(root, out, build_config({"sources": {"keys": keys}}), workers=1)
    art = json.loads((out / "site/feed.jsonl/1.json").read_text(encoding="utf-8"))
    assert report.archived == 1 and (art["title"], art["site"]) == ("Storm hits", "a.example")
    assert art["metadata_source"]["title"] == {"line": None, "rule": "json:story.headline"}


def test_markdown_front_matter_is_stated_metadata() -> None:
    text = f"---\ntitle: Storm hits the coast\ndate: 2024-03-05\nurl: https://blog.example/storm\n---\n\n{P1_MD}\n"
    art = clean_bytes(text.encode(), "post.md", CTX)
    assert (art["title"], art["published"], art["site"]) == ("Storm hits the coast", "2024-03-05", "blog.example")
    assert art["metadata_source"]["published"] == {"line": None, "rule": "markdown.front_matter:date"}


def test_records_count_like_files_for_repeated_lines(tmp_path: Path) -> None:
    """A line in every record of one export is boilerplate across the folder, as it would be across files."""
    nag = "The Coastal Ledger weather desk"
    lines = [json.dumps({"text": f"{p}\n\n{nag}"}) for p in BODY * 2]
    root, out = _export(tmp_path, "feed.jsonl", "\n".join(lines))
    run(root, out, load_config(None), workers=1)
    art = json.loads((out / "site/feed.jsonl/1.json").read_text(encoding="utf-8"))
    assert [(r["text"], r["rule"]) for r in art["removed"]] == [(nag, "repetition.across_files")]


def test_an_archive_inside_the_input_folder_is_not_read_as_exports(tmp_path: Path) -> None:
    root, out = _export(tmp_path, "feed.jsonl", json.dumps(GOOD))
    run(root, root / "archive", load_config(None), workers=1)
    report = run(root, out, load_config(None), workers=1)
    assert report.archived == 1 and not report.failed


@pytest.mark.parametrize(("markup", "text", "html_left"), [
    ("auto", "".join(f"<p>{p}</p>" for p in BODY), False),
    ("html", "".join(f"<p>{p}</p>" for p in BODY), False),
    ("text", "".join(f"<p>{p}</p>\n\n" for p in BODY), True),
    ("markdown", f"{P1_MD}\n\n{BODY[1]}\n\n{BODY[2]}", False),
    ("auto", "\n\n".join(BODY), False),
])
def test_record_markup(markup: str, text: str, html_left: bool) -> None:
    """Scrapers often export the article's HTML: `auto` renders it, `text` leaves it to the cleaner as it is."""
    config = build_config({"sources": {"record_markup": markup}})
    [record] = records("feed.jsonl", json.dumps({"text": text}).encode(), config)
    if html_left:
        assert record.text.count("<p>") == len(BODY)
    else:
        assert [line for line in record.text.split("\n") if line] == BODY


def test_an_export_cut_short_by_a_kill_is_redone(tmp_path: Path) -> None:
    """A state that holds only some of an export's records (a run killed while journaling them) is no skip."""
    root, out = _export(tmp_path, "feed.jsonl", "\n".join(json.dumps({**GOOD, "link": f"https://n.example/{i}"}) for i in range(3)))
    run(root, out, load_config(None), workers=1)
    state = out / ".pipeline-state"
    data = dump(out)  # written back as an older version's JSON state file, which a run imports
    del data["articles"]["site/feed.jsonl/3.json"]
    state.write_text(json.dumps(data), encoding="utf-8")
    report = run(root, out, load_config(None), workers=1)
    assert (report.skipped, report.archived) == (0, 3)
    assert run(root, out, load_config(None), workers=1).skipped == 1


def test_clean_command_prints_one_article_per_record(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{oops\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(path)])
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert json.loads(line)["source"]["record"] == 1
    assert "feed.jsonl: line 2: not valid JSON" in result.stderr


def test_limits_hold_per_record_in_an_export(tmp_path: Path) -> None:
    """An export may be larger and longer than one article may be; each record is held to the article limits."""
    big = {"text": "\n\n".join(BODY * 30)}
    lines = [json.dumps(GOOD)] * 3 + [json.dumps(big)]
    root, out = _export(tmp_path, "feed.jsonl", "\n".join(lines))
    limits = {"max_bytes": 4000, "max_lines": 2}
    report = run(root, out, build_config({"limits": limits}), workers=1)
    assert report.archived == 3 and [(f["location"], f["reason"][:10]) for f in report.failed] == [("line 4", "too large:")]
    report = run(root, out, build_config({"limits": {**limits, "max_export_bytes": 5000}}), workers=1)
    assert report.archived == 0 and "limits.max_export_bytes" in report.failed[0]["reason"]


@pytest.mark.parametrize(("declared", "text", "codec"), [
    ("shift_jis", "東京で大雨。気象庁は警戒を呼びかけた。", "shift_jis"),
    ("iso-8859-1", "Le prix a augmenté de 5 € à Noël, selon l'étude.", "cp1252"),  # browsers read Latin-1 as windows-1252
    ("utf-8", "Grüße aus Köln – ein Bericht.", "utf-8"),
])
def test_html_declared_charset(declared: str, text: str, codec: str) -> None:
    page = f'<html><head><meta charset="{declared}"></head><body><p>{text}</p></body></html>'
    [record] = records("p.html", page.encode(codec), CTX.config)
    assert (record.text, record.encoding) == (text, codec)


def test_run_command_names_the_bad_record(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    root, out = _export(tmp_path, "feed.jsonl", json.dumps(GOOD) + "\n{oops\n")
    result = CliRunner().invoke(cli, ["run", str(root), "-o", str(out), "-w", "1", "-q"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: site/feed.jsonl: line 2: not valid JSON")


@pytest.mark.parametrize(("inputs", "expected"), [
    (["a.txt.gz", "w/p.HTML", "w/p.md.gz"], ["a.json", "w/p.json", "w/p.md.gz.json"]),
    (["feed.jsonl", "feed.jsonl.gz", "x.json", "x.txt"], ["feed.jsonl", "feed.jsonl.gz", "x.json", "x.txt.json"]),
])
def test_archive_paths_of_each_kind(inputs: list[str], expected: list[str]) -> None:
    """.gz is not part of the name; an export names a folder (its records go inside); collisions keep the extension."""
    from pipeline.archive.paths import output_paths

    assert [output_paths(inputs)[rel] for rel in inputs] == expected


_PAGE = "<html><head><title>T – é</title></head><body><h1>Head “line”</h1><p>One\xa0two</p><p>Three</p></body></html>"


@pytest.mark.parametrize("raw", [
    _PAGE.encode("utf-8"), b"\xef\xbb\xbf" + _PAGE.encode("utf-8"), _PAGE.replace("</p>", "</p>\r\n").encode("utf-8"),
    _PAGE.encode("utf-8").replace(b"One", b"O\x00ne"), _PAGE.encode("utf-8").replace(b"Three", b"Th\xffree"),
    _PAGE.replace("<head>", '<head><meta charset="windows-1252">').encode("cp1252"), "<p>\ufffd ok</p>".encode("utf-8"),
])
def test_html_read_from_its_own_bytes_reads_as_from_its_text(raw: bytes) -> None:
    """A page whose bytes are its decoded text's UTF-8 is parsed from them: the same record as parsing the text."""
    from pipeline.steps.read.inputs import _page_decoded
    from pipeline.steps.read.markup import html_page

    config = load_config(None)
    found = records("page.html", raw, config)[0]
    text, _ = _page_decoded(raw, "page.html", config)
    body, given, page = html_page(text)
    assert (found.text, found.given) == (body, given) and found.dom is not None and page is not None
    assert (found.dom.blocks, found.dom.line_block, found.dom.totals.tolist()) == (page.blocks, page.line_block, page.totals.tolist())
