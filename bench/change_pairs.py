"""Labelled version pairs for the change classifier (archive/changes.py).

Three sources, every pair labelled by hand with the class a researcher would give it:
- the sample site's two editions (scraper/sample_site): the page edition 2 rewrote, the page
  it added and the page it removed;
- edits written for the sample site's articles in five languages (fr en es ar zh): each edit
  below says what it does and the class it is labelled with (a footer date moved is `dates`,
  a telephone number changed is `numbers` ...), applied to one article in three;
- free-form pairs written whole, the hard cases (bench/data/change_pairs.yml): a deadline
  moved in a sentence, a renamed heading, a reordered list, a footer and a fee changed at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scraper.sample_site.content import Article, load_articles, removed_articles

DATA = Path(__file__).resolve().parent / "data" / "change_pairs.yml"
HELDOUT = DATA.with_name("change_pairs_heldout.yml")
Version = dict[str, Any]


@dataclass(frozen=True)
class Pair:
    name: str
    label: str
    old: Version | None
    new: Version | None
    url: str = "http://ml.ambafrance.org/Article-1"


def version_of(article: Article, footer: str | None = None) -> Version:
    """An article as the archive stores a version: title, dates, sections and whole text."""
    sections: list[dict[str, Any]] = [{"heading": None, "level": 0, "text": ""}]
    if article.chapo:
        sections[0]["text"] = article.chapo
    for block in article.body:
        if block.heading:
            sections.append({"heading": block.text, "level": 2, "text": ""})
        else:
            last = sections[-1]
            last["text"] = (last["text"] + "\n" + block.text).strip("\n")
    if footer:
        sections[-1]["text"] = (sections[-1]["text"] + "\n" + footer).strip("\n")
    sections = [s for s in sections if s["heading"] or s["text"]]
    return {
        "title": article.title,
        "published": str(article.published) if article.published else None,
        "modified": str(article.modified) if article.modified else None,
        "sections": sections,
        "text": "\n\n".join(x for s in sections for x in (s["heading"], s["text"]) if x),
    }


def _retext(version: Version) -> Version:
    version["text"] = "\n\n".join(
        x for s in version["sections"] for x in (s.get("heading"), s.get("text")) if x)
    return version


def _copy(version: Version) -> Version:
    return json.loads(json.dumps(version))  # type: ignore[no-any-return]


# Words each edit writes, in the article's language.
PHRASES: dict[str, dict[str, str]] = {
    "fr": {"footer": "Dernière modification : {d}", "share": "Partager cette page",
           "contact": "Contact : {e}, tél. {n}",
           "fee": "Les frais de dossier sont de {n} euros.",
           "deadline": "Les dossiers sont reçus jusqu’au {d}.",
           "rewrite": "Cette mesure est suspendue jusqu’à nouvel ordre pour tous les demandeurs.",
           "heading": "DOCUMENTS À FOURNIR",
           "section": "Un justificatif de domicile et deux photographies d’identité récentes."},
    "en": {"footer": "Updated {d}", "share": "Share this page",
           "contact": "Contact: {e}, tel. {n}",
           "fee": "The processing fee is {n} euros.",
           "deadline": "Applications are accepted until {d}.",
           "rewrite": "This service is suspended until further notice for every applicant.",
           "heading": "DOCUMENTS REQUIRED",
           "section": "Proof of address and two recent passport photographs."},
    "es": {"footer": "Dernière modification : {d}", "share": "Compartir",
           "contact": "Contacto: {e}, tel. {n}",
           "fee": "La tasa de tramitación es de {n} euros.",
           "deadline": "Las solicitudes se reciben hasta el {d}.",
           "rewrite": "Este servicio queda suspendido hasta nuevo aviso para todos los solicitantes.",
           "heading": "DOCUMENTOS NECESARIOS",
           "section": "Un comprobante de domicilio y dos fotografías recientes."},
    "ar": {"footer": "آخر تحديث {d}", "share": "مشاركة",
           "contact": "للتواصل: {e}، هاتف {n}",
           "fee": "رسوم الملف {n} يورو.",
           "deadline": "تقبل الطلبات حتى {d}.",
           "rewrite": "تم تعليق هذه الخدمة حتى إشعار آخر لجميع المتقدمين.",
           "heading": "المستندات المطلوبة",
           "section": "إثبات عنوان السكن وصورتان شخصيتان حديثتان."},
    "zh": {"footer": "更新于 {d}", "share": "分享",
           "contact": "联系方式：{e}，电话 {n}",
           "fee": "申请费为{n}欧元。",
           "deadline": "申请截止日期为{d}。",
           "rewrite": "该服务暂停办理，恢复时间另行通知。",
           "heading": "所需材料",
           "section": "住址证明和两张近期证件照片。"},
}
DATES = {"fr": ("16/11/2017", "08/01/2018"), "en": ("28/08/2013", "02/09/2014"),
         "es": ("16/11/2017", "08/01/2018"), "ar": ("2017/11/16", "2018/01/08"),
         "zh": ("2017年11月16日", "2018年1月8日")}
PROSE_DATES = {"fr": ("12 mars 2018", "30 avril 2018"), "en": ("12 March 2018", "30 April 2018"),
               "es": ("12 de marzo de 2018", "30 de abril de 2018"),
               "ar": ("12 مارس 2018", "30 أبريل 2018"), "zh": ("2018年3月12日", "2018年4月30日")}


def _add_line(v: Version, line: str, where: int = -1) -> Version:
    s = v["sections"][where]
    s["text"] = (s["text"] + "\n" + line).strip("\n")
    return _retext(v)


Edit = Callable[[Article, dict[str, str]], tuple[Version, Version]]


def _footer(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    d1, d2 = DATES[a.lang]
    old = version_of(a, p["footer"].format(d=d1))
    new = version_of(a, p["footer"].format(d=d2))
    new["modified"] = "2018-01-08"
    return old, new


def _modified(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    old = version_of(a)
    new = {**_copy(old), "modified": "2019-05-02"}
    return old, new


def _share(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    old = version_of(a)
    return old, _add_line(_copy(old), p["share"])


def _with(line_old: str, line_new: str) -> Edit:
    def edit(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
        base = version_of(a)
        return (_add_line(_copy(base), line_old.format_map(_Fill(p, a.lang, 0))),
                _add_line(_copy(base), line_new.format_map(_Fill(p, a.lang, 1))))
    return edit


class _Fill(dict[str, str]):
    """Format values for a phrase: {contact}, {fee} ... filled in the article's language."""

    def __init__(self, phrases: dict[str, str], lang: str, side: int) -> None:
        super().__init__()
        self.phrases, self.lang, self.side = phrases, lang, side

    def __missing__(self, key: str) -> str:
        numbers = {"contact": ("+223 20 70 75 00", "+223 20 70 75 15"), "fee": ("60", "99")}
        if key in numbers:
            return self.phrases[key].format(n=numbers[key][self.side], e="visas@ambafrance.org")
        if key == "deadline":
            return self.phrases[key].format(d=PROSE_DATES[self.lang][self.side])
        if key == "email":
            address = ("consulat@ambafrance-ml.org", "visas.bamako@diplomatie.gouv.fr")
            return self.phrases["contact"].format(n="+223 20 70 75 00", e=address[self.side])
        return self.phrases[key]


def _rewrite(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    old = version_of(a)
    new = _copy(old)
    paragraphs = new["sections"][0]["text"].split("\n")
    paragraphs[-1] = p["rewrite"]
    new["sections"][0]["text"] = "\n".join(paragraphs)
    return old, _retext(new)


def _cut(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    old = version_of(a)
    new = _copy(old)
    text = new["sections"][-1]["text"]
    paragraphs = text.split("\n")
    if len(paragraphs) > 1:
        paragraphs = paragraphs[:-1]
    else:  # one paragraph: its second half goes
        paragraphs = [text[: len(text) // 2]]
    new["sections"][-1]["text"] = "\n".join(paragraphs)
    return old, _retext(new)


def _title(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    old = version_of(a)
    new = {**_copy(old), "title": p["rewrite"]}
    return old, _retext(new)


def _add_section(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    old = version_of(a)
    new = _copy(old)
    new["sections"].append({"heading": p["heading"], "level": 2, "text": p["section"]})
    return old, _retext(new)


def _remove_section(a: Article, p: dict[str, str]) -> tuple[Version, Version]:
    new, old = _add_section(a, p)
    return new, old


EDITS: list[tuple[str, str, Edit]] = [
    ("footer date moved", "dates", _footer),
    ("modification date only", "dates", _modified),
    ("share label added", "dates", _share),
    ("telephone changed", "numbers", _with("{contact}", "{contact}")),
    ("e-mail changed", "numbers", _with("{email}", "{email}")),
    ("fee changed", "numbers", _with("{fee}", "{fee}")),
    ("deadline moved in a sentence", "numbers", _with("{deadline}", "{deadline}")),
    ("paragraph rewritten", "edited", _rewrite),
    ("paragraph cut", "edited", _cut),
    ("title rewritten", "edited", _title),
    ("section added", "sections", _add_section),
    ("section removed", "sections", _remove_section),
]


def written_pairs() -> Iterator[Pair]:
    """Edits of the sample site's articles: one article in three, every edit on each."""
    for article in load_articles(1)[::3]:
        phrases = PHRASES[article.lang]
        for name, label, edit in EDITS:
            old, new = edit(article, phrases)
            yield Pair(f"{article.id} {article.lang}: {name}", label, old, new)
        if article.id % 2:
            yield Pair(f"{article.id} {article.lang}: published", "new", None, version_of(article))
        else:
            yield Pair(f"{article.id} {article.lang}: removed", "gone", version_of(article), None)


def edition_pairs() -> Iterator[Pair]:
    """The sample site's own editions: what edition 2 changed, added and removed."""
    first = {a.id: a for a in load_articles(1)}
    for article in load_articles(2):
        before = first.get(article.id)
        if before is None:
            yield Pair(f"edition 2 adds {article.id}", "new", None, version_of(article))
        elif before != article:
            # Edition 2 rewrote the opening hours' paragraph and dated it: labelled by hand.
            yield Pair(f"edition 2 changes {article.id}", "edited", version_of(before),
                       version_of(article))
    for article in removed_articles(2):
        yield Pair(f"edition 2 removes {article.id}", "gone", version_of(article), None)


def free_pairs(path: Path = DATA) -> Iterator[Pair]:
    """The pairs written whole in bench/data/change_pairs.yml (or `path`)."""
    for raw in yaml.safe_load(path.read_text("utf-8"))["pairs"]:
        yield Pair(raw["name"], raw["label"], _free(raw.get("old")), _free(raw.get("new")),
                   raw.get("url", Pair.url))


def _free(value: Any) -> Version | None:
    if value is None:
        return None
    sections = [{"heading": s.get("h"), "level": 2 if s.get("h") else 0, "text": s.get("t", "")}
                for s in value.get("sections", [])]
    return _retext({"title": value.get("title"), "published": value.get("published"),
                    "modified": value.get("modified"), "sections": sections})


def all_pairs() -> list[Pair]:
    """Every labelled pair the rules were settled on."""
    return [*edition_pairs(), *written_pairs(), *free_pairs()]


def heldout_pairs() -> list[Pair]:
    """Pairs written after the rules were settled, scored apart."""
    return list(free_pairs(HELDOUT))
