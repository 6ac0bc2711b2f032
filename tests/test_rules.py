"""Catalogue rules: lines of each boilerplate kind match their rule in several languages; prose does not."""
from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.process import Context

CASES = [
    ("Copied!", "share.network"),
    ("Später lesen", "share.network"),
    ("Lire plus tard", "share.network"),
    ("Great advice for small shops. Click To Tweet", "share.click_to"),
    ("Explore further", "related.header"),
    ("Pour aller plus loin", "related.header"),
    ("See more: Floods close the coastal road", "related.prefixed"),
    ("Maria Rossi Submitted photo", "caption.trailing_photo_credit"),
    ("Courtesy of the city museum", "caption.trailing_photo_credit"),
    ("Foto di Luca Bianchi", "caption.trailing_photo_credit"),
    ("Citation: Bees count to five (2020, May 3) retrieved 4 May 2020 from https://example.org/bees", "page_meta.citation"),
    ("Zitiervorschlag: Müller, Bienen zählen bis fünf", "page_meta.citation"),
    ("If you enjoyed this article, consider becoming a member.", "ad.enjoyed_nag"),
    ("Si vous avez aimé cet article, partagez-le.", "ad.enjoyed_nag"),
    ("Если вам понравилась статья, поделитесь ею", "ad.enjoyed_nag"),
    ("slot_top_1_en", "junk.identifier"),
    ("false", "junk.literal"),
    ("► Gadgets (42)", "navigation.category_count"),
    ("You have successfully subscribed. Thank you!", "newsletter.form"),
    ("Vous êtes bien inscrit à la newsletter", "newsletter.form"),
    ("Get the Weekly Digest delivered to your inbox", "newsletter.signup"),
    ("Subscribe today", "newsletter.signup"),
    ("Fans cheer as the team bus arrives at the stadium before the final match of the season in Lyon, France, on Sunday, May 3, 2020. The home side won 2-1. (AP Photo/Jane Roe) less", "caption.sentence_caption"),
    ("Der Bürgermeister eröffnet das Fest am Samstag. (Foto von Jan Meier)", "caption.sentence_caption"),
    ("Los vecinos limpian la plaza tras la tormenta. (Foto de Ana Ruiz)", "caption.sentence_caption"),
    ("Photo by Jane Roe", "caption.trailing_photo_credit"),
    ("Jane Roe/Reuters", "caption.name_credit"),
    ("Pierre Dupont / AFP", "caption.name_credit"),
    ("Fans cheer as the team arrives in Lyon on Sunday... more", "related.truncated_teaser"),
    ("Ten tips for winter cycling [Video]", "related.media_tagged"),
    ("Zehn Tipps für das Radfahren im Winter (Video)", "related.media_tagged"),
    ("Small steps beat big plans when you start a business, because every week you learn something the plan could not tell you. Click To Tweet", "share.click_to_tweet"),
    ("Subscribe to the Example Tech YouTube channel for more reviews", "share.subscribe_channel"),
    ("Abonnez-vous à notre chaîne YouTube", "share.subscribe_channel"),
    ("Report", "comment_prompt.comment_action"),
    ("Zgłoś nadużycie", "comment_prompt.comment_action"),
    ("Comments are reviewed by our editors before they appear.", "comment_prompt.moderation_notice"),
    ("Comentários ofensivos não serão aprovados pelo moderador.", "comment_prompt.moderation_notice"),
    ("Kommentare werden vor der Veröffentlichung moderiert.", "comment_prompt.moderation_notice"),
    ("Related Links", "related.header"),
    ("Liens utiles", "related.header"),
    ("Also: How the harbour was rebuilt", "related.prefixed"),
    ("READ MORE ON EXAMPLE BUSINESS BY CLICKING HERE", "related.more_on_site"),
    ("Best desks under $200... SEE FULL GALLERY", "caption.gallery"),
    ("« Previous Post Next Post »", "navigation.pager"),
    ("Get access to the Example Pro research service for as little as $5 a month.", "ad.subscription_offer"),
    ("Jane Roe is Example's deals curator and writes about gadgets.", "author_blurb.bio_sentence"),
    ("A cross-section through the new ferry showing the cabins that double as cargo space during the winter months, when "
     "fewer people travel. The cabins have their own heating and flexible walls, so the crew can change the layout in a day "
     "and carry trucks, cars or freight as the season needs. Credit: Example Shipyards", "caption.closing_credit"),
    ("Published 11:12 PM EST Nov 19, 2021", "page_meta.published"),
    ("Posted on May 2, 2024", "page_meta.published"),
    ("Publicado el 5 de mayo de 2023", "page_meta.published"),
    ("Veröffentlicht am 3. März 2022", "page_meta.published"),
    ("Published Tuesday", "page_meta.published"),
    ("Jane Roe's new book about the ocean floor is out now. Follow her on Twitter @janeroe.", "author_blurb.contact"),
    ("Jan de Vries schrijft over wetenschap. Volg hem op Twitter.", "author_blurb.contact"),
    ("Follow Example's full coverage of the election at https://example.org/election", "related.coverage_pointer"),
    ("Sigue toda nuestra cobertura de las elecciones", "related.coverage_pointer"),
    ("Get access to the fastest growing research service Example Pro for as little as $5 a month for the first year. "
     "Use the code EXAMPLE. You get market data, stock ideas, portfolio tools, expert columns and daily briefings from our "
     "analysts.", "ad.subscription_offer"),
]
PROSE = [
    "The photo of the harbour was taken at dawn by a local fisherman.",
    "She said she enjoyed the concert more than she expected.",
    "Readers copied the recipe by hand before the internet.",
    "The court will explore further options next week, the judge said.",
    "Average price per square metre (2024)",
    "She was pictured (pictured above) at the opening of the bridge.",
    "He took the photo by the river before the storm arrived.",
    "Monday to Friday/Saturday",
    "The company will report its results on Thursday.",
    "Readers left more than a thousand comments, which the editors read before the vote.",
    "The film was shot in black and white (video was too expensive then).",
    "Also, the council voted to rebuild the harbour.",
    "Read more about the harbour in the council's report.",
    "Published in 1998, the book sold a million copies.",
    "Posted in Politics",
    "Published by the university press",
    "The singer told fans to follow him on his tour next year.",
    "Follow the river until you reach the old mill.",
    "We will follow the coverage of the trial closely.",
    "Analysts praised the plan. Credit ratings agencies were less sure about the harbour.",
]


@pytest.fixture(scope="module")
def ctx() -> Context:
    """The built-in catalogue."""
    return Context(load_config(None))


@pytest.mark.parametrize(("text", "rule"), CASES, ids=[c[1] + ":" + c[0][:20] for c in CASES])
def test_rule_matches(ctx: Context, text: str, rule: str) -> None:
    """Each line is recognised by the named rule."""
    match = ctx.matcher.match(text, len(text.split()))
    assert match is not None and match.rule == rule


@pytest.mark.parametrize("text", PROSE)
def test_prose_is_not_matched(ctx: Context, text: str) -> None:
    """Sentences that merely mention a rule's words stay unmatched."""
    assert ctx.matcher.match(text, len(text.split())) is None
