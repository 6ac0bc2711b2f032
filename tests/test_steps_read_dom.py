"""The HTML reader: text blocks with their DOM context from one iterative walk, the page's headline, and the HTML
line model's use of the DOM (a comment thread is removed, a headline is the title, not navigation)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.config import load_config
from pipeline.document import DOM_KINDS, DOM_TAGS
from pipeline.steps.classify.line_model.dom_rows import DOM_FEATURES, DOM_STACK_FEATURES, dom_groups, dom_rows, dom_stack_rows
from pipeline.steps.classify.line_model.rows import FEATURES, STACK_FEATURES
from pipeline.steps.flow import LINE_STEPS, Context, clean_bytes, document, run_steps
from pipeline.steps.read import dom
from pipeline.steps.read.inputs import records

CTX = Context(load_config(None))
PROSE = [
    "The ministers met for three hours on Tuesday and agreed to resume the talks in the spring, after a year in which "
    "neither side had been willing to sit at the same table.",
    "Diplomats from both delegations said the atmosphere had been calmer than expected, and that the draft agreement "
    "now covers the water rights that had stalled earlier rounds.",
    "A second meeting is planned for March, when the technical teams are due to present their maps of the border region "
    "and a timetable for the withdrawal of troops.",
]


def kinds(block: dom.DomBlock) -> set[str]:
    """The DOM_KINDS named by a block's element and ancestors."""
    return {k for i, k in enumerate(DOM_KINDS) if block.mask >> i & 1}


def blocks(html: str) -> list[dom.DomBlock]:
    """The blocks of a page."""
    return dom.walk(dom.parse(html)).blocks


@pytest.mark.parametrize("html, texts", [
    ("<p>one <b>two</b> three</p><p>four</p>", ["one two three", "four"]),
    ("<div>lead<p>para</p>tail</div>", ["lead", "para", "tail"]),
    ("<p>a<br>b</p>", ["a", "b"]),
    ("<div>x<!-- hidden note -->y<script>var z = '<p>no</p>';</script>w</div>", ["xyw"]),
    ("<ul><li>first</li><li>second</li></ul><select><option>Menu</option></select>", ["first", "second"]),
    ("<p>  spaced\n\t out  </p>", ["spaced out"]),
    # What follows </html> is shown by a browser (libxml2 alone drops it).
    ("<html><body><p>a</p></body></html><div><p>b</p></div>", ["a", "b"]),
    # A control's label is no text, but a stray <button> left open holds the page's paragraphs.
    ("<button>Menu</button><p>x</p>", ["x"]),
    ("<div><button><div>Menu</button><p>story</p></div><p>more</p>", ["Menu", "story", "more"]),
])
def test_blocks_in_order(html: str, texts: list[str]) -> None:
    assert [b.text for b in blocks(html)] == texts


def test_context_of_a_block() -> None:
    page = ('<body class="single-post sidebar"><nav class="site-nav"><ul><li><a href="/">Home</a></li></ul></nav>'
            '<article><h2 class="entry-title">Headline</h2><p>Read <a href="/x">this link</a> now</p>'
            '<table><tr><td>cell</td></tr></table></article>'
            '<div class="comments-area" style="display: none"><p>A comment</p></div><p hidden>gone</p></body>')
    home, headline, para, cell, comment, gone = blocks(page)
    assert (home.tag, kinds(home), home.link_chars) == ("li", {"nav"}, 4)  # the body's theme classes say nothing
    assert home.tags >> DOM_TAGS.index("nav") & 1 and home.tags >> DOM_TAGS.index("li") & 1
    assert (headline.heading, "title" in kinds(headline)) == (2, True)
    assert (para.link_chars, len(para.text)) == (9, len("Read this link now"))
    assert cell.tags >> DOM_TAGS.index("table") & 1 and not cell.hidden
    assert comment.hidden and "comment" in kinds(comment)
    assert gone.hidden


def test_deep_nesting_keeps_its_text() -> None:
    # libxml2 stops at 2048 levels even with huge_tree and drops the rest of the page; the walk has no recursion.
    html = "<p>before</p>" + "<div>" * 3000 + "deep text" + "</div>" * 3000 + "<p>after</p>"
    assert [b.text for b in blocks(html)] == ["before", "deep text", "after"]


def test_lines_map_to_blocks() -> None:
    page = dom.walk(dom.parse("<div><p>a</p><p>b</p></div><ul><li>c</li></ul>"))
    assert dom.text(page).split("\n") == ["a", "b", "", "c"]
    assert page.line_block == [0, 1, -1, 2]


def _page(head: str, body: str) -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_title_and_h1_agree() -> None:
    body = ('<div class="menu"><a href="/">Home</a> <a href="/world">World</a></div>'
            '<h1>Talks in Geneva</h1>' + "".join(f"<p>{p}</p>" for p in PROSE))
    art = clean_bytes(_page("<title>Talks in Geneva</title>", body), "talks.html", CTX)
    assert art["title"] == "Talks in Geneva"
    assert art["metadata_source"]["title"]["rule"] == "html.h1"
    headline = [r for r in art["removed"] if r["text"] == "Talks in Geneva"]
    assert [(r["category"], r["rule"]) for r in headline] == [("title", "header.html_headline")]
    assert art["text"].startswith(PROSE[0])


def test_title_with_site_suffix_takes_the_agreeing_heading() -> None:
    head = '<title>Talks in Geneva resume | The Daily Bugle</title><meta property="og:title" content="Talks in Geneva resume - Bugle">'
    body = "<h1>The Daily Bugle</h1><article><h1>Talks in Geneva resume</h1>" + "".join(f"<p>{p}</p>" for p in PROSE) + "</article>"
    assert clean_bytes(_page(head, body), "talks.html", CTX)["title"] == "Talks in Geneva resume"


def test_comment_thread_is_removed() -> None:
    comments = "".join(
        f'<li class="comment"><div class="comment-author">reader{i}</div><div class="comment-content"><p>{text}</p></div></li>'
        for i, text in enumerate([
            "I have been following these talks for years and I think this time the ministers are finally serious about it.",
            "Nobody in my town believes a word of this, we have heard the same promises every spring since the war ended.",
            "The water rights question is the only one that matters, and the article explains it better than anyone else.",
        ]))
    body = ("<article><h1>Talks in Geneva</h1>" + "".join(f"<p>{p}</p>" for p in PROSE) + "</article>"
            f'<section id="comments" class="comments-area"><h2>3 comments</h2><ol class="comment-list">{comments}</ol></section>')
    art = clean_bytes(_page("<title>Talks in Geneva</title>", body), "talks.html", CTX)
    assert art["text"].split("\n\n") == PROSE


def test_html_in_a_record_takes_the_same_path() -> None:
    html = "<h1>Talks in Geneva</h1>" + "".join(f"<p>{p}</p>" for p in PROSE)
    [record] = records("feed.jsonl", json.dumps({"title": "Talks in Geneva", "text": html}).encode(), CTX.config)
    assert record.dom is not None and [b.text for b in record.dom.blocks] == ["Talks in Geneva", *PROSE]
    doc = run_steps(document(record, "feed.jsonl"), CTX, LINE_STEPS)
    assert [u.text for u in doc.units] == ["Talks in Geneva", *PROSE]


def test_text_inputs_have_no_dom() -> None:
    [record] = records("a.txt", "\n\n".join(PROSE).encode(), CTX.config)
    assert record.dom is None


def test_html_model_stages_match_the_dom_features() -> None:
    """The packaged HTML model reads the text features, then the DOM ones; a second stage adds the neighbours'
    probabilities and the DOM groups'."""
    model = CTX.html_model
    assert model is not None
    assert model.boosters[0].num_feature() == len(FEATURES) + len(DOM_FEATURES)
    if len(model.boosters) > 1:
        assert model.boosters[1].num_feature() == len(STACK_FEATURES) + len(DOM_FEATURES) + len(DOM_STACK_FEATURES)


def _stacked(html: str, probs: list[float]) -> dict[str, list[float]]:
    """DOM second-stage features of every block of a page, each block one unit of the given first-stage p."""
    page = dom.walk(dom.parse(html))
    which = list(range(len(page.blocks)))
    base = np.hstack([np.zeros((len(which), len(FEATURES))), dom_rows(page, which)])
    base[:, FEATURES.index("log_chars")] = np.log1p([len(b.text) for b in page.blocks])
    rows = dom_stack_rows(dom_groups(page, which), base, np.asarray(probs))
    return {name: rows[:, i].round(3).tolist() for i, name in enumerate(DOM_STACK_FEATURES)}


@pytest.mark.parametrize(("html", "probs", "name", "expected"), [
    # Siblings of one container share its mean probability (weighted by the square root of their length + 1).
    ("<div><p>aaa</p><p>aaa</p></div><div><p>b</p></div>", [0.9, 0.3, 0.2], "box_p", [0.6, 0.6, 0.2]),
    ("<div><p>aaa</p><p>aaa</p></div><div><p>b</p></div>", [0.9, 0.3, 0.2], "box_kept", [0.5, 0.5, 0.0]),
    # Items of the same tag, classes and depth are one signature wherever they sit: a comment list's items.
    ('<ul><li class="comment">x</li></ul><p>y</p><ul><li class="comment">z</li></ul>', [0.8, 0.9, 0.2], "sig_p", [0.5, 0.9, 0.5]),
    ('<ul><li class="comment">x</li></ul><p>y</p><ul><li class="comment">z</li></ul>', [0.8, 0.9, 0.2], "sig_units",
     [1.099, 0.693, 1.099]),
])
def test_dom_stack_rows(html: str, probs: list[float], name: str, expected: list[float]) -> None:
    assert _stacked(html, probs)[name] == pytest.approx(expected)
