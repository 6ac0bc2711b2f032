"""The command line through click's CliRunner: exit codes, `Error: ...` messages, outputs, and the README."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import REPO, SEEDS, read_json
from pipeline.cli import cli
from pipeline.config import builtin_catalogue

SEED = SEEDS / "000_c980ba18da8d4d43.txt"
INSPECT_LINE = re.compile(r"^ *(\d+) (kept|meta|removed) +(\S+)(?: +(\S+\.\S+))? ")


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command in an empty folder, so no ./config.yaml is picked up by accident."""
    monkeypatch.chdir(tmp_path)


def invoke(*args: str, input: bytes | None = None) -> Result:
    """Runs the CLI with stdout and stderr kept apart."""
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), input=input)


def _inputs(tmp_path: Path, binary: bool = False) -> Path:
    """A folder with two seeds, in a subfolder too, and optionally one binary file."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEED, folder / SEED.name)
    shutil.copy(SEEDS / "001_36c248dcc6a592ee.txt", folder / "sub" / "b.txt")
    if binary:
        (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return folder


def test_run_ok(tmp_path: Path) -> None:
    """A clean run exits 0 and mirrors the input tree as <relative path>.json."""
    result = invoke("run", str(_inputs(tmp_path)), "-o", "out", "-q", "-w", "1")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert sorted(p.relative_to("out").as_posix() for p in Path("out").rglob("*") if p.is_file()) == [
        ".pipeline-state", "000_c980ba18da8d4d43.json", "README.md", "index.jsonl", "run.jsonl", "sub/b.json"]  # + the state, the card


def test_run_summary_on_stderr(tmp_path: Path) -> None:
    """Without -q the run reports what it archived on stderr, keeping stdout clean."""
    result = invoke("run", str(_inputs(tmp_path)), "-o", "out", "-w", "1")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith("archived 2 of 2 inputs into out")


def test_run_with_binary_input(tmp_path: Path) -> None:
    """A binary input fails alone: exit 1, an `Error:` line naming it, the rest archived, run.jsonl lists it."""
    result = invoke("run", str(_inputs(tmp_path, binary=True)), "-o", "out", "-q", "-w", "2")
    assert result.exit_code == 1
    assert result.stderr == "Error: image.txt: binary content: a PNG image; not a text file\n"
    report = read_json(Path("out/run.jsonl"))
    assert (report["inputs"], report["archived"]) == (3, 2)
    assert report["failed"] == [{"path": "image.txt", "reason": "binary content: a PNG image; not a text file"}]
    index = [json.loads(line) for line in Path("out/index.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["path"] for row in index] == ["000_c980ba18da8d4d43.txt", "sub/b.txt"]
    assert not Path("out/image.json").exists()


@pytest.mark.parametrize("command", [["run", "."], ["clean", str(SEED)], ["inspect", str(SEED)]], ids=["run", "clean", "inspect"])
def test_bad_config_exits_2(command: list[str], tmp_path: Path) -> None:
    """A bad config stops every command before work starts: exit 2, `Error: ...` with the problem, no traceback."""
    Path("bad.yaml").write_text("steps: [read, segment, repair, write]\nbogus: 1\n", encoding="utf-8")
    result = invoke(*command, "-c", "bad.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: invalid configuration in bad.yaml:\n")
    assert "  steps: steps must keep the data-flow order" in result.stderr and "  bogus: unknown key 'bogus'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("archive").exists()


def test_config_yaml_in_cwd_is_used(tmp_path: Path) -> None:
    """Without -c, ./config.yaml is read."""
    Path("config.yaml").write_text("bogus: 1\n", encoding="utf-8")
    result = invoke("clean", str(SEED))
    assert result.exit_code == 2 and "unknown key 'bogus'" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["run", "no_such_dir", "-o", "out"], "Error: input folder not found: no_such_dir\n"),
    (["clean", "no_such_file.txt"], "Error: cannot read no_such_file.txt: No such file or directory\n"),
    (["inspect", "no_such_file.txt"], "Error: cannot read no_such_file.txt: No such file or directory\n"),
    (["check-config", "no_such.yaml"], "Error: config file not found: no_such.yaml\n"),
    (["check-config"], "Error: config file not found: config.yaml\n"),
])
def test_missing_paths_exit_2(args: list[str], message: str) -> None:
    """Missing folders and files are usage errors."""
    result = invoke(*args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_clean_binary_file_exits_1(tmp_path: Path) -> None:
    """`clean` on a binary file fails with exit 1 and says why."""
    Path("x.bin").write_bytes(b"\x00\x01\x02")
    result = invoke("clean", "x.bin")
    assert (result.exit_code, result.stderr) == (1, "Error: x.bin: binary content: 100.0% NUL and control bytes (text has at most 1%); not a text file\n")


def test_check_config_ok() -> None:
    """`check-config` on a valid file exits 0 and summarises it."""
    result = invoke("check-config", str(REPO / "config.yaml"))
    assert result.exit_code == 0
    assert re.fullmatch(r".*config\.yaml: OK \(\d+ categories, \d+ rules enabled\)\n", result.stdout)


AD_RULES = ", ".join(sorted(rule["name"] for rule in builtin_catalogue()["ad"]["rules"]))


def test_check_config_bad() -> None:
    """`check-config` on a bad file exits 2 and lists every problem with its location."""
    Path("c.yaml").write_text("classify:\n  categories:\n    ad:\n      rules:\n        - {name: x, kind: pattern, pattern: '(['}\n"
                              "      disable: [nope]\n", encoding="utf-8")
    result = invoke("check-config", "c.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        "  classify -> categories -> ad -> rules -> 0 -> pattern: pattern does not compile: unterminated character set at position 1",
        f"  classify -> categories -> ad -> disable -> 0: no built-in rule 'nope'; valid names: {AD_RULES}",
    ]


def test_schema_is_json() -> None:
    """`schema` prints a JSON Schema."""
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$schema"].endswith("2020-12/schema")


def test_clean_file_and_stdin_agree() -> None:
    """`clean FILE` and `clean -` print the same article; only the source path (and id) differ."""
    from_file = json.loads(invoke("clean", str(SEED)).stdout)
    result = invoke("clean", "-", input=SEED.read_bytes())
    assert result.exit_code == 0
    from_stdin = json.loads(result.stdout)
    assert from_stdin["source"]["path"] == "<stdin>" and from_file["source"]["path"] == SEED.name
    for art in (from_file, from_stdin):
        del art["source"]["path"], art["id"]
    assert from_file == from_stdin
    assert from_file["paragraphs"] and from_file["title"]


def test_inspect_lists_every_non_empty_line() -> None:
    """`inspect` prints one row per non-empty input line, with its verdict, and a rule for every removed line."""
    result = invoke("inspect", str(SEED))
    assert result.exit_code == 0
    rows = [INSPECT_LINE.match(row) for row in result.stdout.splitlines()]
    assert all(rows)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert [int(m.group(1)) for m in rows] == [n for n, line in enumerate(lines, 1) if line.strip()]
    art = json.loads(invoke("clean", str(SEED)).stdout)
    removed = {r["line"]: r for r in art["removed"]}
    for m in rows:
        number, verdict, label, rule = int(m.group(1)), m.group(2), m.group(3), m.group(4)
        if number in removed:  # this seed has one line per unit, so every removed line is in `removed`
            assert verdict in ("removed", "meta") and (label, rule) == (removed[number]["category"], removed[number]["rule"])
        else:
            assert verdict == "kept"
    assert {m.group(2) for m in rows} == {"kept", "meta", "removed"}


def test_inspect_is_plain_when_not_a_tty() -> None:
    """Piped output carries no ANSI colour codes (checked through a real pipe)."""
    proc = subprocess.run([sys.executable, "-m", "pipeline", "inspect", str(SEED)], capture_output=True, check=True)
    assert b"\x1b[" not in proc.stdout and proc.stdout.count(b"\n") > 10
    assert "\x1b[" not in invoke("inspect", str(SEED)).stdout


def test_help_lists_commands() -> None:
    """`--help` exits 0 and names every command."""
    result = invoke("--help")
    assert result.exit_code == 0
    assert all(name in result.stdout for name in cli.commands)


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_command_documented_in_readme(command: str) -> None:
    """Every CLI command has a usage line in README.md."""
    assert f"pipeline {command}" in (REPO / "README.md").read_text(encoding="utf-8")
