"""Archive files on disk: the JSON bytes of an article, the one temp-name rule, atomic writes, the duplicate_of patch."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import orjson

# Every file of ours is written under `.<name>.tmp<pid>` in its own folder and renamed into place; a killed run can
# leave such files behind, and the next run removes exactly these (remove_temp_files).
TEMP_NAME = re.compile(r"^\..+\.tmp\d+$")
_DUPLICATE_KEY = b'"duplicate_of": '
_DECODER = json.JSONDecoder()


def temp_path(path: Path) -> Path:
    """The temp name `path` is written under before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp{os.getpid()}")


def remove_temp_files(out: Path) -> None:
    """Deletes the temp files killed runs left under `out` (only ours: `.<name>.tmp<pid>`)."""
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            if TEMP_NAME.match(name):
                (Path(dirpath) / name).unlink(missing_ok=True)


def json_bytes(data: Any, indent: int | None) -> bytes:
    """The bytes of a JSON file of the archive: UTF-8, not ASCII-escaped, ending in a newline.

    The bytes `json.dumps(data, ensure_ascii=False, indent=indent)` makes (tests compare the two), by orjson when it
    can: json's encoder is pure Python once it indents, 4x slower on a whole page's article. orjson indents by two
    spaces only, so for one space each line's indent is halved; anything orjson refuses (a lone surrogate, an integer
    past 64 bits) and any other indent go to json, which then says what is wrong as it always did."""
    if indent in (1, 2):
        try:
            out = orjson.dumps(data, option=orjson.OPT_INDENT_2)
        except TypeError:  # orjson.JSONEncodeError is one
            pass
        else:
            return (_halve_indent(out) if indent == 1 else out) + b"\n"
    return (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


_MARK = b"\x01"  # never in JSON as a byte (control characters are escaped) and no space: marks a halved indent
_UNMARK = bytes.maketrans(_MARK, b" ")


def _halve_indent(out: bytes) -> bytes:
    """Two-space JSON indentation made one-space: every line's leading spaces halved, deepest lines first.

    A string in JSON holds no raw newline, so every run of spaces after one is indentation. Each depth is turned into
    marks first, so a halved line is not halved again as a shallower one."""
    depth = 1
    while b"\n" + b"  " * (depth + 1) in out:
        depth += 1
    for level in range(depth, 0, -1):
        out = out.replace(b"\n" + b"  " * level, b"\n" + _MARK * level)
    return out.translate(_UNMARK)


def write_bytes(path: Path, payload: bytes) -> int:
    """Writes a file atomically (a temp file in the same folder, fsync, rename); returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    with open(tmp, "wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return len(payload)


def write_json(path: Path, data: Any, indent: int | None) -> int:
    """Writes JSON atomically; returns the file's size."""
    return write_bytes(path, json_bytes(data, indent))


def with_duplicate_of(data: bytes, duplicate_of: str | None) -> tuple[bytes, bool]:
    """An article file's JSON (UTF-8) with `duplicate_of` set: what json.dumps of the changed article writes, without
    parsing and writing all of it again; and whether its length changed. The top-level key is the last one so
    named: strings escape their quotes, and after it comes only `pipeline`, whose keys are fixed."""
    at = data.rfind(_DUPLICATE_KEY)
    if at < 0:
        raise ValueError("no duplicate_of in the article")
    start = at + len(_DUPLICATE_KEY)
    tail = data[start:].decode("utf-8")  # the value and `pipeline`: a few dozen bytes
    _, end = _DECODER.raw_decode(tail)
    value = json.dumps(duplicate_of)
    return data[:start] + value.encode("utf-8") + tail[end:].encode("utf-8"), len(value) != end
