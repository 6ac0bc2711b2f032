#!/usr/bin/env python3
"""The locked validation split: about 30% of each dev set's sites, chosen by a hash of the site.

Usage: split.py SHARED_BENCH_DIR [--out bench/splits]

Writes OUT/<set>.json: {"validation": [ids], "train": [ids], "groups": {id: site}}. The split is a
function of each page's site alone (registered domain, or for tfeval's "name::site-slug" ids the
site part), so a site's pages are never on both sides and new pages of a known site land where
its other pages are. Nothing in error analysis, rule writing or threshold choice may read the
validation ids' pages; bench scripts take --split to score them, or to leave them out of training.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

SETS = ("scrapinghub", "wcxb", "tfeval")
SHARE = 0.30
SALT = "locked-split-v1"
# Second-level labels that are not the site's own name (example.co.uk, jis.gov.jm).
_SECOND = {"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go"}
# Hosts whose subdomains are separate sites.
_HOSTED = {"wordpress.com", "blogspot.com", "hypotheses.org", "substack.com", "medium.com", "github.io", "tumblr.com"}
_TLD = re.compile(r"^(com|org|net|info|io|eu|gov|edu|biz|[a-z]{2})$")


def site(url: str) -> str:
    """The site of a page: its registered domain (a hosted blog's own subdomain; an archived page's origin)."""
    if "://" in url:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host == "web.archive.org" and "://" in parts.path:
            return site(parts.path[parts.path.index("/", 5) + 1:])
        labels = host.split(".")
    else:
        # 'hard::mercurynews.com.2023.01.16.letters-1119.html': the host's labels run up to the first
        # top-level-like label (and a country code after it); the rest is the page's slug.
        names = url.split("::", 1)[-1].lower().split("-", 1)[0].split(".")
        labels = []
        for i, label in enumerate(names):
            labels.append(label)
            if i and _TLD.match(label):
                if i + 1 < len(names) and re.fullmatch(r"[a-z]{2}", names[i + 1]):
                    labels.append(names[i + 1])
                break
    labels = [x for x in labels if x]
    keep = 3 if len(labels) >= 3 and (labels[-2] in _SECOND or ".".join(labels[-2:]) in _HOSTED) else 2
    return ".".join(labels[-keep:])


def locked(group: str) -> bool:
    """Whether a site's pages belong to the locked validation split."""
    digest = hashlib.sha256(f"{SALT}:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < SHARE


def main() -> None:
    """Writes one split file per dev set."""
    ap = argparse.ArgumentParser()
    ap.add_argument("bench", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "splits")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in SETS:
        groups = {}
        for p in sorted((args.bench / name / "gold").glob("*.json")):
            url = json.loads(p.read_text()).get("url") or ""
            # A page without a URL is a site of its own.
            groups[p.stem] = site(url) if "." in url else f"unknown:{p.stem}"
        val = sorted(i for i, g in groups.items() if locked(g))
        train = sorted(i for i in groups if i not in set(val))
        (args.out / f"{name}.json").write_text(json.dumps({"validation": val, "train": train, "groups": groups}, indent=1) + "\n")
        print(f"{name}: {len(val)} validation / {len(train)} train pages, {len(set(groups.values()))} sites")


if __name__ == "__main__":
    main()
