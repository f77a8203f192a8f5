"""SampleSite: the whole sample embassy site as a pure function of (method, target, headers).

No sockets here (server.py adds them), so tests can also call `respond` directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from scraper.sample_site import feeds, render, synthetic
from scraper.sample_site.content import (
    Article,
    Rubrique,
    load_articles,
    load_rubriques,
    removed_articles,
)
from scraper.sample_site.http_bits import Response, finish

PDF_PATH = "/IMG/pdf/rapport_kayes_2016.pdf"
PDF_FILE = Path(__file__).resolve().parent / "rapport_kayes_2016.pdf"
SEED_PATH = "/Le-Service-de-Securite-Interieure"
AGENDA_START = "2011-07"
ALIASES = {"/-Arabic-": render.LANG_SECTIONS["ar"]}
AGENDA_EVENTS = {
    (2011, 7): ["14 juillet : réception à la résidence", "21 juillet : concert au jardin de l’Institut français"],
    (2011, 9): ["22 septembre : fête de l’indépendance du Mali"],
    (2011, 11): ["Rencontres africaines de la photographie (ouverture)"],
}
_SPIP_OBJECT = re.compile(r"(article|rubrique)(\d{1,9})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
SITE_DATE = date(2018, 1, 15)  # Last-Modified of robots.txt, feeds and other fixed files


class SampleSite:
    """The bundled sample site. `pages` adds synthetic articles; `edition=2` is a later state
    of the site (one article changed, one removed (410), one added) for incremental crawls."""

    def __init__(self, pages: int = 0, edition: int = 1) -> None:
        if not isinstance(pages, int) or pages < 0:
            raise ValueError(f"pages must be a non-negative integer, not {pages!r}")
        if edition not in (1, 2):
            raise ValueError(f"edition must be 1 or 2, not {edition!r}")
        self.pages = pages
        self.edition = edition
        self.seed_path = SEED_PATH
        self.articles: tuple[Article, ...] = load_articles(edition)
        rubs = list(load_rubriques()) + ([synthetic.RUBRIQUE] if pages else [])
        self.rubriques: dict[int, Rubrique] = {r.id: r for r in rubs}
        self._rub_by_path = {r.path: r for r in rubs}
        self._by_path = {a.path: a for a in self.articles}
        self._by_id = {a.id: a for a in self.articles}
        self._removed = {a.path for a in removed_articles(edition)}
        self._versions: dict[str, dict[str, Article]] = {}
        for a in self.articles:
            if a.trad:
                self._versions.setdefault(a.trad, {})[a.lang] = a
        self._listings: dict[int, list[render.ListItem]] = {r.id: [] for r in rubs}
        for a in sorted(self.articles, key=lambda a: (a.sort_date, a.id), reverse=True):
            self._listings[a.rubrique].append(render.ListItem(a.path, a.title, a.sort_date))
        self._news = self._listings[2492][:3]

    # --- what exists -------------------------------------------------------------------
    def html_urls(self) -> list[str]:
        """Every path that answers 200 with an HTML page a crawler should archive (home,
        rubriques and their pagination, articles), percent-encoded as links show them.
        Not included: the endless agenda, robots-disallowed pages, redirects, errors."""
        out = ["/"]
        for r in self.rubriques.values():
            out.append(render.href(r.path))
            total = self._listing_total(r.id)
            out += [f"{render.href(r.path)}?debut_articles={s}"
                    for s in range(render.PER_PAGE, total, render.PER_PAGE)]
        out += [render.href(a.path) for a in self.articles]
        out += [synthetic.path_of(n) for n in range(1, self.pages + 1)]
        return out

    def article_urls(self) -> list[str]:
        """Percent-encoded paths of the hand-written articles (synthetic ones excluded)."""
        return [render.href(a.path) for a in self.articles]

    def _listing_total(self, rub_id: int) -> int:
        return self.pages if rub_id == synthetic.RUBRIQUE.id else len(self._listings[rub_id])

    def _listing_page(self, rub_id: int, start: int) -> list[render.ListItem]:
        if rub_id != synthetic.RUBRIQUE.id:
            return self._listings[rub_id][start:start + render.PER_PAGE]
        # Newest (highest number) first, computed from the numbers alone.
        numbers = range(self.pages - start, max(self.pages - start - render.PER_PAGE, 0), -1)
        return [render.ListItem(synthetic.path_of(n), synthetic.title_of(n), synthetic.date_of(n))
                for n in numbers]

    def _trail(self, rub_id: int, include_self: bool) -> list[Rubrique]:
        trail: list[Rubrique] = []
        rub: Rubrique | None = self.rubriques.get(rub_id)
        if rub and not include_self:
            rub = self.rubriques.get(rub.parent) if rub.parent else None
        while rub:
            trail.insert(0, rub)
            rub = self.rubriques.get(rub.parent) if rub.parent else None
        return trail

    # --- answering ---------------------------------------------------------------------
    def respond(self, method: str, target: str,
                headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: (status, headers, body). Never raises on odd input."""
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        method = method.upper()
        if method not in ("GET", "HEAD"):
            resp = Response(405, "text/plain; charset=utf-8", b"Method not allowed\n",
                            extra={"Allow": "GET, HEAD"})
        else:
            resp = self._route(target, hdrs)
        return finish(resp, method, hdrs)

    def _route(self, target: str, hdrs: dict[str, str]) -> Response:
        parts = urlsplit(target if target.startswith("/") else "/" + target)
        path = unquote(parts.path, errors="replace")
        query = parts.query
        base = feeds.base_url(hdrs.get("host"))
        if path == "/":
            return self._html(render.home_page(
                [r for r in self.rubriques.values() if r.parent is None and r.lang == "fr"],
                self._listings_for_home(), self._news), self.newest())
        if path == "/robots.txt":
            return Response(200, "text/plain; charset=utf-8", feeds.robots(base).encode(),
                            SITE_DATE)
        if path == "/sitemap.xml" or path.startswith("/sitemap-"):
            return feeds.sitemap(self, path, base)
        if path == "/spip.php":
            return self._spip(query, base)
        if path == "/ecrire" or path.startswith("/ecrire/"):
            return self._html(render.message_page("page_login", "Espace privé",
                                                  "Identifiez-vous pour accéder à la rédaction."))
        if path == "/agenda":
            return self._agenda(query)
        if path == PDF_PATH:
            return Response(200, "application/pdf", PDF_FILE.read_bytes(), date(2016, 5, 23))
        if path in ALIASES:
            return _redirect(ALIASES[path])
        if path in self._rub_by_path:
            return self._rubrique(self._rub_by_path[path], query)
        art = self._by_path.get(path)
        if art is None and (n := synthetic.number_of(path, self.pages)) is not None:
            art = synthetic.article(n)
        if art is not None:
            return self._article(art)
        if path in self._removed:
            return self._html(render.message_page(
                "page_410", "Page supprimée", "Cet article a été retiré du site."), status=410)
        return not_found()

    def _listings_for_home(self) -> list[render.ListItem]:
        fr = [a for a in self.articles if a.lang == "fr"]
        fr.sort(key=lambda a: (a.sort_date, a.id), reverse=True)
        return [render.ListItem(a.path, a.title, a.sort_date) for a in fr[:10]]

    def newest(self) -> date:
        """The date of the most recent change to any hand-written article."""
        return max(a.last_date for a in self.articles)

    def _html(self, page: str, last_modified: date | None = None, status: int = 200,
              charset: str = "utf-8") -> Response:
        body = page.encode(charset, errors="xmlcharrefreplace")
        return Response(status, f"text/html; charset={charset}", body,
                        last_modified or SITE_DATE)

    def _article(self, a: Article) -> Response:
        versions = self._versions.get(a.trad, {}) if a.trad else {}
        page = render.article_page(a, self._trail(a.rubrique, True), versions, self._news)
        return self._html(page, a.last_date, charset=a.charset)

    def _rubrique(self, r: Rubrique, query: str) -> Response:
        values = parse_qs(query).get("debut_articles", ["0"])
        total = self._listing_total(r.id)
        start = int(values[0]) if values[0].isdigit() and len(values[0]) < 10 else -1
        if start < 0 or (start and start >= total):
            return not_found()
        items = self._listing_page(r.id, start)
        children = [self.rubriques[c] for c in r.children]
        page = render.rubrique_page(r, self._trail(r.id, False), children, items, total, start,
                                    self._news)
        # Listings change when an edition adds or removes an article: date them by the site.
        return self._html(page, self.newest())

    def _spip(self, query: str, base: str) -> Response:
        params = parse_qs(query)
        page = params.get("page", [""])[0]
        if page == "backend":
            return Response(200, "application/rss+xml; charset=utf-8",
                            feeds.rss(self.articles, base).encode(), self.newest())
        if page == "login":
            return self._html(render.message_page("page_login", "Espace privé",
                                                  "Identifiez-vous pour accéder à la rédaction."))
        m = _SPIP_OBJECT.fullmatch(query)
        if m:
            kind, number = m.group(1), int(m.group(2))
            if kind == "rubrique" and number in self.rubriques:
                return _redirect(self.rubriques[number].path)
            if kind == "article" and number in self._by_id:
                return _redirect(self._by_id[number].path)
            n = number - synthetic.FIRST_ID
            if kind == "article" and 1 <= n <= self.pages:
                return _redirect(synthetic.path_of(n))
        return not_found()

    def _agenda(self, query: str) -> Response:
        mois = parse_qs(query).get("mois", [AGENDA_START])[0]
        m = _MONTH.fullmatch(mois)
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
            return not_found()
        year, month = int(m.group(1)), int(m.group(2))
        if year > 9998:  # even an endless calendar needs printable years
            return not_found()
        return self._html(render.agenda_page(year, month, AGENDA_EVENTS.get((year, month), [])))


def _redirect(path: str) -> Response:
    return Response(301, "text/html; charset=utf-8", b"", extra={"Location": render.href(path)})


def not_found() -> Response:
    page = render.message_page("page_404", "Page introuvable",
                               "La page demandée n’existe pas ou a été déplacée.")
    return Response(404, "text/html; charset=utf-8", page.encode(), SITE_DATE)
