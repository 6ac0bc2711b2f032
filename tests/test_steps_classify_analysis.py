"""Line features and pass 2: fast forms give the answers of their plain definitions."""
from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from pipeline.steps.classify.analysis import revise
from pipeline.steps.text import _TERMINAL, ends_sentence

TAILS = st.text(alphabet=st.sampled_from(list("ab .!?…:;'\"”’»)]。！？\n,")), max_size=12)


@pytest.mark.parametrize(("text", "expected"), [
    ("It rained.", True), ("“It rained.”", True), ("Why?)", True), ("Note:", True), ("下雨了。", True),
    ("Headline", False), ("A list,", False), ("", False), ("It rained.\n", True), ("It rained.\n\n", False),
    ("下雨了。)", False), ("))", False),
])
def test_ends_sentence_examples(text: str, expected: bool) -> None:
    """Closing quotes and brackets after the stop count; a final newline is ignored once."""
    assert ends_sentence(text) is expected


@given(st.text(max_size=20) | TAILS)
@example("a.'.'")
def test_ends_sentence_is_the_regex(text: str) -> None:
    """Tail-only check and regex search agree on any text."""
    assert ends_sentence(text) == (_TERMINAL.search(text) is not None)


def _neighbour(classes: list[str], i: int, step: int) -> str:
    """The nearest clear class (good or bad) from unit i in direction `step`; 'bad' past the edges."""
    j = i + step
    while 0 <= j < len(classes):
        if classes[j] in ("good", "bad"):
            return classes[j]
        j += step
    return "bad"


@given(st.lists(st.sampled_from(["good", "near", "short", "bad"]), max_size=30))
def test_revise_uses_the_nearest_clear_neighbours(classes: list[str]) -> None:
    """Pass 2 in one sweep each way gives what looking outwards from every unit gives."""
    expected = list(classes)
    for i, cls in enumerate(classes):
        if cls in ("short", "near"):
            prev, nxt = _neighbour(classes, i, -1), _neighbour(classes, i, 1)
            expected[i] = ("bad" if prev == nxt == "bad" else "good") if cls == "near" else ("good" if prev == nxt == "good" else "bad")
    assert revise(classes) == expected
