"""Exact and near duplicates: `duplicate_of` names the earliest article in input order with the same or a near text,
in the article and the index, whatever the workers, engine, format or what a rerun skipped."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS, archive_files
from pipeline.config import Config, build_config
from pipeline.archive.dedup import Duplicates, fingerprint
from pipeline.errors import ConfigError
from pipeline.run.runner import run
from pipeline.run.state import dump

ORIGINAL = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
OTHER_SAME_STORY = sorted(SEEDS.glob("*.txt"))[1].read_text(encoding="utf-8")  # the same phone call, another outlet
OTHER_STORY = sorted(SEEDS.glob("*.txt"))[3].read_text(encoding="utf-8")


def _edited(text: str) -> str:
    """A republished copy: one paragraph reworded, and a line of the site's own added at the end."""
    paragraphs = text.split("\n\n")
    middle = len(paragraphs) // 2
    paragraphs[middle] = paragraphs[middle].replace(" the ", " this ", 2)
    return "\n\n".join(paragraphs) + "\n\nThis story first appeared in our morning newsletter on the same day.\n"


# input name -> (bytes, the input it duplicates or None); inputs are read in name order, so `a_original` is first.
CASES: dict[str, tuple[bytes, str | None]] = {
    "b_exact_copy": (ORIGINAL.encode("utf-8"), "a_original"),
    "c_same_text_other_bytes": (ORIGINAL.replace("\n", "\r\n").encode("utf-16"), "a_original"),
    "d_near_copy": (_edited(ORIGINAL).encode("utf-8"), "a_original"),
    "e_same_story_other_outlet": (OTHER_SAME_STORY.encode("utf-8"), None),
    "f_other_story": (OTHER_STORY.encode("utf-8"), None),
    "g_copy_of_the_other_story": (OTHER_STORY.encode("utf-8"), "f_other_story"),
}


def corpus(root: Path) -> Path:
    """The cases, plus the original they copy."""
    root.mkdir(parents=True)
    (root / "a_original.txt").write_text(ORIGINAL, encoding="utf-8")
    for name, (raw, _) in CASES.items():
        (root / f"{name}.txt").write_bytes(raw)
    return root


def configured(fmt: str = "json", **dedup: Any) -> Config:
    """Defaults without the repetition pass (the copies would make every line 'repeated'), in format `fmt`."""
    return build_config({"classify": {"repetition": {"enabled": False}}, "write": {"format": fmt}, "dedup": dedup})


def articles(out: Path) -> dict[str, dict[str, Any]]:
    """Input stem -> (article's duplicate_of, index row's duplicate_of, id), for every archived article."""
    rows = [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    if list(out.glob("articles-*.jsonl")):
        records = {r["id"]: r for p in sorted(out.glob("articles-*.jsonl")) for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())}
    else:
        records = {r["id"]: json.loads((out / r["archive_path"]).read_text(encoding="utf-8")) for r in rows}
    return {Path(r["path"]).stem: {"id": r["id"], "row": r["duplicate_of"], "article": records[r["id"]]["duplicate_of"]} for r in rows}


def files(out: Path) -> dict[str, Any]:
    """Every file's bytes but run.jsonl (timestamps); the state's contents."""
    return archive_files(out)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cases archived once, by one worker."""
    base = tmp_path_factory.mktemp("dedup")
    run(corpus(base / "in"), base / "out", configured(), workers=1)
    return base


@pytest.mark.parametrize("name", sorted(CASES))
def test_duplicate_of(name: str, archive: Path) -> None:
    """Each case points at the earliest article it duplicates (or at none), in the article and in the index."""
    found = articles(archive / "out")
    expected = found[CASES[name][1]]["id"] if CASES[name][1] else None
    assert found[name]["article"] == found[name]["row"] == expected


def test_the_first_of_each_group_is_no_duplicate(archive: Path) -> None:
    found = articles(archive / "out")
    assert found["a_original"]["article"] is None and found["f_other_story"]["article"] is None


@pytest.mark.parametrize("workers,engine,fmt", [(2, "local", "json"), (2, "dask", "jsonl")])
def test_same_duplicates_with_workers_engines_and_formats(workers: int, engine: str, fmt: str, archive: Path, tmp_path: Path) -> None:
    """Signatures are made in the workers, the pass runs in the parent: the same answer, the same bytes."""
    if engine == "dask":
        pytest.importorskip("distributed")
    options = {"processes": False} if engine == "dask" else {}
    run(archive / "in", tmp_path / "out", configured(fmt), workers=workers, engine=engine, engine_options=options)
    assert articles(tmp_path / "out") == articles(archive / "out")
    reference = archive / "out" if fmt == "json" else tmp_path / "one"
    if fmt != "json":
        run(archive / "in", reference, configured(fmt), workers=1)
    assert files(tmp_path / "out") == files(reference)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_rerun_updates_skipped_articles(fmt: str, tmp_path: Path) -> None:
    """When the original changes, its unchanged copies are skipped but no longer point at it: the archive is what
    a run from scratch writes."""
    root = corpus(tmp_path / "in")
    config = configured(fmt)
    run(root, tmp_path / "out", config, workers=1)
    (root / "a_original.txt").write_text(OTHER_STORY.replace("the", "a"), encoding="utf-8")
    report = run(root, tmp_path / "out", config, workers=1)
    run(root, tmp_path / "scratch", config, workers=1)
    assert report.skipped == len(CASES)
    assert files(tmp_path / "out") == files(tmp_path / "scratch")
    found = articles(tmp_path / "out")
    assert found["b_exact_copy"]["article"] is None and found["c_same_text_other_bytes"]["article"] == found["b_exact_copy"]["id"]


def test_a_file_rewritten_by_a_killed_run_is_redone(archive: Path, tmp_path: Path) -> None:
    """A killed run may leave a worker's file (duplicate_of still null, the parent had not set it yet) under an
    entry of the previous state with the same key: the recorded size tells, and the next run redoes it."""
    shutil.copytree(archive / "out", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "b_exact_copy.json"
    path.write_text(path.read_text(encoding="utf-8").replace(f'"duplicate_of": "{articles(tmp_path)["a_original"]["id"]}"', '"duplicate_of": null'), encoding="utf-8")
    report = run(archive / "in", tmp_path, configured(), workers=1)
    assert report.skipped == len(CASES) and files(tmp_path) == files(archive / "out")


def test_dedup_can_be_switched_off(tmp_path: Path, archive: Path) -> None:
    run(archive / "in", tmp_path, configured(enabled=False), workers=1)
    assert all(a["article"] is None and a["row"] is None for a in articles(tmp_path).values())


@pytest.mark.parametrize("dedup,location", [
    ({"threshold": 1.5}, "dedup -> threshold"),
    ({"threshold": 0}, "dedup -> threshold"),
    ({"num_perm": 4}, "dedup -> num_perm"),
    ({"shingle_words": 0}, "dedup -> shingle_words"),
    ({"bands": 3}, "dedup -> bands"),
])
def test_bad_dedup_settings_are_config_errors(dedup: dict[str, Any], location: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_config({"dedup": dedup})
    assert [loc for loc, _ in caught.value.problems] == [location]


def test_a_threshold_lsh_cannot_serve_is_refused_before_any_work(tmp_path: Path, archive: Path) -> None:
    with pytest.raises(ConfigError, match=r"dedup -> threshold: 0.99 does not work with num_perm 128 .*raise num_perm"):
        run(archive / "in", tmp_path / "out", configured(threshold=0.99), workers=1)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("text", ["", "   ", "—"])
def test_a_text_without_words_is_never_a_duplicate(text: str) -> None:
    config = configured().dedup
    duplicates = Duplicates(config)
    assert fingerprint({"text": text, "text_sha256": "0" * 64}, config) is None
    assert [duplicates.check(i, fingerprint({"text": text, "text_sha256": "0" * 64}, config)) for i in ("a", "b")] == [None, None]


def test_threshold_decides_near_duplicates() -> None:
    """The same pair is a near duplicate under a low threshold and not under a very high one."""
    pair = [{"text": ORIGINAL, "text_sha256": "1" * 64}, {"text": _edited(ORIGINAL), "text_sha256": "2" * 64}]
    for threshold, expected in ((0.5, "a"), (0.97, None)):
        config = configured(threshold=threshold).dedup
        duplicates = Duplicates(config)
        assert [duplicates.check(i, fingerprint(a, config)) for i, a in zip("ab", pair)] == [None, expected]


def test_the_state_keeps_compact_signatures(archive: Path) -> None:
    """What the parent keeps per article is the signature (num_perm x 4 bytes), not the text."""
    state = dump(archive / "out")
    sizes = {len(e["dedup"]["minhash"]) for e in state["articles"].values()}
    assert sizes == {684}  # base64 of 128 x 4 bytes


def _reference(config: Any, items: list[tuple[str, dict[str, str]]]) -> list[str | None]:
    """duplicate_of as datasketch's in-memory MinHashLSH gives it, with every candidate checked: the index we replaced."""
    import base64

    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    from pipeline.archive.dedup import SCHEME, SEED, _band_key

    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm, hashfunc=_band_key)
    exact: dict[str, int] = {}
    values: list[Any] = []
    found: list[str | None] = []
    for number, (_, item) in enumerate(items):
        packed = np.frombuffer(base64.b64decode(item["minhash"]), dtype="<u4")
        minhash = LeanMinHash(seed=SEED, hashvalues=packed.astype(np.uint64), scheme=SCHEME)
        hits = [i for i in lsh.query(minhash) if np.mean(values[i] == packed) >= config.threshold]
        hits += [exact[item["text_sha256"]]] if item["text_sha256"] in exact else []
        exact.setdefault(item["text_sha256"], number)
        lsh.insert(number, minhash)
        values.append(packed)
        found.append(items[min(hits)][0] if hits else None)
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_on_disk_finds_what_minhashlsh_finds(seed: int) -> None:
    """Random signatures with planted copies (exact, near, just below the threshold), repeated text digests and true
    copies (digest and signature): the on-disk index, which stops at the earliest match and does not index a true copy,
    gives every article the duplicate_of of the in-memory one."""
    import base64

    import numpy as np

    config = configured().dedup
    rng = np.random.default_rng(seed)
    signatures: list[Any] = []
    items: list[tuple[str, dict[str, str]]] = []
    for i in range(400):
        if items and rng.random() < 0.15:  # a true copy: the same text, so the same signature
            copied = items[rng.integers(len(items))]
            signatures.append(signatures[int(copied[0], 16)])
            items.append((f"{i:016x}", dict(copied[1])))
            continue
        if signatures and rng.random() < 0.6:  # a copy of an earlier signature with some values changed
            signature = signatures[rng.integers(len(signatures))].copy()
            changed = rng.choice(config.num_perm, int(rng.choice([0, 5, 20, 26, 40])), replace=False)
            signature[changed] = rng.integers(0, 2**32 - 1, len(changed), dtype=np.uint64).astype(np.uint32)
        else:
            signature = rng.integers(0, 2**32 - 1, config.num_perm, dtype=np.uint64).astype(np.uint32)
        signatures.append(signature)
        digest = f"{rng.integers(60):064x}" if rng.random() < 0.2 else f"{1000 + i:064x}"  # some texts repeat
        items.append((f"{i:016x}", {"text_sha256": digest, "minhash": base64.b64encode(signature.astype("<u4").tobytes()).decode()}))
    duplicates = Duplicates(config)
    try:
        found = [duplicates.check(article_id, item) for article_id, item in items]
    finally:
        duplicates.close()
    expected = _reference(config, items)
    assert found == expected and sum(x is not None for x in expected) > 100


def _datasketch_minhash(text: str, n: int, num_perm: int) -> str:
    """The signature as datasketch makes it from the set of the text's word n-grams (bytes), hashed with crc32."""
    import base64
    import re
    import zlib

    import numpy as np
    from datasketch import MinHash

    words = re.findall(r"\w+", text.casefold())
    grams = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
    minhash = MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32, scheme="affine32")
    minhash.update_batch(sorted(grams))
    return base64.b64encode(np.asarray(minhash.hashvalues, dtype="<u4").tobytes()).decode("ascii")


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("num_perm", [16, 128])
@pytest.mark.parametrize("text", [ORIGINAL, _edited(OTHER_STORY), "one", "two words", "a b c d e", "a b c d e f g",
                                  "Ünïcödé FAÇADE ǅ Straße İstanbul ΣΟΦΊΑΣ 東京 会議 ٣٤ _a_ b—c\u00a0d\u2003e 🎉 f",
                                  "spam " * 5000])
def test_signatures_are_datasketch_minhashes(text: str, n: int, num_perm: int) -> None:
    """The worker's n-gram hashing and permutations give datasketch's signature of the n-gram set, bit for bit."""
    config = build_config({"dedup": {"shingle_words": n, "num_perm": num_perm}}).dedup
    found = fingerprint({"text": text, "text_sha256": "0" * 64}, config)
    assert found is not None and found["minhash"] == _datasketch_minhash(text, n, num_perm)
