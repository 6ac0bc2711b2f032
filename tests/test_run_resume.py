"""Crash safety and incremental runs: SIGKILL and resume, skip what is unchanged, report and prune what vanished."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import build_config, load_config
from pipeline.errors import UsageError
from pipeline.run import keys as state
from pipeline.archive.paths import output_paths
from pipeline.run.runner import run
from pipeline.archive.output import WRITE_THREADS
from pipeline.archive.paths import JOURNAL_FILE, STATE_FILE
from pipeline.run.state import locked
from pipeline.run.state import dump

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
VOLATILE = ("started", "finished", "seconds", "skipped", "output")  # what may differ between equal archives


def corpus(root: Path, folders: int) -> Path:
    """`folders` folders holding the repository's seeds each: realistic articles, distinct within a folder."""
    for i in range(folders):
        (root / f"f{i:02d}").mkdir(parents=True)
        for seed in SEEDS:
            shutil.copyfile(seed, root / f"f{i:02d}" / seed.name)
    return root


def snapshot(out: Path) -> dict[str, Any]:
    """Every file of an archive (bytes; the state's contents), with run.jsonl reduced to what an equal archive must share."""
    files: dict[str, Any] = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            files[path.relative_to(out).as_posix()] = path.read_bytes()
    report = json.loads(files.pop("run.jsonl"))
    files["run.jsonl"] = {k: v for k, v in report.items() if k not in VOLATILE}
    if STATE_FILE in files:  # a database: equal contents, not equal bytes (its pages depend on its history)
        files[STATE_FILE] = dump(out)
    return files


def pipeline_run(root: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    """`python -m pipeline run` on this source tree, in its own process group (so a pool of workers, if any, dies with it).
    """
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    config = root.parent / "fast.yaml"  # the line model costs seconds to load in each process; resuming does not need it
    config.write_text("classify:\n  model:\n    enabled: false\n", encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(root), "-o", str(out), "-w", "1", "-q", "-c", str(config), *extra],
                            cwd=root.parent, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def articles_in(out: Path) -> int:
    """Article files written so far."""
    return sum(1 for p in out.rglob("*.json") if p.name != "run.jsonl" and not p.name.startswith("."))


def kill_after(proc: subprocess.Popen[bytes], out: Path, files: int) -> None:
    """SIGKILLs the run (workers too) once `files` articles exist, or as soon as it can when `files` is 0."""
    while articles_in(out) < files and proc.poll() is None:
        time.sleep(0.002)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # it finished first: the next run has nothing left to do
        pass
    proc.wait()


def test_killed_runs_resume_to_the_uninterrupted_archive(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 3)
    baseline = tmp_path / "baseline"
    assert pipeline_run(root, baseline).wait() == 0
    expected = snapshot(baseline)
    total, out = articles_in(baseline), tmp_path / "out"
    for point in (1, total // 2, total):  # early, midway, during the final writes; each run resumes the killed one
        kill_after(pipeline_run(root, out), out, point)
    assert pipeline_run(root, out).wait() == 0
    assert snapshot(out) == expected
    skipped = json.loads((out / "run.jsonl").read_text(encoding="utf-8"))["skipped"]
    # Each article is journaled once its file is in place, so almost nothing was redone: at most the files the
    # writer threads had just put in place when the last kill came (a loaded machine delays their rows).
    assert skipped >= total - WRITE_THREADS
    assert not (out / JOURNAL_FILE).exists()


def test_a_killed_shard_run_leaves_the_shards_and_resumes(tmp_path: Path) -> None:
    """--format jsonl: a run SIGKILLed while writing its new shards leaves the previous ones whole, and the next
    run ends with the uninterrupted archive."""
    root = corpus(tmp_path / "in", 2)
    baseline = tmp_path / "baseline"
    config = build_config({"classify": {"model": {"enabled": False}}, "write": {"format": "jsonl"}})  # as pipeline_run's
    run(root, baseline, config, workers=1)
    expected = snapshot(baseline)
    out = tmp_path / "out"
    shutil.copytree(baseline, out)
    proc = pipeline_run(root, out, "--format", "jsonl", "--force")
    while not list(out.glob(".articles-*.tmp*")) and proc.poll() is None:
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL  # killed while its new shards were half written
    shards = {p.name: p.read_bytes() for p in out.glob("articles-*.jsonl")}
    assert shards == {p.name: p.read_bytes() for p in baseline.glob("articles-*.jsonl")}
    run(root, out, config, workers=1)
    assert snapshot(out) == expected


def tree(root: Path, folders: int) -> Path:
    """Small folders (below the repetition pass's minimum of files), so each input's article depends on it alone."""
    for i in range(folders):
        (root / f"f{i}").mkdir(parents=True)
        for seed in SEEDS[:2]:
            shutil.copyfile(seed, root / f"f{i}" / seed.name)
    return root


def mtimes(out: Path) -> dict[str, int]:
    """Modification times of the article files."""
    return {p.name: p.stat().st_mtime_ns for p in out.rglob("*.json") if p.name not in ("run.jsonl", STATE_FILE)}


def test_a_rerun_skips_everything_unchanged_and_lists_it_in_the_index(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 3), tmp_path / "out", load_config(None)
    first = run(root, out, config, workers=1)
    index, before = (out / "index.jsonl").read_bytes(), mtimes(out)
    again = run(root, out, config, workers=1)
    assert (first.skipped, again.skipped, again.archived, again.failed) == (0, 6, 6, [])
    assert again.removed_by_category == first.removed_by_category
    assert (out / "index.jsonl").read_bytes() == index
    assert mtimes(out) == before  # not rewritten
    assert json.loads((out / "run.jsonl").read_text(encoding="utf-8"))["skipped"] == 6


def test_force_and_a_changed_config_redo_everything(tmp_path: Path) -> None:
    root, out = tree(tmp_path / "in", 2), tmp_path / "out"
    run(root, out, load_config(None), workers=1)
    assert run(root, out, load_config(None), workers=1, force=True).skipped == 0
    changed = build_config({"metadata": {"words_per_minute": 200}})
    assert run(root, out, changed, workers=1).skipped == 0
    assert run(root, out, changed, workers=1).skipped == 4


def test_changed_code_redoes_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, out, config = tree(tmp_path / "in", 1), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    monkeypatch.setattr(state, "code_sha256", lambda: "another version of the code")
    assert run(root, out, config, workers=1).skipped == 0


def test_only_changed_inputs_are_redone(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 3), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    edited = root / "f1" / SEEDS[0].name
    edited.write_bytes(edited.read_bytes() + b"\nOne more paragraph was added to this article by its editor today.\n")
    report = run(root, out, config, workers=1)
    assert (report.skipped, report.archived) == (5, 6)


def test_incremental_result_equals_a_fresh_run_after_edits(tmp_path: Path) -> None:
    """Edits that change a folder's repeated lines must redo the whole folder, or the archive would differ."""
    root = corpus(tmp_path / "in", 2)
    shared = "\n\nShare this story with your friends\n"
    for seed in SEEDS[:4]:  # one line in 4 of 5 files: the repetition pass removes it
        with open(root / "f00" / seed.name, "a", encoding="utf-8") as fh:
            fh.write(shared)
    out, config = tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    (root / "f00" / SEEDS[0].name).write_text((root / "f00" / SEEDS[0].name).read_text(encoding="utf-8").replace(shared, "\n"), encoding="utf-8")
    (root / "f01" / SEEDS[1].name).unlink()
    shutil.copyfile(SEEDS[1], root / "f01" / "new.txt")
    report = run(root, out, config, workers=1, prune=True)
    fresh = tmp_path / "fresh"
    run(root, fresh, config, workers=1)
    assert report.skipped == 4  # f01's four untouched files; all five of f00 changed context
    assert snapshot(out) == snapshot(fresh) | {"run.jsonl": snapshot(out)["run.jsonl"]}
    assert report.leftovers.pruned == [f"f01/{SEEDS[1].stem}.json"]


def test_vanished_inputs_are_reported_and_kept_until_pruned(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 2), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    gone = f"f1/{SEEDS[0].name}"
    (root / gone).unlink()
    result = CliRunner().invoke(cli, ["run", str(root), "-o", str(out), "-w", "1"])
    assert result.exit_code == 0
    assert "3 unchanged, skipped" in result.output and "1 input(s) vanished" in result.output
    report = json.loads((out / "run.jsonl").read_text(encoding="utf-8"))
    target = f"f1/{SEEDS[0].stem}.json"
    assert report["vanished"] == [{"path": gone, "archive_path": target}] and report["pruned"] == []
    assert (out / target).is_file()
    assert target not in (out / "index.jsonl").read_text(encoding="utf-8")
    assert run(root, out, config, workers=1).leftovers.vanished  # still reported on the next run
    pruned = run(root, out, config, workers=1, prune=True)
    assert pruned.leftovers.pruned == [target] and not (out / target).exists()
    assert not run(root, out, config, workers=1).leftovers.vanished


def test_an_input_that_now_fails_leaves_a_stale_file(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 1), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    (root / "f0" / SEEDS[0].name).write_bytes(b"")
    report = run(root, out, config, workers=1)
    assert [f["path"] for f in report.failed] == [f"f0/{SEEDS[0].name}"]
    assert report.leftovers.stale == [{"path": f"f0/{SEEDS[0].name}", "archive_path": f"f0/{SEEDS[0].stem}.json"}]


def test_colliding_names_both_survive(tmp_path: Path) -> None:
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    shutil.copyfile(SEEDS[0], root / "a.txt")
    shutil.copyfile(SEEDS[1], root / "a.md")
    report = run(root, out, build_config({"include": ["*.txt", "*.md"]}), workers=1)
    assert report.archived == 2
    paths = {json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in out.glob("a*.json")}
    assert paths == {"a.txt", "a.md"}


@pytest.mark.parametrize(("inputs", "expected"), [
    (["a.txt"], ["a.json"]),
    (["a.md", "a.txt"], ["a.json", "a.txt.json"]),
    (["a.json", "a.txt", "a.txt.txt"], ["a.json", "a.txt.json", "a.txt.txt.json"]),
    (["a.txt", "a.txt.md", "a.txt.txt"], ["a.json", "a.txt.json", "a.txt.txt.json"]),
    (["a.md", "a.txt", "a.txt.md"], ["a.json", "a.txt.json", "a.txt.md.json"]),
    (["run.txt", "index.txt", ".pipeline-state.txt"], ["run.txt.json", "index.txt.json", ".pipeline-state.txt.json"]),
    (["README", ".hidden"], ["README.json", ".hidden.json"]),
    (["d/a.txt", "d/a.md", "e/a.txt"], ["d/a.json", "d/a.md.json", "e/a.json"]),
])
def test_output_paths_are_unique_and_stay_inside(inputs: list[str], expected: list[str]) -> None:
    paths = output_paths(inputs)
    assert [paths[rel] for rel in inputs] == expected


def test_prune_never_deletes_outside_the_archive(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 1), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    victim = tmp_path / "victim.json"
    victim.write_text("{}", encoding="utf-8")
    state = dump(out)  # written back as an older version's JSON state file, which a run imports
    state["articles"]["../victim.json"] = {"input": "gone.txt", "key": "x", "row": {}}
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    run(root, out, config, workers=1, prune=True)
    assert victim.read_text(encoding="utf-8") == "{}"


def test_a_corrupt_manifest_means_redo_not_crash(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 1), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    (out / STATE_FILE).write_text('{"format": 1, "articles": {"x.json": {"input": 3}', encoding="utf-8")
    assert run(root, out, config, workers=1).skipped == 0


def test_leftover_temp_files_are_cleaned_and_concurrent_runs_refused(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 1), tmp_path / "out", load_config(None)
    (out / "f0").mkdir(parents=True)
    (out / "f0" / ".a.json.tmp12345").write_text("{half", encoding="utf-8")
    run(root, out, config, workers=1)
    assert not list(out.rglob("*.tmp*"))
    with locked(out), pytest.raises(UsageError, match="another run is writing to"):
        run(root, out, config, workers=1)


def test_an_older_versions_journal_cut_by_a_kill_is_replayed_up_to_the_cut(tmp_path: Path) -> None:
    root, out, config = tree(tmp_path / "in", 2), tmp_path / "out", load_config(None)
    run(root, out, config, workers=1)
    state = dump(out)
    (out / STATE_FILE).unlink()  # as if killed before the final save: only the journal tells what is done
    lines = [json.dumps({"archive_path": path, **entry}) for path, entry in state["articles"].items()]
    (out / JOURNAL_FILE).write_text("\n".join(lines[:3]) + "\n" + lines[3][:40], encoding="utf-8")
    report = run(root, out, config, workers=1)
    assert (report.skipped, report.archived) == (3, 4)
    assert dump(out) == state and not (out / JOURNAL_FILE).exists()
