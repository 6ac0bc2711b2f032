"""Typed errors raised by the library; only the CLI turns them into messages and exit codes."""
from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class ConfigError(PipelineError):
    """The configuration is invalid; `problems` holds one `(location, message)` per issue found."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "config") -> None:
        self.problems = problems
        self.source = source
        lines = [f"{loc}: {msg}" if loc else msg for loc, msg in problems]
        super().__init__(f"invalid configuration in {source}:\n  " + "\n  ".join(lines))


class InputError(PipelineError):
    """One input could not be read or cleaned; the run records it and goes on."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class BinaryInputError(InputError):
    """An input is binary, not text; `kind` names its format when its signature is known ("a PNG image")."""

    def __init__(self, path: str, reason: str, kind: str = "") -> None:
        super().__init__(path, reason)
        self.kind = kind


class UsageError(PipelineError):
    """The command line asked for something impossible (missing folder, bad combination)."""
