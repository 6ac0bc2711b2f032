"""The library API: `clean_text`, `load_config`, `run`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.config import Config, load_config
from pipeline.steps.flow import Context, clean_bytes
from pipeline.run.runner import RunReport
from pipeline.run.runner import run as _run_folder

_DEFAULT_CTX: Context | None = None


def _context(config: Config | None) -> Context:
    """A context for `config`, reusing the default one across calls."""
    global _DEFAULT_CTX
    if config is not None:
        return Context(config)
    if _DEFAULT_CTX is None:
        _DEFAULT_CTX = Context(load_config(None))
    return _DEFAULT_CTX


def clean_text(text: str, config: Config | None = None, path: str = "<text>") -> dict[str, Any]:
    """Cleans one article given as text; returns the same record the archive stores."""
    return clean_bytes(text.encode("utf-8"), path, _context(config))


def run(input_dir: str | Path, output_dir: str | Path, config: Config | None = None, workers: int | None = None, *,
        force: bool = False, prune: bool = False, engine: str = "local", scheduler: str | None = None) -> RunReport:
    """Cleans a folder into an archive, as `pipeline run` does (the format is the config's `write.format`)."""
    return _run_folder(input_dir, output_dir, config or load_config(None), workers=workers, force=force, prune=prune,
                       engine=engine, scheduler=scheduler)


__all__ = ["clean_text", "load_config", "run"]
