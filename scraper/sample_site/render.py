"""HTML of the sample site: the SPIP-like template agreed with the extraction profile.

Pure string building; every piece of text goes through `esc` so that titles such as
"<script>alert(1)</script>" reach the browser as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import quote

from scraper.sample_site.content import Article, Rubrique

SITE_NAME = "La France au Mali"
SITE_SLOGAN = "Ambassade de France à Bamako"
PER_PAGE = 10
LANG_ORDER = ("fr", "en", "ar", "zh", "es")
LANG_NAMES = {"fr": "français", "en": "English", "ar": "العربية", "zh": "中文", "es": "Español"}
LANG_SECTIONS = {"fr": "/", "en": "/-English-", "ar": "/-العربية-", "zh": "/-Chinese-",
                 "es": "/-Espanol-"}
HOME_LABELS = {"fr": "Accueil", "en": "Home", "ar": "الرئيسية", "zh": "首页", "es": "Inicio"}
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}
PUBLISHED_FORMS = {"fr": "publié le {}", "en": "Published on {}", "ar": "نشر في {}",
                   "zh": "发布于 {}", "es": "publicado el {}"}
MAIN_MENU = (("/-L-ambassade-", "L’ambassade"), ("/-Actualites-2492-", "Actualités"),
             ("/-Services-consulaires-", "Services consulaires"), ("/-Visas-2510-", "Visas"),
             ("/-Culture-", "Culture"), ("/agenda?mois=2011-07", "Agenda"))
USEFUL_LINKS = (("https://www.diplomatie.gouv.fr/", "France Diplomatie"),
                ("https://www.diplomatie.gouv.fr/fr/conseils-aux-voyageurs/", "Conseils aux voyageurs"),
                ("https://www.campusfrance.org/", "Campus France"))
SOCIAL = (("https://www.facebook.com/", "Facebook"), ("https://twitter.com/", "Twitter"),
          ("https://plus.google.com/", "Google+"), ("https://storify.com/", "Storify"),
          ("https://www.youtube.com/", "Youtube"), ("https://www.dailymotion.com/", "Dailymotion"),
          ("https://www.flickr.com/", "Flickr"))


@dataclass(frozen=True)
class ListItem:
    """One line of an article list: link, title, date shown in the list's language."""

    path: str
    title: str
    when: date


def esc(text: str) -> str:
    return escape(text, quote=True)


def href(path: str) -> str:
    """Percent-encode a decoded path (Arabic slugs) the way SPIP writes its links."""
    return esc(quote(path, safe="/-,._~?=&"))


def long_date(d: date, lang: str) -> str:
    """The date as the site writes it in `lang`: "4 juillet 2011", "2011年7月4日" …"""
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    month = MONTHS.get(lang, MONTHS["fr"]).split()[d.month - 1]
    if lang == "es":
        return f"{d.day} de {month} de {d.year}"
    return f"{d.day} {month} {d.year}"


def published_line(d: date, lang: str) -> str:
    return PUBLISHED_FORMS.get(lang, PUBLISHED_FORMS["fr"]).format(long_date(d, lang))


def _lang_menu(lang: str) -> str:
    items = []
    for code in LANG_ORDER:
        name = esc(LANG_NAMES[code])
        if code == lang:
            items.append(f'<li class="on"><span lang="{code}">{name}</span></li>')
        else:
            items.append(f'<li><a href="{href(LANG_SECTIONS[code])}" lang="{code}" '
                         f'hreflang="{code}">{name}</a></li>')
    return '<ul class="menu-lang">\n   ' + "\n   ".join(items) + "\n  </ul>"


def shell(lang: str, body_class: str, title: str, main: str, charset: str = "utf-8",
          aside: str = "") -> str:
    """The page frame shared by every HTML page: header, menus, main, aside, footer."""
    direction = "rtl" if lang == "ar" else "ltr"
    menu = "".join(f'<li><a href="{href(p)}">{esc(t)}</a></li>' for p, t in MAIN_MENU)
    social = "".join(f'<li><a href="{u}">{esc(t)}</a></li>' for u, t in SOCIAL)
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="{charset}">
<title>{esc(title)} - {esc(SITE_NAME)}</title>
<meta name="generator" content="SPIP 3.2">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/spip.php?page=backend">
</head>
<body class="{body_class} {direction}">
<div class="page" id="page">
 <header class="header">
  <a class="header-logo" href="/"><span class="site-name">{esc(SITE_NAME)}</span>
   <span class="site-slogan">{esc(SITE_SLOGAN)}</span></a>
  <div class="font-tools"><a href="#" class="fontsizeup">fontsizeup</a> <a href="#" class="fontsizedown">fontsizedown</a></div>
  {_lang_menu(lang)}
  <nav class="menu-principal"><ul>{menu}</ul></nav>
 </header>
 <main class="main" id="contenu">
{main}
{aside}
 </main>
 <footer class="footer">
  <ul class="social">{social}
   <li><a href="/spip.php?page=backend">RSS</a></li></ul>
  <p class="back-to-top"><a href="#page">Haut de page</a></p>
 </footer>
</div>
</body></html>
"""


def aside(news: Sequence[ListItem]) -> str:
    links = "".join(f'<li><a href="{u}">{esc(t)}</a></li>' for u, t in USEFUL_LINKS)
    items = "".join(f'<li><a href="{href(n.path)}">{esc(n.title)}</a> '
                    f'<span class="date">{esc(long_date(n.when, "fr"))}</span></li>' for n in news)
    return (f'  <aside class="aside"><h2>Liens utiles</h2><ul>{links}</ul>\n'
            f'   <h2>Dernières actualités</h2><ul>{items}</ul></aside>')


def breadcrumb(lang: str, trail: Iterable[Rubrique]) -> str:
    parts = [f'<a href="/">{esc(HOME_LABELS.get(lang, "Accueil"))}</a>']
    parts += [f'<a href="{href(r.path)}">{esc(r.title)}</a>' for r in trail]
    return '  <p class="ariane">' + " &raquo; ".join(parts) + "</p>"


def _translations(article: Article, versions: dict[str, Article]) -> str:
    if len(versions) < 2:
        return ""
    parts = []
    for code in LANG_ORDER:
        other = versions.get(code)
        if other is None:
            continue
        if other.id == article.id:
            parts.append(f'<span class="lang-on">[{code}]</span>')
        else:
            parts.append(f'[<a class="tradlang" href="{href(other.path)}" hreflang="{code}" '
                         f'lang="{code}" title="{esc(LANG_NAMES[code])}">{code}</a>]')
    return '\n   <p class="traductions">' + " ".join(parts) + "</p>"


def _dates(a: Article) -> str:
    if a.date_style == "derniere-modif" and a.modified:
        return f'<p class="date-maj">Dernière modification : {a.modified:%d/%m/%Y}</p>'
    if a.date_style == "updated" and a.modified:
        return f'<p class="date-maj">Updated {a.modified:%d/%m/%Y}</p>'
    out = ""
    if a.published:
        out += f'<p class="date-publication">{esc(published_line(a.published, a.lang))}</p>'
    if a.modified and a.published:
        label = "mis à jour le" if a.lang == "fr" else "Updated on"
        out += f'\n   <p class="date-maj">{label} {esc(long_date(a.modified, a.lang))}</p>'
    return out


def article_page(a: Article, trail: Sequence[Rubrique], versions: dict[str, Article],
                 news: Sequence[ListItem]) -> str:
    body = "\n    ".join(
        f'<h3 class="spip">{esc(b.text)}</h3>' if b.heading else f"<p>{esc(b.text)}</p>"
        for b in a.body)
    body += "".join(f'\n    <p><a href="{href(k.href)}">{esc(k.text)}</a></p>' for k in a.links)
    chapo = f'\n   <div class="chapo"><p>{esc(a.chapo)}</p></div>' if a.chapo else ""
    docs = ""
    if a.documents:
        docs = '\n   <div class="documents">' + "".join(
            f'<a class="spip_doc" href="{href(d.href)}" type="application/pdf">{esc(d.text)} '
            f'<span class="doc-type">{esc(d.label or "")}</span></a>' for d in a.documents
        ) + "</div>"
    main = f"""{breadcrumb(a.lang, trail)}
  <article class="article">
   <h1 class="titre-article">{esc(a.title)}</h1>{_translations(a, versions)}{chapo}
   <div class="texte">
    {body}
   </div>{docs}
   {_dates(a)}
  </article>"""
    return shell(a.lang, "page_article", a.title, main, a.charset, aside(news))


def _pagination(path: str, total: int, start: int) -> str:
    pages = (total + PER_PAGE - 1) // PER_PAGE
    if pages < 2:
        return ""
    current = start // PER_PAGE
    # A window like SPIP's: first, last and the neighbours of the current page, so that
    # 10,000 listing pages do not make a 10,000-link bar yet every page stays reachable.
    shown = sorted({0, pages - 1, *range(max(0, current - 4), min(pages, current + 5))})
    parts: list[str] = []
    for i, n in enumerate(shown):
        if i and n != shown[i - 1] + 1:
            parts.append('<span class="sep">…</span>')
        if n == current:
            parts.append(f'<strong class="on">{n + 1}</strong>')
        else:
            target = href(path) + (f"?debut_articles={n * PER_PAGE}" if n else "")
            parts.append(f'<a href="{target}" class="lien_pagination">{n + 1}</a>')
    return '\n  <p class="pagination">' + " ".join(parts) + "</p>"


def article_list(items: Sequence[ListItem], lang: str) -> str:
    lines = "".join(f'\n   <li><a class="link-type-01" href="{href(i.path)}">{esc(i.title)}</a> '
                    f'<span class="date">{esc(long_date(i.when, lang))}</span></li>' for i in items)
    return f'  <ul class="liste-articles">{lines}\n  </ul>' if items else ""


def rubrique_page(r: Rubrique, trail: Sequence[Rubrique], children: Sequence[Rubrique],
                  items: Sequence[ListItem], total: int, start: int,
                  news: Sequence[ListItem]) -> str:
    subs = ""
    if children:
        subs = '\n  <ul class="liste-rubriques">' + "".join(
            f'<li><a href="{href(c.path)}">{esc(c.title)}</a></li>' for c in children) + "</ul>"
    main = f"""{breadcrumb(r.lang, trail)}
  <h1 class="titre-rubrique">{esc(r.title)}</h1>
  <div class="chapo"><p>{esc(r.intro)}</p></div>{subs}
{article_list(items, r.lang)}{_pagination(r.path, total, start)}"""
    return shell(r.lang, "page_rubrique", r.title, main, aside=aside(news))


def home_page(sections: Sequence[Rubrique], latest: Sequence[ListItem],
              news: Sequence[ListItem]) -> str:
    subs = "".join(f'<li><a href="{href(s.path)}">{esc(s.title)}</a></li>' for s in sections)
    main = f"""  <h1 class="titre-sommaire">{esc(SITE_NAME)}</h1>
  <div class="chapo"><p>Bienvenue sur le site de l’ambassade de France au Mali.</p></div>
  <ul class="liste-rubriques">{subs}</ul>
  <h2>À la une</h2>
{article_list(latest, "fr")}"""
    return shell("fr", "page_sommaire", "Accueil", main, aside=aside(news))


def message_page(body_class: str, title: str, text: str) -> str:
    main = (f'  <article class="article">\n   <h1 class="titre-article">{esc(title)}</h1>\n'
            f'   <div class="texte"><p>{esc(text)}</p></div>\n  </article>')
    return shell("fr", body_class, title, main)


def agenda_page(year: int, month: int, events: Sequence[str]) -> str:
    """One month of the endless calendar: a crawler trap by design."""
    prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
    next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
    name = MONTHS["fr"].split()[month - 1]
    lines = "".join(f"<li>{esc(e)}</li>" for e in events) or "<li>Aucun événement ce mois-ci.</li>"
    main = f"""  <p class="ariane"><a href="/">Accueil</a></p>
  <h1 class="titre-rubrique">Agenda : {name} {year}</h1>
  <ul class="agenda">{lines}</ul>
  <p class="pagination-agenda"><a href="/agenda?mois={prev_y:04d}-{prev_m:02d}" rel="prev">mois précédent</a>
   <a href="/agenda?mois={next_y:04d}-{next_m:02d}" rel="next">mois suivant</a></p>"""
    return shell("fr", "page_agenda", f"Agenda : {name} {year}", main)
