#!/usr/bin/env python3
"""Quality benchmark: P / R / F1 of raw input, jusText, trafilatura and ours on plain-text article benches.

Usage: python bench/quality.py BENCH_DIR [BENCH_DIR ...] [--workers N]

Each BENCH_DIR holds container/<id>.txt, page/<id>.txt and gold/<id>.json (`articleBody`). The metric is
pipeline.evaluate (token 4-gram shingles, macro P/R, the F1 of the two averages). The baselines see the same
plain text we do, each non-empty line as one HTML <p>, with their default settings.
"""
from __future__ import annotations

import argparse
import html
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing import Pool
from multiprocessing.pool import Pool as PoolType
from pathlib import Path

from pipeline.evaluation.folder import clean_folder
from pipeline.config import load_config
from pipeline.evaluation.score import gold_body, prf, triple

RENDERINGS = ("container", "page")
SYSTEMS = ("raw input", "jusText", "trafilatura", "ours")

# py3langid code -> jusText stoplist name, for every language both know; anything else falls back to English.
# (The English stoplist for every page, as in an earlier measurement, gives scrapinghub F1 0.859 / 0.758.)
JUSTEXT_STOPLISTS = {
    "af": "Afrikaans", "an": "Aragonese", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian",
    "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "ga": "Irish", "gl": "Galician", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "ht": "Haitian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh", "kn": "Kannada", "ko": "Korean",
    "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "nb": "Norwegian_Bokmal",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal", "oc": "Occitan",
    "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
    "wa": "Walloon", "yo": "Yoruba",
}


@dataclass
class Result:
    """Per-document triples of one system on one rendering, and the single-core seconds it took."""

    triples: list[tuple[float, float, float]] = field(default_factory=list)
    seconds: float = 0.0

    def prf(self) -> tuple[float, float, float]:
        """Macro precision, recall, F1."""
        return prf(self.triples)


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, each one paragraph for the HTML baselines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def as_html(text: str, wrapper: str = "") -> str:
    """A minimal HTML page with one <p> per non-empty line, optionally inside one more element."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in paragraphs(text))
    if wrapper:
        body = f"<{wrapper}>{body}</{wrapper}>"
    return f"<html><body>{body}</body></html>"


def raw_input(text: str) -> str:
    """Baseline that removes nothing."""
    return text


def justext_text(text: str) -> str:
    """jusText with its defaults and the stoplist of the detected language (English when unknown)."""
    import justext
    import py3langid

    if not paragraphs(text):
        return ""
    lang = JUSTEXT_STOPLISTS.get(py3langid.classify(text)[0], "English")
    kept = justext.justext(as_html(text), justext.get_stoplist(lang))
    return "\n".join(p.text for p in kept if not p.is_boilerplate)


def trafilatura_text(text: str) -> str:
    """trafilatura with its defaults (neither precision nor recall favoured), comments excluded."""
    # The <p> go straight under <body>: its best set-up on plain text. Inside <article> trafilatura takes
    # the element as the main content and keeps nearly every line (scrapinghub page F1 0.661, not 0.689).
    import trafilatura

    if not paragraphs(text):
        return ""
    return trafilatura.extract(as_html(text), include_comments=False) or ""


PER_DOCUMENT: dict[str, Callable[[str], str]] = {
    "raw input": raw_input, "jusText": justext_text, "trafilatura": trafilatura_text,
}


def read_text(path: Path) -> str:
    """A bench input file as text."""
    return path.read_bytes().decode("utf-8", errors="replace")


def _run_one(job: tuple[str, str]) -> tuple[str, float]:
    """Worker: (system, path) -> (extracted text, seconds)."""
    system, path = job
    start = time.process_time()
    text = PER_DOCUMENT[system](read_text(Path(path)))
    return text, time.process_time() - start


def _score(golds: dict[str, str], texts: dict[str, str]) -> list[tuple[float, float, float]]:
    """Triples for every gold document; a missing prediction counts as empty."""
    return [triple(gold, texts.get(stem, "")) for stem, gold in golds.items()]


def score_rendering(folder: Path, golds: dict[str, str], systems: Iterable[str], pool: PoolType | None) -> dict[str, Result]:
    """Scores each system on one rendering folder."""
    stems = [stem for stem in golds if (folder / f"{stem}.txt").exists()]
    results: dict[str, Result] = {}
    for system in systems:
        if system == "ours":
            start = time.process_time()
            texts = clean_folder(folder, load_config(None))
            results[system] = Result(_score(golds, texts), time.process_time() - start)
            continue
        jobs = [(system, str(folder / f"{stem}.txt")) for stem in stems]
        outs = pool.map(_run_one, jobs, chunksize=4) if pool else [_run_one(j) for j in jobs]
        texts = {stem: text for stem, (text, _) in zip(stems, outs)}
        results[system] = Result(_score(golds, texts), sum(sec for _, sec in outs))
    return results


def score_bench(bench: Path, systems: Iterable[str] = SYSTEMS, pool: PoolType | None = None) -> dict[str, dict[str, Result]]:
    """{rendering: {system: Result}} for one bench folder."""
    golds = {g.stem: gold_body(g) for g in sorted((bench / "gold").glob("*.json"))}
    return {r: score_rendering(bench / r, golds, list(systems), pool) for r in RENDERINGS if (bench / r).is_dir()}


def markdown_table(name: str, scores: dict[str, dict[str, Result]]) -> str:
    """A README-ready table: one row per system, P / R / F1 per rendering, single-core seconds in total."""
    renderings = list(scores)
    systems = list(next(iter(scores.values()), {}))
    docs = len(next(iter(scores.values()), {}).get(systems[0], Result()).triples) if systems else 0
    head = "| system | " + " | ".join(f"{r} P | {r} R | {r} F1" for r in renderings) + " | time (s) |"
    rule = "|---|" + "---:|" * (3 * len(renderings) + 1)
    rows = [f"**{name}** ({docs} documents)", "", head, rule]
    for system in systems:
        cells = [f"{v:.3f}" for r in renderings for v in scores[r][system].prf()]
        seconds = sum(scores[r][system].seconds for r in renderings)
        rows.append(f"| {system} | " + " | ".join(cells) + f" | {seconds:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Scores every bench given on the command line and prints one markdown table per bench."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("benches", nargs="+", type=Path, metavar="BENCH_DIR")
    ap.add_argument("--workers", type=int, default=2, help="processes for the per-document baselines (default 2)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    with Pool(args.workers) as pool:
        for bench in args.benches:
            if not (bench / "gold").is_dir():
                print(f"Error: {bench} has no gold/ folder", file=sys.stderr)
                return 2
            print(markdown_table(bench.name, score_bench(bench, pool=pool)), end="\n\n", flush=True)
    print(f"time (s) is CPU time on one core, both renderings; wall clock {time.perf_counter() - start:.0f} s "
          f"with {args.workers} workers for the baselines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
