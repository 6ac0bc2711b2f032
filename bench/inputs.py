"""Same pages, every input kind: `python bench/inputs.py [INPUT_DIR] [--limit N]`.

Writes each plain-text page of INPUT_DIR (default ../shared/bench/scrapinghub/container) once per kind -
`.txt`, `.html` (each block of lines a <p>, lines split by <br>, markup escaped), `.md` (each block a paragraph,
lines split by hard breaks, Markdown escaped), `.txt.gz`,
and all pages as records of one `.jsonl` export - then cleans each kind with one worker and reports, per
kind, docs/s and how many articles have exactly the text and title of the `.txt` run. The readers should
add nothing and lose nothing: for the text kinds every difference is a reader bug, not a cleaning choice
(`.html` inputs are judged by the HTML line model, so their text may differ by design).
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.config import load_config  # noqa: E402
from pipeline.run.runner import run  # noqa: E402

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _markdown(line: str) -> str:
    """A line as a Markdown paragraph that renders back to the same text."""
    return _MD_SPECIAL.sub(r"\\\1", line)


def write_kinds(pages: list[Path], root: Path) -> None:
    """One folder per kind holding the same pages."""
    for kind in ("txt", "html", "md", "gz", "jsonl"):
        (root / kind).mkdir(parents=True)
    with open(root / "jsonl" / "export.jsonl", "w", encoding="utf-8") as export:
        for page in pages:
            text = page.read_text(encoding="utf-8")
            blocks = [[line.strip() for line in block.split("\n") if line.strip()] for block in re.split(r"\n\s*\n", text)]
            blocks = [block for block in blocks if block]
            (root / "txt" / page.name).write_text(text, encoding="utf-8")
            body = "".join("<p>" + "<br>".join(html.escape(line) for line in block) + "</p>\n" for block in blocks)
            (root / "html" / f"{page.stem}.html").write_text(f"<html><body>\n{body}</body></html>\n", encoding="utf-8")
            markdown = "\n\n".join("\\\n".join(_markdown(line) for line in block) for block in blocks)  # "\" ends a line: a hard break
            (root / "md" / f"{page.stem}.md").write_text(markdown + "\n", encoding="utf-8")
            (root / "gz" / f"{page.name}.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
            export.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")


def articles(out: Path) -> list[dict[str, object]]:
    """The archived articles, in input order."""
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    return [json.loads((out / row["archive_path"]).read_text(encoding="utf-8")) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input_dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared/bench/scrapinghub/container"))
    parser.add_argument("--limit", type=int, default=0, help="use the first N pages only")
    args = parser.parse_args()
    pages = sorted(Path(args.input_dir).glob("*.txt"))[: args.limit or None]
    # One folder per kind and no repetition pass, so each article depends on its own page alone.
    config = load_config(None).model_copy(deep=True)
    config.classify.repetition.enabled = False
    config.dedup.enabled = False
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_kinds(pages, root / "in")
        run(root / "in" / "txt", root / "warm-up", config, workers=1)  # models and caches loaded before timing
        results = {}
        for kind in ("txt", "html", "md", "gz", "jsonl"):
            start = time.perf_counter()
            run(root / "in" / kind, root / "out" / kind, config, workers=1)
            results[kind] = (time.perf_counter() - start, articles(root / "out" / kind))
    base = results["txt"][1]
    print(f"{len(pages)} pages of {args.input_dir}, one worker")
    print("| kind | docs/s | same text as .txt | same title as .txt |")
    print("|---|---|---|---|")
    for kind, (seconds, arts) in results.items():
        text = sum(a["text"] == b["text"] for a, b in zip(arts, base))
        title = sum(a["title"] == b["title"] for a, b in zip(arts, base))
        print(f"| {kind} | {len(arts) / seconds:.0f} | {text}/{len(base)} | {title}/{len(base)} |")


if __name__ == "__main__":
    main()
