"""Line features: the fast sentence-end check gives the answer of its defining regular expression."""
from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from pipeline.features import _TERMINAL, ends_sentence

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
