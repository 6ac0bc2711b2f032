"""Benchmark helpers behind `pipeline eval`: clean a folder in memory and score it against gold bodies."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.evaluation.score import gold_body, prf, triple
from pipeline.steps.flow import Context, clean_bytes
from pipeline.run.repetition import repeated_lines


@dataclass
class Score:
    """Per-document triples and their macro averages."""

    triples: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    missing: int = 0

    def summary(self) -> str:
        """One line in the format of the benchmark's score.py."""
        p, r, f = prf(list(self.triples.values()))
        return f"docs={len(self.triples)} missing={self.missing} precision={p:.3f} recall={r:.3f} f1={f:.3f}"

    def worst(self, n: int) -> list[tuple[str, tuple[float, float, float]]]:
        """The n documents with the lowest true-positive share."""
        return sorted(self.triples.items(), key=lambda kv: kv[1][0])[:n]


def clean_folder(input_dir: Path, config: Config) -> dict[str, str]:
    """Clean text of every .txt under `input_dir`, by file stem, with cross-file repetition on."""
    ctx = Context(config)
    inputs = sorted(p.relative_to(input_dir).as_posix() for p in input_dir.rglob("*.txt"))
    repeated = repeated_lines(input_dir, inputs, config)
    out: dict[str, str] = {}
    for rel in inputs:
        folder = str(Path(rel).parent).replace("\\", "/")
        art = clean_bytes((input_dir / rel).read_bytes(), rel, ctx, repeated.get(folder, frozenset()))
        out[Path(rel).stem] = art["text"]
    return out


def score_folder(gold_dir: Path, input_dir: Path, config: Config) -> Score:
    """Scores the pipeline's text for every gold document."""
    texts = clean_folder(input_dir, config)
    score = Score()
    for gold in sorted(gold_dir.glob("*.json")):
        pred = texts.get(gold.stem)
        if pred is None:
            score.missing += 1
        score.triples[gold.stem] = triple(gold_body(gold), pred or "")
    return score
