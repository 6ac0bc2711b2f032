"""Command line: `pipeline run | clean | inspect | check-config | schema | eval | report`."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from pipeline.archive.schema import article_schema
from pipeline.config import Config, load_config
from pipeline.document import Unit
from pipeline.errors import ConfigError, PipelineError, UsageError
from pipeline.evaluation.folder import score_folder
from pipeline.report.page import write_report
from pipeline.run.runner import RunReport, run
from pipeline.steps.flow import Context, clean_records, document, run_steps
from pipeline.steps.read.inputs import multi, records
from pipeline.version import __version__

EXIT_OK, EXIT_FAILED_INPUTS, EXIT_USAGE = 0, 1, 2
DEFAULT_CONFIG = "config.yaml"


def _fail(exc: PipelineError) -> NoReturn:
    """Prints a library error as `Error: ...` and exits with the documented code."""
    click.echo(f"Error: {exc}", err=True)
    sys.exit(EXIT_USAGE if isinstance(exc, (ConfigError, UsageError)) else EXIT_FAILED_INPUTS)


def _config(path: str | None) -> Config:
    """The config at `path`, or ./config.yaml when present, or the built-in defaults."""
    try:
        if path is None:
            return load_config(DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
        return load_config(path)
    except ConfigError as exc:
        _fail(exc)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli() -> None:
    """Clean scraped news articles into a JSON archive with metadata."""


@cli.command("run")
@click.argument("input_dir", required=False)
@click.option("-o", "--output", "output_dir", help="Archive folder (default: `output` in the config, 'archive').")
@click.option("-c", "--config", "config_path", help="Config file (default: ./config.yaml if present).")
@click.option("-w", "--workers", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where the per-file work runs: local processes or a Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster of --workers).")
@click.option("--force", is_flag=True, help="Redo every input, even those unchanged since the last run.")
@click.option("--prune", is_flag=True, help="Delete archive files whose input vanished or no longer archives there.")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "parquet"]),
              help="Archive format (default: write.format in the config, 'json'): a file per article, or shards.")
@click.option("--text-format", type=click.Choice(["plain", "markdown"]),
              help="How each article's text is written (default: write.text_format in the config, 'plain').")
def run_cmd(input_dir: str | None, output_dir: str | None, config_path: str | None, workers: int | None, quiet: bool,
            engine: str, scheduler: str | None, force: bool, prune: bool, fmt: str | None, text_format: str | None) -> None:
    """Clean every article under INPUT_DIR into the archive; exit 0 when all are archived, 1 when some failed.

    Incremental: inputs whose bytes, config and folder are unchanged since the last run are skipped.
    """
    config = _config(config_path)
    write = {key: value for key, value in (("format", fmt), ("text_format", text_format)) if value}
    if write:
        config = config.model_copy(update={"write": config.write.model_copy(update=write)})
    try:
        report = run(input_dir or config.input, output_dir or config.output, config, workers=workers,
                     progress=not quiet and sys.stderr.isatty(), engine=engine, scheduler=scheduler, force=force, prune=prune)
    except PipelineError as exc:
        _fail(exc)
    if not quiet:
        _summary(report)
    for failure in report.failed:
        shown = failure["path"] if failure["path"].isprintable() else ascii(failure["path"])  # e.g. a newline in a name
        where = f"{shown}: {failure['location']}" if failure.get("location") else shown  # a bad record of an export
        click.echo(f"Error: {where}: {failure['reason']}", err=True)
    sys.exit(EXIT_FAILED_INPUTS if report.failed else EXIT_OK)


def _summary(report: RunReport) -> None:
    """The stderr lines after a run: counts, skipped, leftovers."""
    skipped = f" ({report.skipped} unchanged, skipped)" if report.skipped else ""
    click.echo(f"archived {report.archived} of {report.archived + len(report.failed)} inputs{skipped} into "
               f"{report.output} in {report.finished - report.started:.1f}s", err=True)
    left = report.leftovers
    if left.pruned:
        click.echo(f"pruned {len(left.pruned)} archive file(s) whose input vanished or moved", err=True)
    elif left.vanished or left.stale:
        click.echo(f"{len(left.vanished)} input(s) vanished, {len(left.stale)} archive file(s) stale; "
                   "they stay in the archive (listed in run.jsonl), --prune deletes them", err=True)


def _read_input(file: str) -> tuple[bytes, str]:
    """Bytes of FILE, or of stdin for '-'."""
    if file == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        return Path(file).read_bytes(), Path(file).name
    except OSError as exc:
        _fail(UsageError(f"cannot read {file}: {exc.strerror or exc}"))


def _clean(file: str, config_path: str | None) -> tuple[dict[str, Any], list[str], list[Unit]]:
    """Cleans FILE; returns the article, the input lines and the units."""
    ctx = Context(_config(config_path))
    raw, name = _read_input(file)
    try:
        found = records(name, raw, ctx.config)
        if len(found) != 1 or found[0].error:
            reason = f"{found[0].location}: {found[0].error}" if len(found) == 1 else f"holds {len(found)} records"
            raise UsageError(f"{name}: {reason}; `pipeline run` archives each record of an export")
        doc = run_steps(document(found[0], name), ctx)
    except PipelineError as exc:
        _fail(exc)
    assert doc.article is not None  # `write` cannot be left out of the steps (config)
    return doc.article, doc.lines, doc.units


@cli.command("clean")
@click.argument("file")
@click.option("-c", "--config", "config_path", help="Config file (default: ./config.yaml if present).")
def clean_cmd(file: str, config_path: str | None) -> None:
    """Clean one article (FILE, or - for stdin) and print its JSON; an export prints one article per line."""
    if multi(file):
        _clean_export(file, config_path)
        return
    art, _, _ = _clean(file, config_path)
    click.echo(_dump(art))


def _clean_export(file: str, config_path: str | None) -> None:
    """Prints each record's article of a JSON/JSON Lines export as a line; bad records as errors (exit 1)."""
    ctx = Context(_config(config_path))
    raw, name = _read_input(file)
    try:
        done = clean_records(raw, name, ctx)
    except PipelineError as exc:
        _fail(exc)
    for record, art, error in done:
        if art is None:
            click.echo(f"Error: {name}: {record.location}: {error}", err=True)
        else:
            click.echo(json.dumps(art, ensure_ascii=False))
    if any(art is None for _, art, _ in done):
        sys.exit(EXIT_FAILED_INPUTS)


_COLOURS = {"kept": "green", "meta": "cyan", "removed": "red"}


@cli.command("inspect")
@click.argument("file")
@click.option("-c", "--config", "config_path", help="Config file (default: ./config.yaml if present).")
def inspect_cmd(file: str, config_path: str | None) -> None:
    """Show every line of FILE with its verdict, category and rule."""
    _, lines, units = _clean(file, config_path)
    owner = {}
    for unit in units:
        for offset in range(unit.nlines):
            owner[unit.line + offset] = unit
    for number, line in enumerate(lines, start=1):
        unit = owner.get(number)
        if unit is None:
            continue
        verdict = "kept" if unit.kept else ("meta" if unit.label in ("title", "dateline", "byline") else "removed")
        label = unit.kind if unit.kept else unit.label
        head = click.style(f"{number:>5} {verdict:<7} {label:<15} {unit.rule:<34}", fg=_COLOURS[verdict])
        click.echo(f"{head} {line}")


@cli.command("check-config")
@click.argument("config_path", required=False)
def check_config_cmd(config_path: str | None) -> None:
    """Validate a config file (default: ./config.yaml) and report every problem."""
    path = config_path or DEFAULT_CONFIG
    if not Path(path).is_file():
        _fail(UsageError(f"config file not found: {path}"))
    config = _config(path)
    rules = sum(len(c.rules) for c in config.classify.categories.values() if c.enabled)
    click.echo(f"{path}: OK ({len(config.classify.categories)} categories, {rules} rules enabled)")


@cli.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of an archive article."""
    click.echo(_dump(article_schema()))


@cli.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("input_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-c", "--config", "config_path", help="Config file (default: ./config.yaml if present).")
@click.option("--per-doc", is_flag=True, help="Also list the ten worst documents.")
def eval_cmd(gold_dir: str, input_dir: str, config_path: str | None, per_doc: bool) -> None:
    """Score the cleaned text of INPUT_DIR/<id>.txt against GOLD_DIR/<id>.json (P/R/F1 of 4-gram shingles)."""
    result = score_folder(Path(gold_dir), Path(input_dir), _config(config_path))
    if per_doc:
        for stem, (tp, fp, fn) in result.worst(10):
            click.echo(f"  {stem[:24]:<24} tp={tp:.2f} fp={fp:.2f} fn={fn:.2f}")
    click.echo(result.summary())


@cli.command("report")
@click.argument("archive", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", default="report.html", show_default=True, help="The HTML page to write.")
@click.option("-c", "--config", "config_path", help="Config the run used (default: ./config.yaml if present).")
@click.option("--input", "input_dir", type=click.Path(file_okay=False),
              help="Folder of the inputs (default: the run's input folder, from run.jsonl).")
def report_cmd(archive: str, output: str, config_path: str | None, input_dir: str | None) -> None:
    """Write a self-contained HTML page of an archive: removals per category and rule, every article's lines; searchable."""
    try:
        summary = write_report(archive, output, _config(config_path), input_dir)
    except PipelineError as exc:
        _fail(exc)
    click.echo(f"wrote {output}: {summary.articles} articles, {summary.exact} of them line by line from their input",
               err=True)


def main() -> None:
    """Entry point of the `pipeline` console script."""
    cli(prog_name="pipeline")
