"""The repair pre-filter is exact: `repair.fix_text` equals ftfy.fix_text on the whole text, whatever the text."""
from __future__ import annotations

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.steps import repair
from pipeline.config import RepairConfig
from pipeline.steps.repair import fix_text, fixer_config, mojibake_chars

CLEAN = "The council met on Tuesday.\nIt voted 7-2 to approve the budget.\n\nMore at 11."
CURLY = "“It’s done,” she said — twice… ‘Really?’\nCafé, naïve, Zürich, São Paulo, Ελλάδα, Москва, 東京。"
ARTICLE = CURLY + "\n" + CLEAN


def _utf8_as(text: str, codec: str) -> str:
    """Mojibake: the UTF-8 bytes of `text` read as `codec`."""
    return text.encode("utf-8").decode(codec, errors="replace")


CASES = {
    "empty": "",
    "clean ascii": CLEAN,
    "curly quotes": CURLY,
    "html entities": "Fish &amp; chips &eacute;t&eacute; &#x2019; &lt;b&gt;\nAT&T and R&D",
    "entity after a tag line": "<p>kept as is</p>\nFish &amp; chips\n&eacute;",
    "entity before a tag line": "Fish &amp; chips\n<p>x</p>\n&amp; again",
    "utf8 read as cp1252": _utf8_as(ARTICLE, "cp1252"),
    "utf8 read as cp1252 twice": _utf8_as(_utf8_as(ARTICLE, "cp1252"), "cp1252"),
    "utf8 read as latin-1": _utf8_as(ARTICLE, "latin-1"),
    "utf8 read as cp1251": _utf8_as(ARTICLE, "cp1251"),
    "utf8 read as macroman": _utf8_as(ARTICLE, "mac_roman"),
    "mojibake in one line only": CLEAN + "\n" + _utf8_as(CURLY, "cp1252") + "\n" + CURLY,
    "c1 controls": "price \x80 5 and \x93quoted\x94\nok",
    "controls and escapes": "a\x00b\x1b[31mred\x1b[0m\x7f\ufeffz\u200b\n\x0c",
    "line separators": "one\u2028two\u2029three\x85four\r\nfive\rsix",
    "decomposed": "Cafe\u0301 and n\u0303\nok",
    "ligatures and width": "ﬁne ﬂow ＬＯＵＤ　ｎｏｉｓｅ ｶﾀｶﾅ",
    "nbsp mojibake": "20Â\xa0km and Ã©t and caf\xc3\xa9".encode("latin-1").decode("latin-1"),
    "trailing newline": CURLY + "\n",
    "typography of the detector, no mojibake": "© 2024 Site • All rights “reserved”\nÜber uns – Kontakt „Zitat“\n€ 5,00 ™",
    "typography beside mojibake": "„Zitat“ © 2024\n" + _utf8_as("“Zitat” © 2024", "cp1252") + "\n• Über uns",
}

CONFIGS = {
    "defaults": RepairConfig(),
    "uncurl": RepairConfig(uncurl_quotes=True),
    "ligatures+width": RepairConfig(fix_latin_ligatures=True, fix_character_width=True),
    "html always": RepairConfig(unescape_html=True),
    "html never": RepairConfig(unescape_html=False),
    "nfkc": RepairConfig(normalization="NFKC"),
    "no normalization": RepairConfig(normalization=None),
    "no encoding fix": RepairConfig(fix_encoding=False),
    "keep controls": RepairConfig(remove_control=False, remove_terminal_escapes=False, fix_line_breaks=False),
}


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_same_as_ftfy_on_whole_text(text: str, config: RepairConfig) -> None:
    """Every case, under every configuration, gives ftfy's own output."""
    assert fix_text(text, config) == ftfy.fix_text(text, fixer_config(config))


def test_mojibake_is_really_fixed() -> None:
    """The cases are real mojibake: ftfy (and so the pre-filter) restores the text."""
    once = "Café, naïve, Zürich — it’s ‘fine’… São Paulo\n" + CLEAN  # no byte that cp1252 leaves undefined
    twice = "Café, naïve, Zürich, São Paulo\n" + CLEAN
    assert fix_text(_utf8_as(once, "cp1252"), RepairConfig()) == once
    assert fix_text(_utf8_as(_utf8_as(twice, "cp1252"), "cp1252"), RepairConfig()) == twice


def test_gate_is_derived_from_this_ftfy() -> None:
    """The mojibake character set is derivable (otherwise every text would silently go to ftfy)."""
    chars = mojibake_chars()
    assert chars is not None and "Ã" in chars and "Â" in chars
    assert not any(ch.isascii() for ch in chars)
    assert "’" not in chars and "—" not in chars  # the commonest typography stays outside the gate


@pytest.mark.parametrize("text", [CLEAN, "It’s done — she said… Café, naïve, Zürich, São Paulo, Ελλάδα, 東京。\n" * 3,
                                  CASES["typography of the detector, no mojibake"], "Q&A with AT&T\nR&D"])
def test_clean_text_skips_ftfy(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean text, with apostrophes, dashes, accents, typography the mojibake detector knows and bare '&', never
    reaches ftfy."""
    monkeypatch.setattr(repair.ftfy, "fix_text", lambda *a, **k: pytest.fail("ftfy was called"))
    assert fix_text(text, RepairConfig()) == text


_SUSPECT = "ÃÂâ€œ™šž¢£©®°±²³µ¶·¹º»¼½¾¿ÀÉÑØÙÜßàáãäåçèéêíîïñòóôöøùúûüĀŒœŠƒˆ˜–—‘’‚“”„•…‰‹›€ΒΓВГРСЂ│╬▀¦¤¨¬¯¸ˇ˘˛◊�×÷√≈"
_ALPHABET = st.sampled_from(list(_SUSPECT) + list("ab Z.,;:!?&<>#;0123456789\n\r\t\x00\x1b\x80\x93\u2028\ufeff\u0301"))


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=80))
def test_property_suspect_characters(text: str) -> None:
    """Random text over the characters mojibake and the other fixes are made of."""
    config = RepairConfig()
    assert fix_text(text, config) == ftfy.fix_text(text, fixer_config(config))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.sampled_from(list(CONFIGS.values())))
def test_property_arbitrary_text(text: str, config: RepairConfig) -> None:
    """Arbitrary Unicode text (surrogates included) under any of the configurations."""
    assert fix_text(text, config) == ftfy.fix_text(text, fixer_config(config))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=6), st.sampled_from(["cp1252", "latin-1", "cp1251", "mac_roman"]))
def test_property_mojibake_lines(lines: list[str], codec: str) -> None:
    """Texts whose lines are partly real mojibake, partly clean."""
    text = "\n".join(_utf8_as(line, codec) if i % 2 else line for i, line in enumerate(lines))
    config = RepairConfig()
    assert fix_text(text, config) == ftfy.fix_text(text, fixer_config(config))


def _rounds_until_unchanged(text: str, config: RepairConfig) -> str:
    """The plain definition repair_text shortens: rounds of ftfy and the whitespace rules until one changes nothing."""
    for _ in range(repair._MAX_ROUNDS):
        fixed = repair._repair_once(text, config)
        if fixed == text:
            return fixed
        text = fixed
    return text


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_repair_stops_where_another_round_changes_nothing(text: str, config: RepairConfig) -> None:
    """repair_text, which stops as soon as ftfy would pass every line through, gives the rounds' fixed point."""
    assert repair.repair_text(text, config) == _rounds_until_unchanged(text, config)


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=80), st.sampled_from(list(CONFIGS.values())))
def test_property_repair_rounds(text: str, config: RepairConfig) -> None:
    """The same over random text of the characters mojibake and the other fixes are made of."""
    assert repair.repair_text(text, config) == _rounds_until_unchanged(text, config)
