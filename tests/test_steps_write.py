"""Step `write`: the article's text as plain lines or as Markdown (write.text_format, --text-format)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import build_config
from pipeline.document import Unit
from pipeline.errors import ConfigError
from pipeline.steps.flow import LINE_STEPS, Context, clean_bytes, document, run_steps
from pipeline.steps.read.inputs import records
from pipeline.steps.write import markdown, markdown_text, table_rows

# (label, kind, text) -> the paragraph in Markdown
CASES = [
    (("heading", "heading", "What the council decided"), "## What the council decided"),
    (("body", "list_item", "• New benches along the river"), "- New benches along the river"),
    (("body", "list_item", "- Fewer cars in the square"), "- Fewer cars in the square"),
    (("body", "list_item", "2) A second bus line"), "2) A second bus line"),
    (("body", "quote", "> We waited years for this"), "> We waited years for this"),
    (("body", "paragraph", "The works cost more than planned."), "The works cost more than planned."),
    (("body", "paragraph", "# 1 on the list of the city's projects"), "\\# 1 on the list of the city's projects"),
    (("body", "paragraph", "+ 3 degrees by noon, said the forecast"), "\\+ 3 degrees by noon, said the forecast"),
    (("body", "paragraph", "#MeToo came up at the meeting too."), "#MeToo came up at the meeting too."),
    (("body", "paragraph", "***"), "\\***"),
]


@pytest.mark.parametrize(("unit", "expected"), CASES, ids=[c[1][:24] for c in CASES])
def test_a_kept_paragraph_in_markdown(unit: tuple[str, str, str], expected: str) -> None:
    label, kind, text = unit
    assert markdown(Unit(line=1, text=text, block=0, label=label, kind=kind)) == expected


PAGE = ("<html><body><h1>Square reopens after two years</h1>"
        "<p>Café owners in the old town say the renovation brought back visitors who had stayed away for years, and "
        "the mayor's office expects the square to be busy again by the summer season.</p>"
        "<h2>What residents asked for</h2>"
        "<p>Residents welcomed the reopening but asked the council for a few more things at the meeting on Tuesday:</p>"
        "<ul><li>fewer cars in the old town during the market days</li><li>more benches along the river and in the square</li></ul>"
        "<p>The works cost more than planned because the façade of the market hall needed new foundations, according "
        "to the city's report, which was published on Tuesday after a long delay.</p></body></html>")


def test_markdown_marks_headings_and_list_items_and_keeps_the_paragraphs() -> None:
    """The same article in both formats: the same paragraphs and stats; the Markdown text marks their types."""
    config = {"classify": {"repetition": {"enabled": False}}}
    plain = clean_bytes(PAGE.encode(), "square.html", Context(build_config(config)))
    marked = clean_bytes(PAGE.encode(), "square.html", Context(build_config({**config, "write": {"text_format": "markdown"}})))
    assert marked["paragraphs"] == plain["paragraphs"] and marked["stats"] == plain["stats"]
    assert (plain["pipeline"]["text_format"], marked["pipeline"]["text_format"]) == ("plain", "markdown")
    kinds = {p["type"] for p in plain["paragraphs"]}
    assert {"heading", "list_item"} <= kinds
    assert marked["text"] == "\n\n".join(markdown(Unit(1, p["text"], 0, label=p["type"] if p["type"] == "heading" else "body",
                                                       kind=p["type"])) for p in plain["paragraphs"])
    assert "\n\n## What residents asked for\n\n" in marked["text"] and "\n\n- more benches" in marked["text"]
    assert "#" not in plain["text"]


def test_text_format_is_validated() -> None:
    with pytest.raises(ConfigError) as caught:
        build_config({"write": {"text_format": "html"}})
    assert [loc for loc, msg in caught.value.problems if "plain" in msg and "markdown" in msg] == ["write -> text_format"]


def test_cli_text_format_flag(tmp_path: Path) -> None:
    """--text-format overrides the config; an unknown value is a usage error (exit 2)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "square.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in"), "-o", str(out), "-w", "1", "-q", "--text-format", "markdown"])
    assert result.exit_code == 0, result.output
    art = json.loads((out / "square.json").read_text(encoding="utf-8"))
    assert art["pipeline"]["text_format"] == "markdown" and "## What residents asked for" in art["text"]
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in"), "-o", str(out), "--text-format", "rst"])
    assert result.exit_code == 2 and "'rst' is not one of 'plain', 'markdown'" in result.output


REPORT = """# Rents rise again in the cities

Rents in the largest cities rose again last year, according to the statistics office, which published its yearly
figures on Tuesday after a long delay.

The office compared the average monthly rent of a three-room flat in the five largest cities with the year before:

| City | Rent (CHF) | Change |
|---|---:|---:|
| Zurich | 2,410 | +4.1% |
| Geneva \\| Genf | 2,280 | +3.2% |
| Basel | 1,820 | +2.5% |

The government said it would present its answer to the parliament in the spring session, the office added.
"""
ROWS = ["| City | Rent (CHF) | Change |", "| Zurich | 2,410 | +4.1% |", "| Geneva \\| Genf | 2,280 | +3.2% |",
        "| Basel | 1,820 | +2.5% |"]


@pytest.mark.parametrize("name", ["rents.md", "rents.txt"])
def test_a_table_is_rows_in_plain_text_and_a_table_in_markdown(name: str) -> None:
    """A Markdown table reaches the text as one row per line (`| a | b |`), each a paragraph; in Markdown the kept rows
    are one table again, the first its header. A text file holding such rows gets the same."""
    raw = (REPORT if name.endswith(".md") else REPORT.replace("|---|---:|---:|\n", "")).encode()
    config = {"classify": {"repetition": {"enabled": False}}}
    plain = clean_bytes(raw, name, Context(build_config(config)))
    marked = clean_bytes(raw, name, Context(build_config({**config, "write": {"text_format": "markdown"}})))
    assert [p["text"] for p in plain["paragraphs"] if p["text"].startswith("|")] == ROWS
    assert "\n\n" + "\n".join([ROWS[0], "| --- | --- | --- |", *ROWS[1:]]) + "\n\n" in marked["text"]


HTML_TABLES = """<html><body><article><h1>Rents rise again</h1>
<p>The office compared the average monthly rent of a flat in the largest cities with the year before:</p>
<table><tr><th>City</th><th>Rent</th></tr><tr><td>Zurich</td><td>2,410</td></tr><tr><td>Geneva | Genf</td><td>2,280</td></tr></table>
<p>The government said it would answer in the spring session.</p>
<table><tr><td>A page laid out with a table: one cell a row.</td></tr><tr><td>Its second row.</td></tr></table>
</article></body></html>"""


def test_html_cells_are_a_table_in_markdown() -> None:
    """The kept cells of an HTML table are its rows in Markdown, the first the header; one-cell rows stay paragraphs."""
    ctx = Context(build_config({"write": {"text_format": "markdown"}}))
    (record,) = records("tables.html", HTML_TABLES.encode(), ctx.config)
    doc = run_steps(document(record, "tables.html"), ctx, LINE_STEPS)
    text = markdown_text(table_rows(doc.units, doc.dom))
    assert "\n\n| City | Rent |\n| --- | --- |\n| Zurich | 2,410 |\n| Geneva \\| Genf | 2,280 |\n\n" in text
    assert "\n\nA page laid out with a table: one cell a row.\n\nIts second row." in text
    assert table_rows(doc.units, None) == doc.units
