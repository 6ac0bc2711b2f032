"""Incremental runs: the key each article is made under, so an unchanged input is skipped and a changed one redone."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline.version import __version__

INCOMPLETE = "incomplete"  # the key of the articles of an export with a bad record: never fresh, so redone
_CODE = {".py", ".yaml", ".json", ".txt"}  # package files whose content shapes an article


def input_key(source_sha256: str, config_sha256: str, repeated_sha256: str, archive_path: str) -> str:
    """Everything an article depends on: the code, the config, the input bytes, its folder's repeated lines, its path."""
    blob = "\0".join((__version__, code_sha256(), config_sha256, source_sha256, repeated_sha256, archive_path))
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


def export_key(key: str, records: int) -> str:
    """The key of each article of an export: its input's key and how many records it archived (a run killed half-way
    through journaling them leaves fewer entries than that, so the export is redone)."""
    return key if key == INCOMPLETE else f"{key}:{records}"


@lru_cache(maxsize=1)
def code_sha256() -> str:
    """Digest of the package's own files (code, rule catalogue, models): changed code redoes every article,
    even when the version number was not bumped."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in _CODE and "__pycache__" not in p.parts and p.is_file()):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def repeated_sha256(fingerprints: frozenset[str]) -> str:
    """Digest of a folder's repeated-line fingerprints: when they change, the folder's articles may change."""
    return hashlib.sha256("\n".join(sorted(fingerprints)).encode("utf-8", "surrogateescape")).hexdigest()
