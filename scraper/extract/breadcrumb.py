"""The breadcrumb trail above the page, from markup, as a list of item texts."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from .dom import HtmlElement, text_of, tokens
from .meta import jsonld, types
from .text import norm, squash

_TRAIL_CLASS = re.compile(r"breadcrumb|brotkr|ariane|crumbs")
# Weaker names, tried after the explicit ones: SPIP's "fil", "arbo", "hierarchie" …
_TRAIL_CLASS_WEAK = re.compile(
    r"(?:^|[\s_-])(?:fil|arbo|arborescence|chemin|hierarchie|you-are-here|news-position|"
    r"trail|pfad|migas)(?:$|[\s_-])"
)
_NOT_TRAIL = re.compile(r"comment|forum|footer|reply|repondre")
_ARIA_TRAIL = re.compile(r"breadcrumb|brotkr|fil d|ariane|chemin|migas|pfad|hierarch|位置|导航", re.IGNORECASE)
_SEPARATOR_CHARS = " »>›/|\\•·→:-–—"
_SPLIT = re.compile(r"\s+[»>›/|\\•·→]\s+|\s*[>›→]\s*|^\s*[»>›/|\\•·→]\s*|\s*[»>›/|\\•·→]\s*$")
# "You are here" labels in the twenty languages we read dates in, in every grammatical form a
# template uses (polite and familiar, singular and plural, "you are here" and "you are in"),
# with or without their colon. Arabic is matched without its short vowels (`drop_label`).
YOU_ARE_HERE: dict[str, tuple[str, ...]] = {
    "fr": (r"vous [eê]tes (?:ici|sur|dans|[aà])", r"tu es (?:ici|sur|dans)",
           r"vous vous trouvez (?:ici|sur|dans)", r"o[uù] suis-je", r"fil d['’]ariane"),
    "en": (r"you(?: are|['’]re) (?:here|in|at|on)", r"your location", r"current location",
           r"breadcrumbs?"),
    "es": (r"(?:usted )?est[aá] (?:aqu[ií]|en)", r"est[aá]s (?:aqu[ií]|en)",
           r"(?:ustedes )?est[aá]n (?:aqu[ií]|en)", r"(?:vosotros )?est[aá]is (?:aqu[ií]|en)",
           r"(?:usted )?se encuentra (?:aqu[ií]|en)", r"te encuentras (?:aqu[ií]|en)",
           r"se encuentran (?:aqu[ií]|en)", r"ruta de navegaci[oó]n", r"migas de pan"),
    "it": (r"(?:tu )?sei (?:qui|in)", r"(?:voi )?siete (?:qui|in)", r"(?:lei )?[eè] qui",
           r"ti trovi (?:qui|in)", r"vi trovate (?:qui|in)", r"si trova (?:qui|in)"),
    "pt": (r"voc[eê] est[aá] (?:aqui|em)", r"voc[eê]s est[aã]o (?:aqui|em)",
           r"(?:tu )?est[aá]s (?:aqui|em)", r"est[aá] aqu[ií]", r"encontra-se (?:aqui|em)",
           r"encontras-te (?:aqui|em)", r"voc[eê] se encontra (?:aqui|em)"),
    "de": (r"sie (?:sind|befinden sich) hier", r"sie befinden sich(?: auf| in)?",
           r"du bist hier", r"ihr seid hier", r"du befindest dich(?: hier)?",
           r"ihr befindet euch(?: hier)?", r"navigationspfad", r"aktuelle seite"),
    "nl": (r"(?:u|je|jij) bent (?:nu )?hier", r"jullie zijn hier",
           r"u bevindt zich (?:hier|in|op)", r"je bevindt je (?:hier|in|op)",
           r"jullie bevinden (?:je|zich) (?:hier|in|op)", r"kruimelpad"),
    "pl": (r"jeste[sś] (?:tutaj|tu|w)", r"jeste[sś]cie (?:tutaj|tu|w)", r"tu jeste[sś](?:cie)?",
           r"znajdujesz si[eę] (?:w|tutaj|tu)", r"znajdujecie si[eę] (?:w|tutaj|tu)",
           r"(?:pan|pani|pa[nń]stwo) (?:jest|s[aą]) (?:tutaj|tu)"),
    "tr": (r"[şs]u ?an(?:da)? buradas[ıi]n(?:[ıi]z)?", r"buradas[ıi]n(?:[ıi]z)?",
           r"bulundu[ğg]unuz (?:yer|sayfa)", r"bulundu[ğg]un (?:yer|sayfa)", r"konumunuz",
           r"konumun"),
    "ru": (r"вы (?:сейчас )?здесь", r"ты здесь", r"вы находитесь(?: здесь| в разделе| на странице)?",
           r"ты находишься(?: здесь)?"),
    "uk": (r"ви тут", r"ти тут", r"ви знаходитес[яь]", r"ти знаходишся",
           r"ви перебуваєте(?: тут)?", r"ти перебуваєш(?: тут)?"),
    "ar": (r"[أإا]نت(?:م|ن|ما)? (?:الآن )?(?:هنا|في)", r"مكانك(?:م)?", r"موقعك(?:م)?(?: الحالي)?"),
    "fa": (r"(?:شما )?(?:در )?اینجا هستید", r"(?:تو )?اینجا هستی", r"شما اینجایید",
           r"مکان شما", r"موقعیت شما"),
    "sr": (r"ви сте (?:овде|овдје|ту)", r"ти си (?:овде|овдје|ту)", r"vi ste (?:ovde|ovdje|tu)",
           r"ti si (?:ovde|ovdje|tu)", r"налазите се(?: овде)?", r"налазиш се(?: овде)?",
           r"nalazite se(?: ovde)?", r"nalazi[sš] se(?: ovde)?"),
    "hu": (r"[öo]n itt (?:van|j[aá]r|[aá]ll)", r"[öo]n[öo]k itt (?:vannak|j[aá]rnak)",
           r"itt vagy(?:tok)?", r"jelenlegi hely(?:e)?"),
    "he": (r"(?:אתה|את|הנך|הינך|את/ה|אתם|אתן) נמצא(?:/ת|ת|ים|ות)? (?:כאן|ב)",
           r"(?:אתה|את|אתם|אתן) כאן", r"מיקומך"),
    "vi": (r"(?:c[aá]c )?b[aạ]n đang [oở](?: đây)?", r"qu[yý] (?:kh[aá]ch|v[iị]) đang [oở](?: đây)?",
           r"v[iị] tr[ií] c[uủ]a b[aạ]n"),
    "zh": (r"[当當]前位置", r"[您你](?:现在|現在|当前|當前)?的位置", r"[现現]在位置", r"所在位置",
           r"[您你]在[这這][里裡]"),
    "ja": (r"現在地", r"現在(?:の)?位置", r"現在(?:表示中)?のページ", r"あなたはここにいます"),
    "ko": (r"현재 ?위치", r"현위치", r"(?:당신은 )?여기에 있습니다", r"현재 ?페이지"),
}
# A label ends a word ("Estás en", not "Estás en" of "Estás entrando"), except in Chinese and
# Japanese, which set no space between the label and the first item.
_LABEL = re.compile(
    r"^(?:" + "|".join(f + ("" if lang in ("zh", "ja") else r"(?!\w)")
                       for lang, forms in YOU_ARE_HERE.items() for f in forms)
    + r")\s*[:：]?\s*",
    re.IGNORECASE,
)
# Arabic short vowels, shadda, sukun and the tatweel: "أنتَ هنا" is "أنت هنا".
_MARKS = frozenset(chr(c) for c in [*range(0x064B, 0x0653), 0x0640, 0x0670])


def drop_label(item: str) -> str:
    """The item without a leading "you are here" label (and its colon)."""
    kept = [i for i, ch in enumerate(item) if ch not in _MARKS]
    m = _LABEL.match("".join(item[i] for i in kept))
    if m is None or not m.end():
        return item
    return item[kept[m.end()]:] if m.end() < len(kept) else ""


_MAX_ITEM = 80
_MAX_ITEMS = 12


def _from_jsonld(doc: HtmlElement) -> list[str]:
    for obj in jsonld(doc):
        if "BreadcrumbList" not in types(obj):
            continue
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        ordered = sorted(
            (i for i in items if isinstance(i, dict)), key=lambda i: _position(i.get("position"))
        )
        names = [norm(str(_name(i) or "")) for i in ordered]
        if any(names):
            return names
    return []


def _position(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _name(item: dict[str, Any]) -> Any:
    if item.get("name"):
        return item["name"]
    inner = item.get("item")
    return inner.get("name") if isinstance(inner, dict) else None


# Through the attributes: libxml2 scans them faster than Python reads every element's.
_MICRODATA_TRAILS = etree.XPath("//@itemtype[contains(., 'BreadcrumbList')]/..")
# Elements with two <a> children or more, in document order: the link trails' candidates.
_TWO_LINKS = etree.XPath("//a[2]/parent::*[self::p or self::div or self::span or self::nav]")


def _from_microdata(doc: HtmlElement) -> list[str]:
    for el in _MICRODATA_TRAILS(doc):
        names = [
            text_of(n) for n in el.iter()
            if isinstance(n.tag, str) and n.get("itemprop") == "name"
        ]
        if any(names):
            return names
    return []


@lru_cache(maxsize=4096)
def _trail_names(names: str) -> str | None:
    """"not" (comments, footers), "strong", "weak" or None for one element's class and id."""
    if _NOT_TRAIL.search(names):
        return "not"
    if _TRAIL_CLASS.search(names):
        return "strong"
    return "weak" if _TRAIL_CLASS_WEAK.search(names) else None


def _containers(
    doc: HtmlElement, attributed: list[tuple[HtmlElement, str, str]] | None = None
) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """The outermost elements named as trails, strongly and weakly, in document order.

    `attributed` (from `content.measure`'s walk: element, class-and-id, aria-label) spares
    a second look at every element of the page.
    """
    if attributed is None:
        attributed = [(el, tokens(el), el.get("aria-label") or "")
                      for el in doc.iter() if isinstance(el.tag, str)]
    strong: list[HtmlElement] = []
    weak: list[HtmlElement] = []
    for el, names, label in attributed:
        kind = _trail_names(names) if names else None
        if kind == "not" or (kind is None and not label):
            continue  # most elements: their tag is not even looked at
        if el.tag in ("html", "body", "head", "script", "a"):
            continue
        if (label and _ARIA_TRAIL.search(label)) or kind == "strong":
            strong.append(el)
        elif kind == "weak":
            weak.append(el)
    return _outermost(strong), _outermost(weak)


def _outermost(found: list[HtmlElement]) -> list[HtmlElement]:
    """Those not inside another one; in document order (disjoint subtrees keep it)."""
    chosen = set(found)
    return [el for el in found if not any(a in chosen for a in el.iterancestors())]




def _items(box: HtmlElement) -> list[str]:
    """Top-level <li> texts; else each link, and text between links split at separators."""
    lis = [li for li in box.iter("li") if not any(a.tag == "li" for a in _between(li, box))]
    if lis:
        return [text_of(li) for li in lis]
    items: list[str] = []
    text_parts: list[str] = []

    def flush_text() -> None:
        items.extend(_SPLIT.split(norm("".join(text_parts))))
        text_parts.clear()

    walker = box.iter()
    next(walker)
    text_parts.append(box.text or "")
    links = [a for a in box.iter("a")]
    covered: set[HtmlElement] = set()
    for el in walker:
        if el in covered or not isinstance(el.tag, str):
            if el not in covered:
                text_parts.append(el.tail or "")
            continue
        if el.tag == "a":
            flush_text()
            items.append(text_of(el))
            covered.update(el.iterdescendants())
        elif el.tag in ("script", "style"):
            covered.update(el.iterdescendants())
        else:
            text_parts.append(el.text or "")
        text_parts.append(el.tail or "")
    flush_text()
    # Icons' letters ("i") and comment counts ("27") sit among a trail's links: not crumbs.
    items = [i for i in items if len(norm(i)) > 1 and not norm(i).isdigit()]
    return items if links else _SPLIT.split(text_of(box))


def _between(el: HtmlElement, box: HtmlElement) -> list[HtmlElement]:
    out: list[HtmlElement] = []
    for anc in el.iterancestors():
        if anc is box:
            return out
        out.append(anc)
    return out


def _clean(items: list[str], title: str | None) -> list[str]:
    cleaned: list[str] = []
    for item in items:
        item = norm(item)
        if not cleaned:
            item = drop_label(item)
        item = _strip_separators(item)
        if not item:
            continue
        cleaned.append(item)
    while cleaned and cleaned[0].endswith((":", "：")):
        cleaned.pop(0)
    if cleaned and title and _repeats_title(cleaned[-1], title):
        cleaned.pop()
    return cleaned


def _repeats_title(item: str, title: str) -> bool:
    """The trail's last item is the page's title, whole or cut short ("Visite du …").

    A rubrique whose name merely opens the title ("Actualités" over "Actualités de
    l'ambassade") is the trail's own last step: kept.
    """
    key = squash(title)
    if squash(item) == key:
        return True
    stem = squash(item.rstrip(".… "))
    if len(stem) < 8 or not key.startswith(stem):
        return False
    return item.rstrip().endswith(("…", "...")) or len(stem) >= 0.6 * len(key)


def _strip_separators(item: str) -> str:
    item = item.strip(_SEPARATOR_CHARS.replace("»", ""))
    if item.startswith("»") or (item.endswith("»") and "«" not in item):
        item = item.strip("» ")
    return item


def _plausible(items: list[str]) -> bool:
    return 0 < len(items) <= _MAX_ITEMS and all(len(i) <= _MAX_ITEM for i in items)


def _link_trail(doc: HtmlElement, url: str) -> list[str]:
    """A paragraph or div of links from the home page separated by », >, › or /."""
    for el in _TWO_LINKS(doc):
        links = [c for c in el if isinstance(c.tag, str) and c.tag == "a"]
        if len(links) < 2 or len(links) != len(el.findall(".//a")):
            continue
        href = links[0].get("href") or ""
        parts = urlsplit(href)
        if parts.path not in ("", "/", "/index.html", "/index.php") or parts.query:
            continue
        if parts.netloc and parts.netloc.lower() != urlsplit(url).netloc.lower():
            continue  # the home page of another site: a network menu, not a trail
        between = " ".join(norm(c.tail) for c in links[:-1])
        if not between or any(ch.isalnum() for ch in between):
            continue
        if all(s in _SEPARATOR_CHARS for s in between.replace(" ", "")):
            return _items(el)
    return []


def find_breadcrumb(
    doc: HtmlElement, title: str | None, chosen: HtmlElement | None = None, url: str = "",
    attributed: list[tuple[HtmlElement, str, str]] | None = None,
) -> list[str]:
    """The trail above the page: a profile's element, markup, JSON-LD, microdata, link trail.

    `attributed` is `content.Measures.attributed`, when the caller measured the page.
    """
    if chosen is not None:
        return _clean(_items(chosen), title)
    strong, weak = _containers(doc, attributed)
    for box in strong + weak:
        items = _clean(_items(box), title)
        if _plausible(items):
            return items
    if strong:
        return []  # an explicit breadcrumb holding only a home icon and the title
    for found in (_from_jsonld(doc), _from_microdata(doc), _link_trail(doc, url)):
        items = _clean(found, title)
        if _plausible(items):
            return items
    return []
