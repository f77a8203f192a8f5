"""The sample site's hand-written content: YAML under content/, loaded into small frozen records."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"
ARTICLE_FILES = ("seed.yml", "articles_fr.yml", "articles_intl.yml")
SEED_PATH = "/Le-Service-de-Securite-Interieure"


def seed_dir() -> Path | None:
    """Where the founding page's expected extraction lies, if anywhere.

    `EMBASSY_ARCHIVE_SEED` names the folder (`make demo` and the tests set it to the team's
    `../shared/seed` when it lies beside the repository). The installed package never looks
    outside itself, and the repository holds none of that text.
    """
    named = os.environ.get("EMBASSY_ARCHIVE_SEED")
    if not named:
        return None
    folder = Path(named)
    return folder if (folder / "expected.json").is_file() else None


def _with_seed_text(raw: dict[str, Any]) -> dict[str, Any]:
    """The seed article with the founding page's own title and sections, when they are at hand."""
    folder = seed_dir()
    if raw.get("path") != SEED_PATH or folder is None:
        return raw
    try:
        seed = json.loads((folder / "expected.json").read_text("utf-8"))
        body: list[Any] = []
        for section in seed["sections"]:
            if section["heading"]:
                body.append({"h": section["heading"]})
            body.extend(section["paragraphs"])
        return {**raw, "title": seed["title"], "body": body}
    except (OSError, ValueError, KeyError, TypeError):
        return raw  # a damaged seed folder leaves our stand-in text in place


@dataclass(frozen=True)
class Block:
    """One body item: a paragraph, or an SPIP sub-heading (h3.spip) when `heading` is true."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    label: str | None = None  # document type label such as "PDF - 98 kB"


@dataclass(frozen=True)
class Article:
    id: int
    path: str  # decoded (not percent-encoded) clean URL path
    lang: str
    rubrique: int
    title: str
    body: tuple[Block, ...]
    published: date | None = None
    modified: date | None = None
    # "publie": "publié le …" (+ "mis à jour le …" when modified); "derniere-modif": only
    # "Dernière modification : dd/mm/yyyy"; "updated": only "Updated dd/mm/yyyy".
    date_style: str = "publie"
    chapo: str | None = None
    trad: str | None = None
    documents: tuple[Link, ...] = ()
    links: tuple[Link, ...] = ()
    charset: str = "utf-8"
    editions: tuple[int, ...] = (1, 2)

    @property
    def sort_date(self) -> date:
        return self.published or self.modified or date(2010, 1, 1)

    @property
    def last_date(self) -> date:
        return max(d for d in (self.published, self.modified, date(2010, 1, 1)) if d)


@dataclass(frozen=True)
class Rubrique:
    id: int
    path: str
    lang: str
    title: str
    parent: int | None
    intro: str = ""
    children: tuple[int, ...] = field(default=())


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _blocks(items: list[Any]) -> tuple[Block, ...]:
    return tuple(
        Block(str(item["h"]), heading=True) if isinstance(item, dict) else Block(str(item))
        for item in items
    )


def _links(items: list[dict[str, Any]] | None) -> tuple[Link, ...]:
    return tuple(Link(i["href"], i["text"], i.get("label")) for i in items or ())


def _article(raw: dict[str, Any], edition: int) -> Article:
    if edition == 2 and "edition2" in raw:
        raw = {**raw, **raw["edition2"]}
    return Article(
        id=int(raw["id"]),
        path=raw["path"],
        lang=raw["lang"],
        rubrique=int(raw["rubrique"]),
        title=str(raw["title"]),
        body=_blocks(raw.get("body") or []),
        published=_date(raw.get("published")),
        modified=_date(raw.get("modified")),
        date_style=raw.get("date_style", "publie"),
        chapo=raw.get("chapo"),
        trad=raw.get("trad"),
        documents=_links(raw.get("documents")),
        links=_links(raw.get("links")),
        charset=raw.get("charset", "utf-8"),
        editions=tuple(raw.get("editions", (1, 2))),
    )


@cache
def _raw_articles() -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for name in ARTICLE_FILES:
        raws = yaml.safe_load((CONTENT_DIR / name).read_text("utf-8"))["articles"]
        out.extend(_with_seed_text(raw) for raw in raws)
    return tuple(out)


@cache
def load_articles(edition: int) -> tuple[Article, ...]:
    """Every hand-written article present in `edition` (1 or 2)."""
    arts = (_article(raw, edition) for raw in _raw_articles())
    return tuple(a for a in arts if edition in a.editions)


@cache
def removed_articles(edition: int) -> tuple[Article, ...]:
    """Articles of another edition that this edition no longer has (served as 410 Gone)."""
    if edition == 1:
        return ()
    present = {a.id for a in load_articles(edition)}
    others = (_article(raw, 1) for raw in _raw_articles())
    return tuple(a for a in others if a.id not in present)


@cache
def load_rubriques() -> tuple[Rubrique, ...]:
    raw = yaml.safe_load((CONTENT_DIR / "rubriques.yml").read_text("utf-8"))["rubriques"]
    rubs = [Rubrique(int(r["id"]), r["path"], r["lang"], r["title"], r["parent"], r["intro"])
            for r in raw]
    return tuple(
        Rubrique(r.id, r.path, r.lang, r.title, r.parent, r.intro,
                 tuple(c.id for c in rubs if c.parent == r.id))
        for r in rubs
    )
