"""Measuring the page for its main content: boilerplate marking and a paragraph score.

One iterative pass over the body measures every element (text, link text, paragraph score,
over its whole subtree too); `choose.choose_main` picks the article from these readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from .date_words import HIDDEN_CLASSES
from .dom import HEADINGS, NON_TEXT, HtmlElement, tokens
from .furniture import VERSION_LABELS

# Class or id words that never wrap an article: drop these subtrees wherever they are.
STRONG = re.compile(
    r"(?:^|[\s_-])(?:comments?|commentaires?|forum|reactions?|share|sharing|partage|partager|"
    r"social|socials|sociaux|related|similar|recommend\w*|newsletter|subscribe|abonnement|"
    r"cookies?|cookie-banner|consent|gdpr|privacy|dialog|breadcrumbs?|ariane|hierarchie|pagination|pager|skiplinks?|"
    r"skip|sidebar|widgets?|promo|advert\w*|ads|login|connexion|search|recherche|rss|tags|"
    r"mots|motscles|keywords|toolbar|outils|caption|captions|credits?|legende|modal|popup|"
    r"sr-only-focusable|print|imprimer|lesplus|most-read|plus-lus|cta|paywall|"
    r"documents_joints|spip_doc|traductions|tradlang|font-tools|back-to-top|postscriptum|"
    r"ps|notes|accordion|author|authors|author-bio|about-author|kommentare?|pourciter|infobox|"
    r"contact|kontakt|rueckfrage\w*|trackbacks?|postmetadata|follow-button)(?:$|[\s_-])"
)
# Words that mark page furniture but sometimes wrap the whole page: dropped only when they
# hold less than half of the document's prose.
_WEAK = re.compile(
    r"(?:^|[\s_-])(?:header|entete|masthead|nav|navbar|navigation|menu|footer|pied|aside|"
    r"extra|secondary|top|bottom|banner|overlay|toggler|wrapper-nav|teasers?)(?:$|[\s_-])"
)
# Of those, the words that inside an article name its own parts (the header with the lead,
# a "teaser" paragraph that is the lead, a top or bottom block): read there when not links.
_ARTICLE_PARTS = re.compile(
    r"(?:^|[\s_-])(?:header|entete|top|bottom|teasers?|intro|banner)(?:$|[\s_-])"
)
_WEAK_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "menu"})
_PARAGRAPHS = frozenset({"p", "pre", "blockquote", "td", "dd"})
# Screen-reader-only text: announced, never shown, so not a visible heading or title.
HIDDEN_CLASS = re.compile(
    r"visually-?hidden|sr-only|screen-reader|element-invisible|is-aural|(?:^|\s)hidden(?:$|\s)"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class Measures:
    """What one pass over the document learned about each element."""

    text: dict[HtmlElement, int] = field(default_factory=dict)
    links: dict[HtmlElement, int] = field(default_factory=dict)
    score: dict[HtmlElement, float] = field(default_factory=dict)
    # Paragraph points of the whole subtree: an article split over sibling blocks adds up here.
    deep: dict[HtmlElement, float] = field(default_factory=dict)
    skip: set[HtmlElement] = field(default_factory=set)
    # Skipped for their tag or class and id words: True for a strong word. Inside the
    # article's container, some name the article's own parts (`body_skip`).
    named: dict[HtmlElement, bool] = field(default_factory=dict)
    # (element, its "class id" lower-cased, its aria-label) for every element of the body
    # that has any of them, children before parents: the breadcrumb's candidates.
    attributed: list[tuple[HtmlElement, str, str]] = field(default_factory=list)
    # Elements holding an "Also available in" label, over the article's translations.
    versions: list[HtmlElement] = field(default_factory=list)
    # Skipped because a utility class hides them: not body text, but no sign of the site's
    # branding either, which the title reads `skip` for.
    concealed: set[HtmlElement] = field(default_factory=set)


# Labels of page furniture that templates print as plain text, with no class to name them:
# a skip-link block ("Accès rapide" over links to #content, #menu …) and the share label under
# a title ("Partager", "Share", "Compartir"), whose buttons are icons. Compared case-folded,
# without a trailing colon.
_SKIP_LABELS = frozenset({
    "accès rapide", "acces rapide", "quick access", "acceso rápido", "acceso rapido",
    "liens d'évitement", "liens d’évitement", "skip links", "aller au contenu", "skip to content",
    "skip to main content", "accesso rapido", "schnellzugriff", "acesso rápido",
})
_SHARE_LABELS = frozenset({
    "partager", "partager cet article", "partager cette page", "share", "share this",
    "share this article", "share this page", "compartir", "compartir este artículo", "teilen",
    "seite teilen", "condividi", "compartilhar", "partilhar", "поделиться", "مشاركة", "شارك",
    "分享", "共有", "공유", "paylaş", "اشتراک گذاری",
})
# The line of links to the article's other language versions (read by `language`).
_VERSION_LABELS = frozenset(VERSION_LABELS)
_LABEL_MAX = max(len(x) for x in _SKIP_LABELS | _SHARE_LABELS | _VERSION_LABELS) + 4


def _label_kind(text: str) -> str | None:
    key = " ".join(text.casefold().split()).rstrip(" :：[")
    if key in _VERSION_LABELS:
        return "versions"
    if key in _SKIP_LABELS:
        return "skip"
    return "share" if key in _SHARE_LABELS else None


def _label_boxes(labels: list[tuple[HtmlElement, str, int]], m: Measures) -> None:
    """Skip a furniture label, and its box when the box holds nothing but it and links."""
    for host, kind, length in labels:
        if kind == "versions":
            m.versions.append(host)
        box = host
        parent = host.getparent()
        if parent is not None and parent.tag not in ("body", "html", "main", "article"):
            own = m.text.get(parent, 0) - m.links.get(parent, 0)
            if own <= length + 2 and (kind == "share" or m.links.get(parent, 0) > 0):
                box = parent
        m.skip.add(box)


# WordPress writes a post's categories and tags into its class ("category-kommentare",
# "tag-social-media"): the blog's vocabulary, not the element's role.
_TAXONOMY = re.compile(r"(?:^|\s)(?:category|tag|tags|topic)-\S+")
# On a WordPress post itself ("post-3292 hentry author-admin"), "author-admin" names who wrote
# it: the post, not an author box ("author-bio" beside it has no such marks). Typepad's
# entries say the same as "entry-author-jeff entry-type-post entry".
_WP_POST = re.compile(r"(?:^|\s)(?:hentry|(?:entry-)?type-post|post-[0-9]+)(?:$|\s)")
_POST_AUTHOR = re.compile(r"(?:^|\s)(?:entry-)?author-\S+")


# A display class for wider screens ("d-none d-md-block", Tailwind's "hidden lg:flex"): the
# element is hidden on phones only, and shown on the screens the page is read on.
_SHOWN_WIDER = re.compile(r"(?:^|\s)(?:d-(?:sm|md|lg|xl|xxl)-\w|\S+:\S)")


@lru_cache(maxsize=4096)
def hidden_class(cls: str) -> bool:
    """A utility class that hides the element ("hidden", "d-none"): a closed tab, a copy
    for another screen size. Class strings repeat over a page: each is judged once."""
    words = cls.lower()
    return not HIDDEN_CLASSES.isdisjoint(words.split()) and not _SHOWN_WIDER.search(words)


@lru_cache(maxsize=4096)
def furniture(names: str) -> tuple[bool, bool]:
    """(strong, weak): whether class-and-id words mark boilerplate. Class strings repeat
    across a site's elements and pages, so each is judged once."""
    if "widget blog" in names:  # Blogger's "widget Blog" (#Blog1) holds the posts themselves
        names = names.replace("widget blog", "blog")
    if "-" in names:
        names = _TAXONOMY.sub(" ", names)
        if "author-" in names and _WP_POST.search(names):
            names = _POST_AUTHOR.sub(" ", names)
    return bool(STRONG.search(names)), bool(_WEAK.search(names))


def is_hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def measure(body: HtmlElement) -> Measures:
    """Text and link-text lengths of every element, and the subtrees that are boilerplate."""
    m = Measures()
    texts: list[int] = []  # text length per open element
    links: list[int] = []  # link text length per open element
    in_link = 0
    candidates: list[HtmlElement] = []
    strong_els: set[HtmlElement] = set()
    labels: list[tuple[HtmlElement, str, int]] = []  # (element holding it, kind, length)
    hidden_els: list[HtmlElement] = []  # hidden by a class, not by the markup itself
    text_len, link_len, skip, named_els = m.text, m.links, m.skip, m.attributed
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "start":
            texts.append(0)
            links.append(0)
            if tag.__class__ is not str or tag in NON_TEXT:
                walker.skip_subtree()
                continue
            if tag == "a":
                in_link += 1
            text = el.text
            if text:
                n = len(text.strip())
                texts[-1] = n
                if in_link:
                    links[-1] = n
                elif 0 < n <= _LABEL_MAX:
                    kind = _label_kind(text)
                    if kind:
                        labels.append((el, kind, n))
            continue
        count = texts.pop()
        link_count = links.pop()
        if tag.__class__ is str and tag not in NON_TEXT:
            if tag == "a":
                in_link -= 1
            text_len[el] = count
            link_len[el] = link_count
            # One look at the attributes (most elements have none) instead of five lookups.
            # The attribute names first: the values read are only those looked at (an href,
            # a src or a srcset is long text to build for nothing).
            keys = el.keys()
            if not keys:
                if tag in _WEAK_TAGS:
                    candidates.append(el)
            else:
                cls = ident = label = ""
                hidden = False
                for key in keys:
                    if key == "class":
                        cls = el.get(key)
                    elif key == "id":
                        ident = el.get(key)
                    elif key == "aria-label":
                        label = el.get(key)
                    elif key == "style":
                        hidden = hidden or bool(_HIDDEN_STYLE.search(el.get(key)))
                    elif key == "hidden" or (key == "aria-hidden" and el.get(key) == "true"):
                        hidden = True
                names = f"{cls} {ident}".lower() if cls or ident else ""
                if names or label:
                    named_els.append((el, names, label))
                strong, weak = furniture(names) if names else (False, False)
                if strong:
                    strong_els.add(el)
                if tag in _WEAK_TAGS or strong or weak:
                    candidates.append(el)
                elif hidden and tag not in HEADINGS:
                    skip.add(el)
                elif cls and hidden_class(cls):
                    hidden_els.append(el)
        if texts:
            tail = el.tail
            if tail:
                n = len(tail.strip())
                count += n
                if in_link:
                    link_count += n
                elif 0 < n <= _LABEL_MAX:
                    kind = _label_kind(tail)
                    parent = el.getparent()
                    if kind and parent is not None:
                        labels.append((parent, kind, n))
            texts[-1] += count
            links[-1] += link_count
    total = max(m.text.get(body, 0) - m.links.get(body, 0), 1)
    for el in candidates:
        own = m.text[el] - m.links[el]
        strong = el in strong_els
        if strong and not (
            el.tag in ("body", "main", "article") or own > 0.6 * total
        ) or own < 0.5 * total:
            m.skip.add(el)
            m.named[el] = strong
    # A page that hides its article until a script shows it keeps it: only a block with
    # less than half of the prose is left out.
    m.concealed.update(el for el in hidden_els if m.text[el] - m.links[el] < 0.5 * total)
    m.skip |= m.concealed
    _label_boxes(labels, m)
    _score(body, m)
    return m


def _score(body: HtmlElement, m: Measures) -> None:
    walker = etree.iterwalk(body, events=("start",))
    for _, el in walker:
        if el in m.skip:
            walker.skip_subtree()
            continue
        tag = el.tag
        if tag in _BR_HOSTS and el.find("br") is not None:
            _score_br_text(el, m)
        if tag not in _PARAGRAPHS and not (tag == "div" and el.text and len(el.text.strip()) > 80):
            continue
        own = m.text.get(el, 0) - m.links.get(el, 0)
        if own < 25:
            continue
        points = 1.0 + min(own / 100.0, 3.0) + _commas(el)
        deep = m.deep
        for anc in el.iterancestors():
            deep[anc] = deep.get(anc, 0.0) + points
        parent = el.getparent()
        if parent is not None:
            m.score[parent] = m.score.get(parent, 0.0) + points
            grand = parent.getparent()
            if grand is not None:
                m.score[grand] = m.score.get(grand, 0.0) + points / 2


_BR_HOSTS = frozenset({"div", "section", "article", "main", "font", "center", "span", "td"})


def _score_br_text(el: HtmlElement, m: Measures) -> None:
    """Prose written as bare text and <br> in a container: the container is its own
    paragraphs' parent, scored as a run of paragraphs."""
    direct = [el.text or ""]
    direct.extend(c.tail or "" for c in el)
    own = sum(len(t.strip()) for t in direct)
    if own < 80:
        return
    text = "".join(direct)
    commas = text.count(",") + text.count("،") + text.count("，") + text.count("、")
    points = 1.0 + min(own / 100.0, 8.0) + min(commas, 8)
    m.score[el] = m.score.get(el, 0.0) + points
    for anc in el.iterancestors():
        m.deep[anc] = m.deep.get(anc, 0.0) + points
    m.deep[el] = m.deep.get(el, 0.0) + points
    parent = el.getparent()
    if parent is not None:
        m.score[parent] = m.score.get(parent, 0.0) + points / 2


def _commas(el: HtmlElement) -> float:
    text = el.text or ""
    return float(min(text.count(",") + text.count("،") + text.count("，") + text.count("、"), 5))


# A strong word that inside an article names its own blocks: a page builder's text or
# quote widget (an <aside> stays a side box whatever its name).
_ARTICLE_BLOCKS = re.compile(r"(?:^|[\s_-])widgets?(?:$|[\s_-])")


def _soft(el: HtmlElement, strong: bool) -> bool:
    """Whether a skipped element may be the article's own part when inside its container."""
    names = tokens(el)
    if not strong:
        return el.tag == "header" or bool(_ARTICLE_PARTS.search(names))
    if el.tag == "aside" or not _ARTICLE_BLOCKS.search(names):
        return False
    return not furniture(_ARTICLE_BLOCKS.sub(" ", names))[0]


def body_skip(main: HtmlElement, m: Measures) -> set[HtmlElement]:
    """What the walk over main leaves out: the skipped subtrees, but for the article's own
    header, lead and top or bottom blocks (weakly named, not links) inside it."""
    skip = set(m.skip)
    named = m.named
    for el in main.iter():
        if el in named and el is not main and el in skip and _soft(el, named[el]) and (
                link_density(el, m) < 0.3):
            skip.discard(el)
    return skip


def link_density(el: HtmlElement, m: Measures) -> float:
    text = m.text.get(el, 0)
    return m.links.get(el, 0) / text if text else 1.0
