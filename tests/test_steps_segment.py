"""Each segmentation shape: blank-line paragraphs, one per line, hard-wrapped (with and without blank lines), lists."""
from __future__ import annotations

import textwrap

import pytest

from pipeline.config import SegmentConfig
from pipeline.steps.segment import units

PARAS = [
    "The city council voted on Tuesday to expand the bus network across the northern districts, a plan "
    "that residents had requested for years and that officials say will cut commuting times.",
    "Opponents argued that the cost of the programme had not been fully explained, and that the money "
    "could be better spent on repairing the roads that already exist in the area.",
    "The mayor said the first new routes would open in the spring, with more to follow once the drivers "
    "have been hired and trained for the service over the coming months.",
]


def _wrapped(width: int) -> list[str]:
    """PARAS hard-wrapped at `width` columns."""
    return [textwrap.fill(p, width) for p in PARAS]


# (shape, input text, expected paragraph texts)
SHAPES = [
    ("blank-line paragraphs", "\n\n".join(PARAS), PARAS),
    ("one paragraph per line", "\n".join(PARAS), PARAS),
    ("wrapped at 72, blank lines", "\n\n".join(_wrapped(72)), PARAS),
    ("wrapped at 72, no blank lines", "\n".join(_wrapped(72)), PARAS),
    ("wrapped at 60, no blank lines", "\n".join(_wrapped(60)), PARAS),
    ("wrapped at 80, blank lines", "\n\n".join(_wrapped(80)), PARAS),
    ("dash list", "Ingredients you need:\n- two eggs\n- a cup of flour\n- some milk",
     ["Ingredients you need:", "- two eggs", "- a cup of flour", "- some milk"]),
    ("numbered list", "1. Mix the flour and the eggs.\n2. Add the milk slowly.\n3. Bake for an hour.",
     ["1. Mix the flour and the eggs.", "2. Add the milk slowly.", "3. Bake for an hour."]),
    ("wrapped paragraph then list", _wrapped(72)[0] + "\n- first item of the list that follows\n- second item",
     [PARAS[0], "- first item of the list that follows", "- second item"]),
    ("short lines are not unwrapped", "Sports\nWeather\nContact us", ["Sports", "Weather", "Contact us"]),
    ("wrapped at 72 beside an unwrapped long paragraph", "\n".join([*_wrapped(72)[:2], PARAS[2]]), PARAS),
    ("long paragraph first, then wrapped ones", "\n".join([PARAS[0], *_wrapped(60)[1:]]), PARAS),
    ("a short one-per-line block beside a long line is not unwrapped",
     "\n".join([PARAS[0], "Our site is funded by advertising money alone.",
                "Please disable your ad blocker to continue reading the news.", "Best regards"]),
     [PARAS[0], "Our site is funded by advertising money alone.",
      "Please disable your ad blocker to continue reading the news.", "Best regards"]),
]


@pytest.mark.parametrize(("shape", "text", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_shapes(shape: str, text: str, expected: list[str]) -> None:
    """Lines become exactly the expected paragraphs, in order."""
    assert [u.text for u in units(text.split("\n"), SegmentConfig())] == expected


def test_wrapped_units_remember_their_lines() -> None:
    """A joined paragraph keeps its first line number and how many lines it spans."""
    text = "\n\n".join(_wrapped(72))
    got = [(u.line, u.nlines) for u in units(text.split("\n"), SegmentConfig())]
    sizes = [p.count("\n") + 1 for p in _wrapped(72)]
    starts = [1, sizes[0] + 2, sizes[0] + sizes[1] + 3]
    assert got == list(zip(starts, sizes))


def test_unwrap_off_keeps_lines() -> None:
    """With `segment.unwrap: false` every line stays its own unit."""
    lines = "\n".join(_wrapped(72)).split("\n")
    assert [u.text for u in units(lines, SegmentConfig(unwrap=False))] == lines


def test_blocks_are_numbered() -> None:
    """Units know the blank-line block they came from."""
    assert [u.block for u in units(["a", "b", "", "", "c"], SegmentConfig(unwrap=False))] == [0, 0, 1]
