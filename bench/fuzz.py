"""Fuzzing the per-document pipeline with hypothesis: hostile bytes in, and every invariant checked on the way out.

Usage: python bench/fuzz.py [--examples 5000] [--seed 0]

Run by hand, not in CI. Inputs are random bytes, the seeds with random byte edits (flips, cuts, NULs, control
characters, CR/CRLF, doubled lines), seeds turned into mojibake once or twice, and random text in a random legacy
encoding. Each input must either be refused with an InputError (a reason the archive records) or give an article that
- survives a JSON round trip and validates against pipeline/article.schema.json,
- keeps only paragraphs found in the repaired input (nothing invented),
- took less than limits.max_seconds.
Anything else (another exception, a schema error, invented text) is a failure; hypothesis shrinks the first one found.
"""
from __future__ import annotations

import argparse
import codecs
import json
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.config import load_config  # noqa: E402
from pipeline.errors import InputError  # noqa: E402
from pipeline.steps.flow import Context, clean_bytes  # noqa: E402
from pipeline.steps.read.decode import decode, normalise_newlines  # noqa: E402
from pipeline.steps.repair import repair_text  # noqa: E402
from pipeline.archive.schema import article_schema  # noqa: E402

SEEDS = [p.read_bytes() for p in sorted((REPO / "seeds").glob("*.txt"))]
CODECS = ["cp1252", "latin-1", "cp1250", "cp1251", "koi8_r", "shift_jis", "gb2312", "euc_kr", "utf-16", "utf-32", "mac_roman"]
JUNK = [b"\x00", b"\r", b"\r\n", b"\n\n", b"\x1b[31m", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe2\x80", b"&amp;", b"\t" * 8]


@st.composite
def edited_seed(draw: st.DrawFn) -> bytes:
    """A seed with a few random edits: flipped bytes, junk inserted, a cut, a doubled line."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "cut", "double"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(JUNK))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 400))]
        else:
            end = data.find(b"\n", at)
            data[at:at] = data[at:end + 1] if end > at else b""
    return bytes(data)


def mojibake(data: bytes, times: int) -> bytes:
    """UTF-8 bytes misread as cp1252 `times` times."""
    for _ in range(times):
        data = data.decode("utf-8", errors="replace").encode("utf-8").decode("cp1252", errors="ignore").encode("utf-8")
    return data


inputs = st.one_of(
    st.binary(max_size=3000),
    edited_seed(),
    st.tuples(st.sampled_from(SEEDS), st.integers(1, 2)).map(lambda s: mojibake(*s)),
    st.tuples(st.text(max_size=2000), st.sampled_from(CODECS)).map(lambda t: t[0].encode(t[1], errors="ignore")),
    st.tuples(st.sampled_from(SEEDS), st.sampled_from(CODECS)).map(
        lambda s: s[0].decode("utf-8").encode(s[1], errors="replace")),
)


def squash(text: str) -> str:
    """Whitespace-insensitive form."""
    return " ".join(text.split())


def main() -> int:
    """Runs the fuzzer and prints a summary; exit 1 when an invariant broke."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = load_config(None)
    ctx = Context(config)
    validator = Draft202012Validator(article_schema(), format_checker=FormatChecker())
    clean_bytes(SEEDS[0], "warm-up.txt", ctx)  # loads the models, so the timings below are per document
    outcomes: Counter[str] = Counter()
    slowest: list[float] = [0.0]

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def check(raw: bytes) -> None:
        started = time.perf_counter()
        try:
            art = clean_bytes(raw, "fuzz.txt", ctx)
        except InputError as exc:
            outcomes[f"refused: {exc.reason.split(':')[0].split(' (')[0]}"] += 1
            return
        seconds = time.perf_counter() - started
        slowest[0] = max(slowest[0], seconds)
        assert seconds < config.limits.max_seconds
        assert json.loads(json.dumps(art, ensure_ascii=False)) == art
        assert not [e.message for e in validator.iter_errors(art)]
        source = squash(repair_text(normalise_newlines(decode(raw, config.read)[0]), config.repair))
        assert all(squash(p["text"]) in source for p in art["paragraphs"]), "invented text"
        outcomes["archived, text kept" if art["text"] else "archived, nothing kept"] += 1

    started = time.perf_counter()
    try:
        check()
        status = "no invariant broken"
    except Exception as exc:  # noqa: BLE001 - the shrunk failure is the result
        status = f"FAILED: {type(exc).__name__}: {exc}"
    total = sum(outcomes.values())
    print(f"{total} inputs in {time.perf_counter() - started:.0f}s; slowest document {slowest[0] * 1000:.0f} ms; {status}")
    for outcome, n in outcomes.most_common():
        print(f"  {n:>6}  {outcome}")
    return 0 if status == "no invariant broken" else 1


if __name__ == "__main__":
    sys.exit(main())
