"""Metadata from plain text: bylines -> author lists, datelines -> ISO dates, headlines found and cleaned."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import Config, MetadataConfig
from pipeline.steps.metadata.dates import parse_date, published_date
from pipeline.document import Document
from pipeline.steps.metadata.fields import byline_authors, clean_title, name_line_authors, title_variants
from pipeline.steps.flow import Context, process

BYLINES = [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("by Jane Doe | May 1, 2022", ["Jane Doe"]),
    ("By Jane Doe, Staff Writer", ["Jane Doe"]),
    ("Written by: Elise Nass", ["Elise Nass"]),
    ("Written by Maya Perez", ["Maya Perez"]),
    ("Von Hans Müller und Eva Schmidt", ["Hans Müller", "Eva Schmidt"]),
    ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
    ("Por Ana García y Luis Pérez", ["Ana García", "Luis Pérez"]),
    ("Autor: Jan Kowalski", ["Jan Kowalski"]),
    ("Door Pieter de Vries", ["Pieter de Vries"]),
    ("By Craig Randall, Alli Miles, Eszter Horanyi on March 12, 2026 | Comments", ["Craig Randall", "Alli Miles", "Eszter Horanyi"]),
    ("By Anthony Smith January 4, 2026 Updated: January 8, 2026", ["Anthony Smith"]),
    ("By Matthew Richardson ⋅ Review Editor ⋅ Updated November 18, 2025", ["Matthew Richardson"]),
    ("Published: Mar 8, 2024 · Modified: May 19, 2025 by Jessica Robinson · This post may contain affiliate links", ["Jessica Robinson"]),
    ("by time news", ["time news"]),
    ("By Our Editors", ["Our Editors"]),
    ("Written by: Colin Gray Colin Gray", ["Colin Gray"]),
    ("By Jane Doe, MD and John Roe", ["Jane Doe, MD", "John Roe"]),
    ("by Jacob Trussell —", ["Jacob Trussell"]),
    ("Medically reviewed by Ann Poe, RN — Written by Jane Doe — Updated on March 7, 2025", ["Jane Doe"]),
    ("by Jane Doe ● December 23, 2025 ● 6 min read", ["Jane Doe"]),
    ("May 18, 2023 By Jane Doe In", ["Jane Doe"]),
    ("12 · by Jane Doe · Updated on 8 January 2026", ["Jane Doe"]),
    ("May 21, 2025 April 24, 2025 by The Coffee Desk", ["The Coffee Desk"]),
    ("Written By: Jane Doe Executive Digital Editor", ["Jane Doe"]),
    ("Interview by Jane Doe", ["Jane Doe"]),
    ("By Jane Doe*", ["Jane Doe"]),
    ("Written by Jane Doe, Ph.D.", ["Jane Doe, Ph.D."]),
    ("Written By Anna and Peter", ["Anna", "Peter"]),
]
NOT_BYLINES = [
    "Photo: Jane Doe",
    "Jane Doe said the plan was sound.",
    "Stand by me",
    "Share this article",
    "By Category",
    "Browse by industry",
    "Author’s Profile",
    "Author names",
    "Door Locks",
    "By continuing on our website, you agree to our use of cookies",
    "Reviewed by Jane Doe",
    "By Recent Posts",
    "by intro ⟨h",
    "By the Numbers",
]
NAME_LINES = [
    ("Faith Katunga • Oct 20, 2025", ["Faith Katunga"]),
    ("Mike Marshall, Shipping Expert", ["Mike Marshall"]),
    ("Vanessa Mendez, MD", ["Vanessa Mendez, MD"]),
    ("Tom Talbot October 14, 2025", ["Tom Talbot"]),
    ("Jane Doe | Reporter", ["Jane Doe"]),
    ("Jane Doe, Staff Writer", ["Jane Doe"]),
    ("Jane Doe Updated May 1, 2022", ["Jane Doe"]),
    ("Jane Doe Founder & Lead Reviewer", ["Jane Doe"]),
]
NOT_NAME_LINES = ["Key Takeaways", "Table of Contents", "Share this article", "Read More", "Home", "— Jane Doe (@jane) May 1, 2022"]

DATELINES = [
    ("Saturday, January 1, 2022", "MDY", "2022-01-01"),
    ("1. Januar 2022", "MDY", "2022-01-01"),
    ("Publié le 3 février 2021", "MDY", "2021-02-03"),
    ("Nov 08, 2025 7 min read", "MDY", "2025-11-08"),
    ("Dec. 3rd, 2021 | 3 min", "MDY", "2021-12-03"),
    ("Susan December 9, 2024 0 Comments", "MDY", "2024-12-09"),
    ("01/02/2022", "MDY", "2022-01-02"),
    ("01/02/2022", "DMY", "2022-02-01"),
    ("2025/4/29", "MDY", "2025-04-29"),
    ("Published: Mar 8, 2024 · Modified: May 19, 2025", "MDY", "2024-03-08"),
    ("Updated May 19, 2025 | Published Mar 8, 2024", "MDY", "2024-03-08"),
    ("May 21, 2025 April 24, 2025", "MDY", "2025-04-24"),
    ("2022-11-23T08:10+02:00", "MDY", "2022-11-23"),
    ("Posted on the 15/12/2025 at 19:00", "DMY", "2025-12-15"),
    # Inline elements rendered with no space between them: a name, then the date.
    ("Jane Doe3/4/2025", "MDY", "2025-03-04"),
    ("ByJane DoeMar 5, 2025 | 6 comments", "MDY", "2025-03-05"),
    ("April 26, 2024Updated on: October 28, 2024", "MDY", "2024-04-26"),
    # A published and an updated <time> glued: the earlier of the two, whichever comes first.
    ("May 21, 2025April 24, 2025 by Jane Doe", "MDY", "2025-04-24"),
    ("ByJane Doe July 30, 2019January 18, 2023 January 18, 2023", "MDY", "2019-07-30"),
    ("by Jane Doe August 25, 2025August 29, 2025", "MDY", "2025-08-25"),
    ("Posted on 3 May 2024June 1, 2024", "MDY", "2024-05-03"),
    # A stated time with an offset is read on the day written, not moved to UTC.
    ("Posted: 2025-03-04T23:30:00-05:00", "MDY", "2025-03-04"),
]
# Numbers shaped like dates that are none: a numeric date repeats its separator.
NOT_DATES = ["9.7/10", "Rating: 8.5/10 from 1,024 reviews", "1/2-2023", "Jane Doe3/4/25"]
TITLES = [
    ("Top 10 Nutrition Trends | Scratch Culinary", "Top 10 Nutrition Trends"),
    ("Why the Sky Is Blue - Science Daily", "Why the Sky Is Blue"),
    ("Why the Sky Is Blue — Science Daily", "Why the Sky Is Blue"),
    ("Headline With No Suffix", "Headline With No Suffix"),
]


@pytest.mark.parametrize(("line", "authors"), BYLINES)
def test_byline_authors(line: str, authors: list[str]) -> None:
    """Bylines in several forms and languages give their authors, without roles, dates or 'Updated'."""
    assert byline_authors(line) == authors


@pytest.mark.parametrize("line", NOT_BYLINES)
def test_not_a_byline(line: str) -> None:
    """Photo credits, quotes and phrases with 'by' name no author."""
    assert byline_authors(line) == []


@pytest.mark.parametrize(("line", "authors"), NAME_LINES)
def test_name_line_authors(line: str, authors: list[str]) -> None:
    """A line that is only a name, maybe with a date or a role after it."""
    assert name_line_authors(line) == authors


@pytest.mark.parametrize("line", NOT_NAME_LINES)
def test_not_a_name_line(line: str) -> None:
    """Menu items and section headings are not names."""
    assert name_line_authors(line) == []


@pytest.mark.parametrize(("line", "order", "iso"), DATELINES)
def test_published_date(line: str, order: str, iso: str) -> None:
    """Datelines in several formats and languages, numeric ones read in the configured order."""
    found, _ = published_date(line, MetadataConfig(date_order=order), ["de", "fr", "en"])
    assert found is not None and found.isoformat() == iso


@pytest.mark.parametrize("line", NOT_DATES)
def test_not_a_date(line: str) -> None:
    """Scores and ranges are no datelines."""
    assert published_date(line, MetadataConfig()) == (None, False)


def test_updated_only_is_flagged() -> None:
    """A line that only states an update gives that date, flagged as 'updated'."""
    assert published_date("Last updated: Sep 4, 2025", MetadataConfig()) == (date(2025, 9, 4), True)


def test_relative_dates_need_a_reference() -> None:
    """'3 hours ago' resolves only against `metadata.reference_date`."""
    assert parse_date("Published 3 hours ago", MetadataConfig()) is None
    assert parse_date("Published 2 days ago", MetadataConfig(reference_date=date(2022, 1, 10))) == date(2022, 1, 8)


@pytest.mark.parametrize("text", ["May 5 · yesterday", "5 May 3 hours ago", "today, May 5", "5 May · 2 weeks ago"])
def test_yearless_dates_beside_relative_words_do_not_take_this_year(text: str) -> None:
    """A relative word does not make a yearless date complete: without a reference date it would be this year's."""
    assert parse_date(text, MetadataConfig()) is None
    assert parse_date(text, MetadataConfig(reference_date=date(2019, 6, 1))).year == 2019


@pytest.mark.parametrize(("tag", "title"), TITLES)
def test_clean_title(tag: str, title: str) -> None:
    """A site-name suffix is stripped from a <title>-like line."""
    assert clean_title(tag) == title


def test_title_variants_keep_the_tag_spelling() -> None:
    """The headline forms a <title> holds, with the site name before or after it."""
    variants = title_variants("Site News | Why the Sky Is Blue | Section")
    assert variants["why the sky is blue"] == "Why the Sky Is Blue"
    assert "site news | why the sky is blue" in variants


PAGE = """Why the Sky Is Blue | Science Daily

Home
News
Science
About

Why the Sky Is Blue

By Jane Doe and John Roe

Updated June 3, 2022 | Published June 1, 2022

Sunlight reaches the atmosphere and is scattered in all directions by the gases and particles in the air, and blue light is scattered more than the other colours because it travels as shorter, smaller waves.

That is why we see a blue sky most of the time, and why the sky near the horizon looks paler than the sky straight above us on a clear afternoon.

Share this article
"""


def test_page_header_end_to_end() -> None:
    """Title, authors and date of a small page, each with the line and rule it came from, and removed from the body."""
    art = process(Document(path="page.txt", raw=PAGE.encode()), Context(Config()))
    assert (art["title"], art["authors"], art["published"]) == ("Why the Sky Is Blue", ["Jane Doe", "John Roe"], "2022-06-01")
    assert art["metadata_source"]["authors"] == {"line": 10, "rule": "header.byline"}
    assert art["metadata_source"]["published"]["line"] == 12
    removed = {r["text"]: r["category"] for r in art["removed"]}
    assert removed["By Jane Doe and John Roe"] == "byline"
    assert removed["Updated June 3, 2022 | Published June 1, 2022"] == "dateline"
    assert not art["text"].startswith("Why the Sky")


# Header datelines longer than MAX_DATELINE_WORDS words: their numbers are dates and times, or a list of sections
# follows a 'Posted on <date>'.
LONG_DATELINES = [
    ("Posted on June 1, 2022 June 9, 2022 in Science, Weather, Light, Physics, Atmosphere, Colour, Optics, Explainers, Nature",
     "2022-06-01"),
    ("Wed 1 Jun 2022 12.00 CET Last modified on Fri 3 Jun 2022 16.40 CET", "2022-06-01"),
]


@pytest.mark.parametrize(("line", "iso"), LONG_DATELINES)
def test_long_header_dateline(line: str, iso: str) -> None:
    """Such a line below the headline is its dateline, removed from the text."""
    page = PAGE.replace("Updated June 3, 2022 | Published June 1, 2022", line)
    art = process(Document(path="page.txt", raw=page.encode()), Context(Config()))
    assert art["published"] == iso and art["metadata_source"]["published"]["rule"] == "header.dateline"
    assert line not in art["text"]


# (<title>, lines above the body, title): a short headline before a longer site name in the <title> is the repeat of
# one of its parts nearest the body, even when the site's name also stands in the page's header or footer.
SHORT_HEADLINES = [
    ("Book Reviews – The Writing Center", ["The Writing Center", "Home", "Book Reviews"], "Book Reviews"),
    ("Climate Change | Economic Research Service", ["Home", "Topics", "Climate Change"], "Climate Change"),
    ("Learn More: Tutoring | The Partnership for Student Success", ["The Partnership for Student Success", "Learn More: Tutoring"],
     "Learn More: Tutoring"),
    # the longest part is the headline when it repeats nearest the body; a short first part above it is a section
    ("Science | Why the Sky Is Blue Today | Science Daily", ["Science", "Home", "Why the Sky Is Blue Today"], "Why the Sky Is Blue Today"),
    ("Book Reviews – The Writing Center", ["Book Reviews", "Home", "The Writing Center"], "The Writing Center"),
]


@pytest.mark.parametrize(("tag", "header", "title"), SHORT_HEADLINES)
def test_short_headline_before_a_long_site_name(tag: str, header: list[str], title: str) -> None:
    """The headline is the <title> part repeated nearest above the body, the site's name repeated in the footer or not."""
    body = PAGE.split("2022\n\n", 1)[1].split("\n\nShare")[0]
    page = "\n\n".join([tag, *header, body, tag.split(" | ")[-1].split(" – ")[-1], "Share this article"]) + "\n"
    art = process(Document(path="page.txt", raw=page.encode()), Context(Config()))
    assert art["title"] == title
    assert art["metadata_source"]["title"]["rule"] == "header.title_tag_repeat"


FAR_PAGE = """Why the Sky Is Blue | Science Daily

Home
News
Posted on June 1, 2022
Science
About
Contact
Shop
Events
Podcasts
Jobs

Why the Sky Is Blue

Sunlight reaches the atmosphere and is scattered in all directions by the gases and particles in the air, and blue light is scattered more than the other colours because it travels as shorter, smaller waves.

That is why we see a blue sky most of the time, and why the sky near the horizon looks paler than the sky straight above us on a clear afternoon.

Written by

Jane Doe

Share this article
"""


def test_date_and_byline_far_from_the_headline() -> None:
    """A 'Posted on' line anywhere on the page, and a name under a lone 'Written by', when the header block has neither."""
    art = process(Document(path="page.txt", raw=FAR_PAGE.encode()), Context(Config()))
    assert (art["authors"], art["published"]) == (["Jane Doe"], "2022-06-01")
    assert art["metadata_source"]["published"] == {"line": 5, "rule": "header.date_anywhere"}
    assert art["metadata_source"]["authors"] == {"line": 22, "rule": "header.byline_after_by"}


SIGNATURES = [("Jane Doe", True), ("Kev", True), ("janedoe", True), ("Staff", True), ("The Coffee Team", True),
              ("Back", False), ("Share", False), ("Table of contents", False), ("VP", False), ("Top Weight Loss Tips", False)]


@pytest.mark.parametrize(("line", "ok"), SIGNATURES)
def test_signature_beside_a_date(line: str, ok: bool) -> None:
    """A signature line right above the date under the headline is a byline; menu items and headings are not."""
    page = f"Why the Sky Is Blue | Science Daily\n\nHome\n\nWhy the Sky Is Blue\n\n{line}\n\nJune 1, 2022\n\n" + PAGE.split("2022\n\n", 1)[1]
    art = process(Document(path="page.txt", raw=page.encode()), Context(Config()))
    assert art["authors"] == ([line] if ok else [])
    assert art["published"] == "2022-06-01"


def test_foreign_by_word_far_from_the_headline() -> None:
    """'Door Lock Sets' in an English page's menu is a product category, not a Dutch byline ('door' = by)."""
    page = FAR_PAGE.replace("Written by\n\nJane Doe", "Door Lock Sets")
    art = process(Document(path="page.txt", raw=page.encode()), Context(Config()))
    assert art["authors"] == []


CONTAINER = """The city council has this morning approved the money for the new harbour wall after a long debate that ran late into the night and left everyone in the chamber tired

This frees the old budget for the school roof

The wall will be built by a local company over the next two years, and the work starts in the spring when the storms are over.

The mayor said the harbour had waited long enough for the repairs, which were first promised more than ten years ago by the previous council.
"""


@pytest.mark.parametrize("model", [True, False])
def test_no_headline_inside_the_body(model: bool) -> None:
    """A short line below kept article text continues the article (a container without its headline): it is not the title."""
    config = Config()
    config.classify.model.enabled = model
    art = process(Document(path="article.txt", raw=CONTAINER.encode()), Context(config))
    assert art["title"] is None
    assert "This frees the old budget for the school roof" in art["text"]
