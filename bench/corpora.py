"""The extraction corpora, read where they lie, split by site or by suite into two halves.

    tune     pages we may read, misses and all, when changing a rule
    measure  pages we only score: their misses are never listed, so a rule that helps one
             half and not the other shows up as such

Nothing here is copied into the repository: the pages belong to their publishers and stay in
../shared or in snapshots fetched under /work/.mirror (git objects, read with `git cat-file`).
A corpus whose files are absent is skipped with a note, so a stranger's clone still runs.

| corpus            | half    | gold                               | from |
|-------------------|---------|------------------------------------|------|
| publicpages       | tune    | snippets, titles, dates            | ../shared/publicpages (htmldate's and trafilatura's suites, one half by site) |
| publicpages-held  | measure | snippets, titles, dates            | the rest of the same two suites, at the same commits, less ../shared/realpages |
| dragnet           | tune    | whole main text                    | dragnet's data (seomoz), via j-szulc/html-cleaning-dataset-merged |
| cleaneval-dev     | tune    | whole main text                    | CleanEval's development set, same mirror |
| cleaneval-final   | measure | whole main text                    | CleanEval's final set, same mirror |
| cleanportaleval   | measure | whole main text                    | ppke-nlpg/CleanPortalEval, same mirror |
| l3s-gn1           | measure | full text blocks, headline (title) | L3S-GN1 (Google News 2008), via geodrome/page-signal |
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# Where the search tool's `fetch` leaves snapshots (owner+name/repo, a bare git directory).
MIRROR = Path(os.environ.get("CORPORA_MIRROR", "/work/.mirror"))
TRAFILATURA = "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5"
HTMLDATE = "b8952828329abaeeb3be21387b526f2be614ce67"

HALVES = {
    "publicpages": "tune", "dragnet": "tune", "cleaneval-dev": "tune",
    "publicpages-held": "measure", "cleaneval-final": "measure",
    "cleanportaleval": "measure", "l3s-gn1": "measure",
}


@dataclass
class Case:
    """One page and what its suite says about it (keys: with/without, text, title, date)."""

    corpus: str
    id: str
    url: str
    html: bytes
    gold: dict[str, Any] = field(default_factory=dict)

    @property
    def half(self) -> str:
        return HALVES[self.corpus]


class Snapshot:
    """Files of one git snapshot, read through a single `git cat-file --batch` process."""

    def __init__(self, name: str) -> None:
        self.git_dir = MIRROR / name / "repo"
        self._proc: subprocess.Popen[bytes] | None = None

    def exists(self) -> bool:
        return self.git_dir.is_dir()

    def read(self, path: str, commit: str = "HEAD") -> bytes | None:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["git", "--git-dir", str(self.git_dir), "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(f"{commit}:{path}\n".encode())
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        if header[-1] == b"missing" or len(header) != 3:  # "<name> missing"; names hold spaces
            return None
        data = self._proc.stdout.read(int(header[2]))
        self._proc.stdout.read(1)  # the newline after each object
        return data

    def names(self, folder: str) -> list[str]:
        out = subprocess.run(["git", "--git-dir", str(self.git_dir), "ls-tree", "-r", "--name-only",
                              "HEAD", folder], capture_output=True, check=True)
        return [n for n in out.stdout.decode().splitlines() if not n.endswith(".DS_Store")]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def publicpages() -> Iterator[Case]:
    folder = SHARED / "publicpages"
    for suite in ("body", "dates"):
        for case in _jsonl(folder / f"{suite}.jsonl"):
            with gzip.open(folder / case["html_path"], "rb") as f:
                gold = case["gold"] if suite == "dates" else {  # its dates are the dates suite's
                    k: v for k, v in case["gold"].items() if k in ("with", "without", "title")}
                yield Case("publicpages", case["id"], case["url"], f.read(), gold)


def publicpages_held() -> Iterator[Case]:
    """The two suites' pages that ../shared/publicpages does not hold (the other sites)."""
    taken = {c["src_path"] for s in ("body", "dates")
             for c in _jsonl(SHARED / "publicpages" / f"{s}.jsonl")}
    for expected in (SHARED / "realpages" / "pages").glob("*.expected.json"):
        taken.add(json.loads(expected.read_text(encoding="utf-8"))["source"].split(":", 1)[1])
    traf, hdate = Snapshot("adbar+trafilatura"), Snapshot("adbar+htmldate")
    gold = json.loads(traf.read("tests/evaldata.json", TRAFILATURA) or b"{}")
    for url, item in gold.items():
        for path in (f"tests/cache/{item['file']}", f"tests/eval/{item['file']}"):
            html = traf.read(path, TRAFILATURA)
            if html is not None:
                break
        if html is None or path in taken:
            continue
        keep = {k: item[k] for k in ("with", "without", "title") if item.get(k)}
        yield Case("publicpages-held", f"body:{item['file']}", url, html, keep)
    for listing, folders in (("eval_default.json", ("cache", "eval")),
                             ("eval_mediacloud_2020.json", ("test_set",))):
        for url, item in json.loads(hdate.read(f"tests/{listing}", HTMLDATE) or b"{}").items():
            for folder in folders:
                path = f"tests/{folder}/{item['file']}"
                html = hdate.read(path, HTMLDATE)
                if html is not None:
                    break
            if html is None or path in taken:
                continue
            day = item.get("date")
            yield Case("publicpages-held", f"dates:{item['file']}", url, html,
                       {"date": day if isinstance(day, str) else None})


_CLEANEVAL_TAG = re.compile(r"^\s*<(?:h|p|l)>|^URL: .*$", re.MULTILINE)


def merged(corpus: str, folder: str) -> Iterator[Case]:
    """A suite of j-szulc/html-cleaning-dataset-merged: input/N.html beside GoldStandard/N.txt."""
    snap = Snapshot("j-szulc+html-cleaning-dataset-merged")
    for name in snap.names(f"{folder}/input"):
        stem = name.rsplit("/", 1)[1].rsplit(".", 1)[0]
        gold = snap.read(f"{folder}/GoldStandard/{stem}.txt")
        html = snap.read(name)
        if gold is None or html is None:
            continue
        text = gold.decode("utf-8", "replace")
        first = text.lstrip().split("\n", 1)[0]
        url = first[5:].strip() if first.startswith("URL: ") else f"http://{stem}.{corpus}.invalid/"
        if "_" in stem and corpus == "cleanportaleval":  # bbc.co.uk_news_01: the site first
            url = f"http://{stem.split('_', 1)[0]}/{stem}"
        yield Case(corpus, f"{corpus}:{stem}", url, html, {"text": _CLEANEVAL_TAG.sub(" ", text)})


def l3s_gn1() -> Iterator[Case]:
    """L3S-GN1: the annotated copy marks headline (x-nc-sel1) and full text (x-nc-sel2)."""
    import lxml.html

    snap = Snapshot("geodrome+page-signal")
    base = "L3S-GN1-20100130203947-00001"
    urls = dict(line.split("\t", 1) for line in
                (snap.read(f"{base}/url-mapping.txt") or b"").decode().splitlines() if "\t" in line)
    for name in snap.names(f"{base}/annotated"):
        uuid = name.rsplit("/", 1)[1].rsplit(".", 1)[0]
        annotated, html = snap.read(name), snap.read(f"{base}/original/{uuid}.html")
        if not annotated or html is None:
            continue
        doc = lxml.html.fromstring(annotated)
        title = " ".join(t.text_content() for t in doc.find_class("x-nc-sel1"))
        text = " ".join(t.text_content() for t in doc.find_class("x-nc-sel2"))
        url = urls.get(f"<urn:uuid:{uuid}>", f"http://{uuid}.l3s-gn1.invalid/").strip()
        yield Case("l3s-gn1", f"l3s:{uuid}", url, html, {"text": text, "title": title})


def load(corpus: str) -> Iterator[Case]:
    """The cases of one corpus, or none when its files are not on this machine."""
    sources = {
        "publicpages": (SHARED / "publicpages" / "body.jsonl", publicpages),
        "publicpages-held": (MIRROR / "adbar+trafilatura", publicpages_held),
        "dragnet": (MIRROR / "j-szulc+html-cleaning-dataset-merged",
                    lambda: merged("dragnet", "dragnet_data")),
        "cleaneval-dev": (MIRROR / "j-szulc+html-cleaning-dataset-merged",
                          lambda: merged("cleaneval-dev", "cleaneval-dev")),
        "cleaneval-final": (MIRROR / "j-szulc+html-cleaning-dataset-merged",
                            lambda: merged("cleaneval-final", "cleaneval-final")),
        "cleanportaleval": (MIRROR / "j-szulc+html-cleaning-dataset-merged",
                            lambda: merged("cleanportaleval", "CleanPortalEval-master")),
        "l3s-gn1": (MIRROR / "geodrome+page-signal", l3s_gn1),
    }
    where, loader = sources[corpus]
    if where.exists():
        yield from loader()
