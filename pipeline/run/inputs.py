"""The inputs of a run: the files selected under the input folder, and the checks made before any is cleaned."""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path, PurePosixPath

from pipeline.archive.paths import LEGACY_FILES, STATE_FILE
from pipeline.config import Config, LimitsConfig
from pipeline.steps.limits import overrun, size_overrun
from pipeline.steps.read.inputs import multi


def discover(root: Path, config: Config, skip: Path | None = None) -> list[str]:
    """Relative POSIX paths of the files under `root` matching the include globs and none of the excludes."""
    return scan(root, config, skip)[0]


def scan(root: Path, config: Config, skip: Path | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """The selected inputs under `root`, and those refused with a reason (symlinks leaving `root`, loops, bad names)."""
    found: list[str] = []
    refused: list[dict[str, str]] = []
    real_root = root.resolve()
    skip_resolved = skip.resolve() if skip else None

    def unlistable(exc: OSError) -> None:
        refused.append({"path": _printable(Path(exc.filename or "").relative_to(root).as_posix()),
                        "reason": f"cannot list folder: {exc.strerror or exc}"})

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=False):
        here = Path(dirpath)
        if here != root and not {STATE_FILE, *LEGACY_FILES[:1]}.isdisjoint(filenames):
            dirnames[:] = []  # an archive of ours inside the input folder: its .json files are no scraper exports
            continue
        for name in [d for d in dirnames if (here / d).is_symlink()]:
            if not (here / name).resolve().is_relative_to(real_root):
                refused.append({"path": _printable((here / name).relative_to(root).as_posix()),
                                "reason": "symlink to a folder outside the input folder; not followed"})
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() != skip_resolved and not (here / d).is_symlink())
        for name in sorted(filenames):
            rel = PurePosixPath((here / name).relative_to(root).as_posix())
            if not _selected(rel, config):
                continue
            reason = _refusal(here / name, str(rel), real_root)
            if reason:
                refused.append({"path": _printable(str(rel)), "reason": reason})
            else:
                found.append(str(rel))
    return found, refused


def _refusal(path: Path, rel: str, real_root: Path) -> str | None:
    """Why a selected file is not read, or None: names that JSON cannot hold, symlinks that leave the input folder."""
    if _printable(rel) != rel:
        return "file name is not valid UTF-8; rename the file"
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symlink or symlink loop"
    if not target.is_relative_to(real_root):
        return "symlink to a file outside the input folder; not followed"
    return None


def _printable(rel: str) -> str:
    """`rel` with undecodable file-name bytes shown as \\xNN escapes, so it can go into JSON."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _selected(rel: PurePosixPath, config: Config) -> bool:
    """Include/exclude globs; '**/' also matches files at the top level."""
    def hit(pattern: str) -> bool:
        return rel.match(pattern) or (pattern.startswith("**/") and rel.match(pattern[3:]))
    return any(hit(p) for p in config.include) and not any(hit(p) for p in config.exclude)


def check_inputs(root: Path, inputs: list[str], limits: LimitsConfig) -> tuple[dict[str, str], list[dict[str, str]]]:
    """SHA-256 of every readable input within the limits, and a failure (path, reason) for each other one."""
    digests: dict[str, str] = {}
    failed: list[dict[str, str]] = []
    for rel in inputs:
        digest, reason = _check(root / rel, export_limits(limits) if multi(rel) else limits)
        if reason and multi(rel):
            reason = reason.replace("limits.max_bytes", "limits.max_export_bytes")
        if reason is None:
            digests[rel] = digest
        else:
            failed.append({"path": rel, "reason": reason})
    return digests, failed


def export_limits(limits: LimitsConfig) -> LimitsConfig:
    """The limits of an export file as a whole; each of its records is held to `limits` when cleaned."""
    return limits.model_copy(update={"max_bytes": limits.max_export_bytes, "max_lines": 2**62})


def _check(path: Path, limits: LimitsConfig) -> tuple[str, str | None]:
    """(sha256, None) for a usable input, ("", reason) otherwise; never opens a FIFO or a device."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return "", "not a regular file (a FIFO, socket or device); only files are read"
        reason = size_overrun(info.st_size, limits)
        raw = b"" if reason else path.read_bytes()
    except OSError as exc:
        return "", f"cannot read: {exc.strerror or exc}"
    reason = reason or overrun(raw, limits)
    return ("", reason) if reason else (hashlib.sha256(raw).hexdigest(), None)
