"""Nothing lost, nothing breaks: a corpus of bad inputs, limits, and user patterns that backtrack."""
from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import re
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import regex
from jsonschema import Draft202012Validator, FormatChecker
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import build_config, builtin_catalogue, load_config
from pipeline.errors import BinaryInputError, ConfigError, InputError
from pipeline.steps.limits import deadline, deadline_paused, line_count
from pipeline.steps.flow import Context, clean_bytes
from pipeline.run.runner import run
from pipeline.archive.schema import article_schema

ARTICLE = ("Café owners in the old town say the renovation brought back visitors who had stayed away for years, "
           "and the mayor’s office expects the square to be busy again by the summer season.\n\n"
           "The works cost more than planned because the façade of the market hall needed new foundations, "
           "according to the city’s report, which was published on Tuesday after a long delay.\n\n"
           "Residents welcomed the reopening but asked for fewer cars and more benches along the river.\n")
PLAIN = ARTICLE.replace("’", "'")  # latin-1 has no curly apostrophe
JAPANESE = "東京都は火曜日、新しい公園の開園を発表した。多くの市民が訪れると予想されている。"
CHINESE = "北京市政府星期二宣布新公园开放，预计将有大量市民前来参观游览。"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def mojibake(text: str, times: int) -> bytes:
    """UTF-8 bytes of `text` after being misread as cp1252 `times` times."""
    for _ in range(times):
        text = text.encode("utf-8").decode("cp1252", errors="ignore")
    return text.encode("utf-8")


# name -> (bytes, expected article text); each of these must be archived with exactly this text.
DECODED = {
    "utf16_le.txt": (codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), ARTICLE),
    "utf16_be.txt": (codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), ARTICLE),
    "cp1252.txt": (ARTICLE.encode("cp1252"), ARTICLE),
    "latin1.txt": (PLAIN.encode("latin-1"), PLAIN),
    "mojibake_once.txt": (mojibake(ARTICLE, 1), ARTICLE),
    "mojibake_twice.txt": (mojibake(ARTICLE, 2), ARTICLE),
    "crlf.txt": (ARTICLE.replace("\n", "\r\n").encode(), ARTICLE),
    "lone_cr.txt": (ARTICLE.replace("\n", "\r").encode(), ARTICLE),
    "name with spaces.txt": (ARTICLE.encode(), ARTICLE),
    "ünïcødé 名前.txt": (ARTICLE.encode(), ARTICLE),
    "new\nline.txt": (ARTICLE.encode(), ARTICLE),
    "x.txt/inside.txt": (ARTICLE.encode(), ARTICLE),  # a folder named like an input is walked, not read
}
CJK = {"shift_jis.txt": (JAPANESE.encode("shift_jis"), JAPANESE), "gb2312.txt": (CHINESE.encode("gb2312"), CHINESE)}
# name -> bytes that must end as a failed entry whose reason matches the pattern in FAILED.
FAILING = {
    "empty.txt": b"",
    "blank.txt": b" \n\t\r\n  \n",
    "image.txt": PNG,
    "nul.txt": b"some text\x00\x00\x00 and NUL bytes",
    "huge_line.txt": None,  # written sparse below: 50 MB in one line
    "million_lines.txt": b"ab\n" * 1_000_000,
}
FAILED = {
    "empty.txt": r"^empty file$",
    "blank.txt": r"^blank: ",
    "image.txt": r"^binary content: a PNG image; not a text file$",
    "nul.txt": r"^binary content: 11\.5% NUL and control bytes \(text has at most 1%\); not a text file$",
    "huge_line.txt": r"too large: 52,428,800 bytes > limits\.max_bytes",
    "million_lines.txt": r"too many lines: 1,000,001 > limits\.max_lines",
    "loop.txt": r"symlink loop",
    "dangling.txt": r"broken symlink",
    "outside.txt": r"symlink to a file outside the input folder; not followed",
    "escape": r"symlink to a folder outside the input folder; not followed",
    "fifo.txt": r"not a regular file",
    "locked.txt": r"^cannot read: Permission denied$",
    "caf\\xe9.txt": r"file name is not valid UTF-8",
}


def build_corpus(root: Path) -> None:
    """Writes every bad input of the module docstring under `root` (and a secret outside it)."""
    for name, (raw, _) in {**DECODED, **CJK}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(raw)
    (root / "invalid_utf8.txt").write_bytes(b"Caf\xc3 is \xff\xfe broken, " + ARTICLE.encode())
    for name, raw in FAILING.items():
        if raw is not None:
            (root / name).write_bytes(raw)
    with open(root / "huge_line.txt", "wb") as fh:  # sparse: costs no disk and no time, stat says 50 MB
        fh.truncate(50 * 1024 * 1024)
    (root / "loop.txt").symlink_to("loop.txt")
    (root / "dangling.txt").symlink_to("nowhere.txt")
    secret = root.parent / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text("SECRET " + ARTICLE, encoding="utf-8")
    (root / "outside.txt").symlink_to(secret / "secret.txt")
    (root / "escape").symlink_to(secret, target_is_directory=True)
    (root / "alias.txt").symlink_to("cp1252.txt")  # inside the input folder: followed
    os.mkfifo(root / "fifo.txt")  # opening it would block forever
    (root / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "locked.txt").chmod(0)
    (root / os.fsdecode(b"caf\xe9.txt")).write_text(ARTICLE, encoding="utf-8")


def unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 does not stop root (tests often run as root): make reading locked.txt fail like it would."""
    if os.geteuid() != 0:
        return
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, dict[str, Any]]:
    """The corpus run once through the CLI in-process (one worker, so the read patch applies): (archive, result, run.jsonl)."""
    base = tmp_path_factory.mktemp("corpus")
    root = base / "in"
    root.mkdir()
    build_corpus(root)
    out = root / "archive"  # the output folder inside the input folder
    config = base / "config.yaml"  # the corpus repeats one article: the repetition pass would remove it all
    config.write_text("classify:\n  repetition:\n    enabled: false\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as monkeypatch:
        unreadable(monkeypatch)
        result = CliRunner().invoke(cli, ["run", str(root), "-o", str(out), "-w", "1", "-c", str(config)])
    assert time.monotonic() - started < 20
    return out, result, json.loads((out / "run.jsonl").read_text(encoding="utf-8"))


def archived(out: Path) -> dict[str, dict[str, Any]]:
    """Input path -> article, for every article listed in index.jsonl."""
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    return {row["path"]: json.loads((out / row["archive_path"]).read_text(encoding="utf-8")) for row in rows}


def test_corpus_ends_archived_or_failed_with_documented_exit_code(corpus_run: tuple[Path, Any, dict[str, Any]]) -> None:
    out, result, report = corpus_run
    assert result.exit_code == 1, result.output  # 1: some inputs failed; 0 only when all are archived
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    articles = archived(out)
    failed = {f["path"]: f["reason"] for f in report["failed"]}
    expected_archived = {*DECODED, *CJK, "invalid_utf8.txt", "alias.txt"}
    assert set(articles) == expected_archived
    assert set(failed) == set(FAILED)
    assert report["inputs"] == report["archived"] + len(failed) == len(expected_archived) + len(FAILED)
    for name, pattern in FAILED.items():
        assert re.search(pattern, failed[name]), (name, failed[name])
        assert f"Error: {name if name.isprintable() else ascii(name)}: {failed[name]}" in result.output


def test_every_archive_file_of_the_corpus_is_valid(corpus_run: tuple[Path, Any, dict[str, Any]]) -> None:
    """Every article file the messy corpus produced (all `*.json` under the archive) validates against the schema."""
    validator = Draft202012Validator(article_schema(), format_checker=FormatChecker())
    paths = sorted(corpus_run[0].rglob("*.json"))
    assert len(paths) == len(archived(corpus_run[0])) == len({*DECODED, *CJK}) + 2
    for path in paths:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == [], path


@pytest.mark.parametrize("name", sorted(DECODED))
def test_legacy_encodings_and_mojibake_come_out_as_the_right_text(corpus_run: tuple[Path, Any, dict[str, Any]], name: str) -> None:
    art = archived(corpus_run[0])[name]
    assert art["text"] == DECODED[name][1].strip()


@pytest.mark.parametrize("name", sorted(CJK))
def test_cjk_encodings_come_out_as_the_right_text(corpus_run: tuple[Path, Any, dict[str, Any]], name: str) -> None:
    art = archived(corpus_run[0])[name]
    assert art["text"] == CJK[name][1]
    assert art["source"]["encoding"] in {"shift_jis": {"shift_jis", "cp932"}, "gb2312": {"gb2312", "gbk", "gb18030"}}[name[:-4]]


@pytest.mark.parametrize("raw", [
    codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le") + b".",  # cut in the middle of a UTF-16 code unit
    codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be")[:-1],
    codecs.BOM_UTF8 + ARTICLE.encode()[:50] + b"\xff" + ARTICLE.encode()[50:],  # one stray byte
], ids=["utf16le-cut", "utf16be-cut", "utf8-bom-stray-byte"])
def test_a_damaged_file_with_a_bom_keeps_its_text(raw: bytes) -> None:
    """Found by bench/fuzz.py: these used to be refused outright with a codec error."""
    art = clean_bytes(raw, "damaged.txt", Context(load_config(None)))
    assert art["text"].replace("\ufffd", "").split() == ARTICLE.split()


def test_nothing_is_read_or_written_outside(corpus_run: tuple[Path, Any, dict[str, Any]]) -> None:
    out = corpus_run[0]
    base = out.parent.parent
    assert sorted(p.name for p in base.iterdir()) == ["config.yaml", "in", "secret"]
    assert sorted(p.name for p in (base / "secret").iterdir()) == ["secret.txt"]
    assert b"SECRET" not in b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())  # the state is a database
    assert not [p for p in out.rglob("*") if "archive" in p.relative_to(out).parts]  # the archive was not read back


def test_output_inside_input_is_not_read_back(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    config = build_config({"include": ["**/*"]})  # would pick up run.jsonl, index.jsonl and the articles
    for _ in range(2):
        report = run(root, root / "out", config, workers=1, force=True)
        assert (report.archived, report.failed) == (1, [])


def test_a_clean_corpus_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "-o", str(tmp_path / "out"), "-w", "1"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "message"), [
    (["missing"], "input folder not found"),
    ([".", "-o", "."], "the output folder is the input folder"),
])
def test_usage_errors_exit_two_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


# --- almost right: stray NULs, UTF-16 without a BOM, pages nested deeper than the HTML parser goes ---------

def with_nuls(text: str, count: int) -> bytes:
    """UTF-8 bytes of `text` with `count` NUL bytes spread through it, as database dumps leave them."""
    raw = text.encode()
    step = len(raw) // (count + 1)
    return b"\x00".join(raw[i * step:(i + 1) * step] for i in range(count)) + b"\x00" + raw[count * step:]


def nested(depth: int) -> bytes:
    """An HTML page whose article paragraphs sit `depth` <div>s deep (page builders nest hundreds)."""
    body = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n"))
    return f"<html><body>{'<div class=wrap>' * depth}{body}{'</div>' * depth}</body></html>".encode()


@pytest.mark.parametrize(("name", "raw"), [
    ("nul3.txt", with_nuls(ARTICLE, 3)),
    ("utf16le_nobom.txt", ARTICLE.encode("utf-16-le")),
    ("utf16be_nobom.txt", ARTICLE.encode("utf-16-be")),
    ("utf32le_nobom.txt", ARTICLE.encode("utf-32-le")),
    ("deep.html", nested(3000)),
    ("deep_300.html", nested(300)),
])
def test_an_almost_right_input_is_archived_with_its_text(name: str, raw: bytes) -> None:
    art = clean_bytes(raw, name, Context(build_config({"classify": {"repetition": {"enabled": False}}})))
    assert art["text"] == ARTICLE.strip()
    assert art["source"]["nul_bytes"] == (3 if name == "nul3.txt" else 0)


def test_a_deep_page_stopped_by_a_limit_names_it() -> None:
    """Flattening is bounded by the document's limits; the reason is the limit, never 'blank'."""
    ctx = Context(build_config({"limits": {"max_seconds": 0.05}}))
    with pytest.raises(InputError, match=r"took longer than limits\.max_seconds \(0\.05 s\).*raise the limit"):
        clean_bytes(nested(100_000), "deeper.html", ctx)


def zipped() -> bytes:
    """A real ZIP archive holding a text file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", ARTICLE)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "raw", "kind"), [
    ("image.txt", PNG, "a PNG image"),
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
    ("bundle.txt", zipped(), "a ZIP archive"),
    ("article.txt", gzip.compress(ARTICLE.encode()), "gzip data"),
    ("python.txt", Path(sys.executable).resolve().read_bytes()[:65536], "an ELF executable"),
    ("noise.txt", random.Random(1).randbytes(4096), ""),
    ("nul.txt", b"some text\x00\x00\x00 and NUL bytes", ""),
    ("broken.txt", with_nuls(ARTICLE, 3).replace(b"the", b"\xff\xfe\x81"), ""),
], ids=["png", "pdf", "zip", "gzip", "elf", "random", "mostly-nul", "nul-and-undecodable"])
def test_a_binary_input_is_refused_with_its_kind(name: str, raw: bytes, kind: str) -> None:
    with pytest.raises(BinaryInputError) as caught:
        clean_bytes(raw, name, Context(load_config(None)))
    assert (caught.value.path, caught.value.kind) == (name, kind)
    assert re.match(rf"binary content: {re.escape(kind) if kind else '.*'}; not a text file", caught.value.reason)


# --- limits -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "limits", "reason"), [
    (b"x" * 101, {"max_bytes": 100}, r"too large: 101 bytes > limits\.max_bytes \(100\)"),
    (b"a\n" * 10, {"max_lines": 10}, r"too many lines: 11 > limits\.max_lines \(10\)"),
    (b"a\r" * 10, {"max_lines": 10}, r"too many lines: 11"),
])
def test_limits_fail_the_document(raw: bytes, limits: dict[str, int], reason: str) -> None:
    ctx = Context(build_config({"limits": limits}))
    with pytest.raises(InputError, match=reason):
        clean_bytes(raw, "doc.txt", ctx)


def test_line_count_is_right_for_utf16() -> None:
    assert line_count(codecs.BOM_UTF16_LE + "a\nb\nc".encode("utf-16-le")) == 3


@pytest.mark.parametrize("raw", [b"", b"a", b"a\n", b"a\r\nb\r\n", b"a\rb\rc", b"\r\r\n\n\n", b"\n\r" * 7, bytearray(b"x\ny")])
def test_line_count_is_its_definition(raw: bytes) -> None:
    """The numpy count gives max(LF count, CR count) + 1, as bytes.count does."""
    assert line_count(raw) == max(raw.count(b"\n"), raw.count(b"\r")) + 1


def test_deadline_stops_a_hang_and_restores_the_timer() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"took longer than limits\.max_seconds \(0\.05 s\)"):
        with deadline(0.05, "slow.txt"):
            while True:
                pass
    assert time.monotonic() - started < 2
    with deadline(0.05, "fast.txt"):
        pass
    time.sleep(0.1)  # the timer was cancelled: nothing fires after the block


def test_deadline_fires_again_when_its_first_error_is_swallowed() -> None:
    """An alarm raised inside a gc callback or __del__ is only printed; the deadline must still stop the block."""
    started = time.monotonic()
    with pytest.raises(InputError, match=r"took longer than limits\.max_seconds"):
        with deadline(0.05, "slow.txt"):
            try:
                while True:
                    pass
            except InputError:
                pass  # lost, as Python loses an exception raised in a gc callback
            while time.monotonic() - started < 5:
                pass
    assert time.monotonic() - started < 2


def test_a_paused_deadline_lets_a_set_up_run_and_then_goes_on() -> None:
    """A first-use set-up (the line model compiled) longer than the deadline does not fail the document; the time
    left runs out after it, and a paused block outside any deadline arms no timer."""
    started, set_up = time.monotonic(), []
    with pytest.raises(InputError, match=r"took longer than limits\.max_seconds \(0\.1 s\)"):
        with deadline(0.1, "first.txt"):
            with deadline_paused():
                time.sleep(0.3)
            set_up.append(time.monotonic() - started)
            while time.monotonic() - started < 5:
                pass
    assert set_up and set_up[0] >= 0.3 and time.monotonic() - started < 2
    with deadline_paused():
        pass
    time.sleep(0.15)  # no timer was armed by it


EVIL = {"classify": {"categories": {"ad": {"rules": [{"name": "evil", "kind": "pattern", "pattern": r"^(a|aa)+$"}]}}}}


def test_backtracking_user_pattern_fails_its_document_not_the_run(tmp_path: Path) -> None:
    (tmp_path / "evil.txt").write_text("a" * 60 + "b\n\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "fine.txt").write_text(ARTICLE, encoding="utf-8")
    config = build_config({**EVIL, "limits": {"pattern_seconds": 0.05}})
    started = time.monotonic()
    report = run(tmp_path, tmp_path / "out", config, workers=1)
    assert time.monotonic() - started < 10
    assert report.archived == 1
    assert [f["path"] for f in report.failed] == ["evil.txt"]
    assert "pattern rule 'evil' took over 0.05 s on one line" in report.failed[0]["reason"]


def test_max_seconds_also_stops_a_backtracking_pattern() -> None:
    ctx = Context(build_config({**EVIL, "limits": {"pattern_seconds": 60, "max_seconds": 0.2}}))
    with pytest.raises(InputError, match=r"max_seconds \(0\.2 s\)") as caught:
        clean_bytes(("a" * 60 + "b\n\n" + ARTICLE).encode(), "evil.txt", ctx)
    assert caught.value.path == "evil.txt"


def test_builtin_rules_keep_the_standard_engine_and_user_rules_get_a_timeout() -> None:
    config = build_config({**EVIL, "limits": {"pattern_seconds": 0.25}})
    rules = {r.name: r for r in config.classify.categories["ad"].rules}
    assert rules.pop("evil")._timeout == 0.25
    assert rules and all(r.builtin for c in config.classify.categories.values() for r in c.rules if r.name != "evil")


# Lines meant to hit the catalogue, several with non-ASCII letters where `re` and `regex` could differ (\w, \b, case).
SAMPLES = ["Photo: Jürgen Groß / Reuters", "3 Kommentare", "Lesen Sie auch: Straße", "Follow us on Twitter", "© 2024 Zeitung GmbH",
           "Читайте также: новости", "• Ünïcødé teaser line", "12:30 / 14.05.2024", "Tags: café, naïve", "Älteste › Welt › Europa",
           "Café, weiter…", "5 min read", "Lesezeit 4 Minuten", "Share Facebook Twitter Email", "2 hours ago", "Page 2 of 3",
           "Best regards, the editors", "Last updated: Mär 3", "More stories by Zoë Ärnst", "Subscribe to continue reading",
           "Jürgen Groß is an award-winning journalist", "Ça va. Été! Noël. Öl. Ja.", "1.2K views", "—•—", "Image 3 of 12",
           "Your email address will not be published", "We use cookies", "Sign up for our daily newsletter", "Adblock erkannt",
           "Our journalism is supported by readers", "Enter your email", "This article originally appeared on Ünï.com",
           "Ваш адрес email не будет опубликован", "Über uns | Impressum | Datenschutzerklärung", "Öffnen ÄÖÜ straße ß ẞ"]


@pytest.mark.parametrize("pattern", sorted({r["pattern"] for c in builtin_catalogue().values() for r in c.get("rules", []) if r.get("pattern")}))
def test_a_catalogue_pattern_behaves_the_same_as_a_user_pattern(pattern: str) -> None:
    """User patterns run on `regex`; a user copying a built-in pattern must see the same matches."""
    ours, theirs = re.compile(pattern, re.IGNORECASE), regex.compile(pattern, regex.IGNORECASE)
    lines = SAMPLES + [line for s in SAMPLES for line in (s.lower(), s.upper())]
    assert [bool(ours.search(s)) for s in lines] == [bool(theirs.search(s)) for s in lines]


@pytest.mark.parametrize(("data", "location", "message"), [
    ({"classify": {"categories": {"ad": {"rules": [{"name": "x", "kind": "pattern", "pattern": "(unclosed"}]}}}},
     "classify -> categories -> ad -> rules -> 0 -> pattern", "pattern does not compile"),
    ({"classify": {"categories": {"ad": {"rules": [{"name": "x", "kind": "pattern", "pattern": "a|"}]}}}},
     "classify -> categories -> ad -> rules -> 0 -> pattern", "matches the empty string"),
    ({"classify": {"categories": {"ad": {"rules": [{"name": "x", "kind": "pattern", "pattern": r"\p{Lu}+(?|a)"}]}}}},
     "classify -> categories -> ad -> rules -> 0 -> pattern", "pattern does not compile"),
    ({"limits": {"max_bytes": 0}}, "limits -> max_bytes", "greater than or equal to 1"),
    ({"limits": {"max_seconds": 0}}, "limits -> max_seconds", "greater than 0"),
    ({"limits": {"max_size": 10}}, "limits -> max_size", "valid keys here: max_bytes, max_export_bytes, max_lines, max_seconds, pattern_seconds"),
])
def test_bad_patterns_and_limits_are_config_errors_with_location(data: dict[str, Any], location: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_config(data)
    assert [(loc, msg) for loc, msg in caught.value.problems if loc == location and message in msg], caught.value.problems


def test_clean_command_applies_the_limits_too(tmp_path: Path) -> None:
    (tmp_path / "many.txt").write_text("x\n" * 20, encoding="utf-8")
    (tmp_path / "limits.yaml").write_text("limits:\n  max_lines: 10\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(tmp_path / "many.txt"), "-c", str(tmp_path / "limits.yaml")])
    assert result.exit_code == 1 and "Error: many.txt: too many lines: 21 > limits.max_lines (10)" in result.output
