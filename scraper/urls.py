"""Pure URL functions: normalisation, site scope and aliases, trap filters, document types.

>>> normalize_url("HTTP://ML.AmbaFrance.org:80/Article-1?b=2&a=1&var_mode=calcul#top")
'http://ml.ambafrance.org/Article-1?a=1&b=2'
>>> site_aliases("ml.ambafrance.org")
['ml.ambafrance.org', 'www.ambafrance-ml.org', 'ml.diplomatie.gouv.fr']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    unquote_plus,
    urljoin,
    urlsplit,
    urlunsplit,
)

MAX_URL_LENGTH = 1024  # percent-encoded Arabic slugs run long; past this it is a generator
MAX_PATH_DEPTH = 15
MAX_OFFSET = 5000  # SPIP ?debut_xxx=N: N items skipped; deeper listings are trap-like
MAX_PAGE_NUMBER = 500  # ?page=N / ?p=N

# Query keys that carry no content: sessions, tracking, SPIP's preview and cache switches.
NOISE_KEYS = frozenset({
    "phpsessid", "jsessionid", "sid", "sessionid", "session_id", "cfid", "cftoken",
    "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "xtor", "at_medium", "at_campaign",
    "var_mode", "var_mode_affiche", "var_mode_objet", "var_mode_id", "var_profile",
    "var_ajax", "var_ajax_redir", "var_ajax_env", "var_ajaxcharset", "var_recherche",
    "var_hasard", "var_nullify", "var_zajax", "var_memotri",
})
NOISE_PREFIXES = ("utm_", "pk_", "mtm_")
_SESSION_VALUE = re.compile(r"^[0-9a-f]{16,}$", re.IGNORECASE)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)

# Query keys that page through time; with a date-like value they make endless calendars.
DATE_KEYS = frozenset({
    "month", "mois", "year", "annee", "année", "an", "date", "day", "jour", "week", "semaine",
    "cal", "calendar", "calendrier", "var_date", "date_debut", "date_fin", "archives", "ym",
})
_CALENDAR_WORDS = re.compile(r"(^|[-_/])(calendar|calendrier|agenda|events?|evenements?)([-_/.]|$)",
                             re.IGNORECASE)
_DATE_VALUE = re.compile(r"^\d{1,4}([-/.]\d{1,2}){0,2}$")
_PATH_DATE = re.compile(r"/(19|20)\d\d/\d{1,2}(/|$)")

_ALIAS_FORMS = (
    re.compile(r"^([a-z]{2})\.ambafrance\.org$"),
    re.compile(r"^(?:www\.)?ambafrance-([a-z]{2})\.org$"),
    re.compile(r"^([a-z]{2})\.diplomatie\.gouv\.fr$"),
    re.compile(r"^[a-z]{2}\.ambafrance-([a-z]{2})\.org$"),  # fr.ambafrance-jp.org
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~"  # RFC 3986 pchar and "/" stay as they are
_SAFE_QUERY = "/:@!$'()*,;-._~?"


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-F]{2})")


def _requote(text: str, safe: str) -> str:
    """One percent-encoding: unreserved characters decoded, other escapes upper-case and kept.

    Escapes of reserved characters stay escaped ("%2F" is not "/"), raw non-ASCII is encoded.
    """
    text = _ESCAPE.sub(
        lambda m: chr(int(m.group(1), 16)) if chr(int(m.group(1), 16)) in _UNRESERVED
        else "%" + m.group(1).upper(),
        text,
    )
    return quote(_LONE_PERCENT.sub("%25", text), safe=safe + "%")


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        if seg == ".":
            if i == len(segments) - 1:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if i == len(segments) - 1:
                out.append("")
            continue
        out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _host_text(host: str) -> str | None:
    try:
        return host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        return None


def _http_parts(url: str) -> tuple[SplitResult, str, str, int | None] | None:
    """(parts, scheme, host, port) of an http(s) URL with a host, else None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = _host_text(parts.hostname)
    return (parts, scheme, host, port) if host else None


def normalize_url(url: str, base: str | None = None) -> str | None:
    """The canonical form of a URL, or None when it is not a valid http(s) URL.

    Lower-case scheme and host, no default port, no fragment, no user info, dot segments
    resolved, one percent-encoding, session and tracking parameters and SPIP noise dropped,
    query sorted by key, a single `lang=`.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if base is not None:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    split = _http_parts(url)
    if split is None:
        return None
    parts, scheme, host, port = split
    if any(c in host for c in " <>\"{}|\\^`"):
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _PATH_SESSION.sub("", parts.path)
    # Escapes decoded before dot segments are resolved (RFC 3986, 6.2.2): "/a/%2e%2e/b" is
    # "/b", or normalising twice would give two URLs for one page.
    path = _remove_dot_segments(_requote(path or "/", _SAFE_PATH))
    pairs: list[tuple[str, str, str]] = []
    seen_lang = False
    for piece in parts.query.split("&"):
        if not piece:
            continue
        raw_key, eq, raw_value = piece.partition("=")
        key = unquote_plus(raw_key)
        value = unquote_plus(raw_value)
        low = key.lower()
        if low in NOISE_KEYS or low.startswith(NOISE_PREFIXES):
            continue
        if low == "lang":
            # SPIP pages repeat lang= through language menus; the first one decides.
            if seen_lang:
                continue
            seen_lang = True
            value = value.lower()
        pairs.append((key, eq, value))
    pairs.sort(key=lambda kev: kev[0])  # stable: repeated keys keep their order
    # A bare key ("spip.php?article12") stays bare: SPIP reads it that way.
    query = "&".join(
        quote(k, safe=_SAFE_QUERY) + eq + quote(v, safe=_SAFE_QUERY) for k, eq, v in pairs
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def site_aliases(host: str) -> list[str]:
    """The hosts one embassy site answers on, `host` first.

    The French network: xx.ambafrance.org, www.ambafrance-xx.org and xx.diplomatie.gouv.fr are one
    site. Any other host gets its www/bare twin.
    """
    host = host.strip().lower().rstrip(".")
    for form in _ALIAS_FORMS:
        match = form.match(host)
        if match:
            cc = match.group(1)
            family = [f"{cc}.ambafrance.org", f"www.ambafrance-{cc}.org", f"{cc}.diplomatie.gouv.fr"]
            return [host] + [h for h in family if h != host]
    if not host or ":" in host or host.replace(".", "").isdigit():
        return [host] if host else []
    if host.startswith("www."):
        return [host, host[4:]]
    return [host, "www." + host] if host.count(".") == 1 else [host]


def in_scope(url: str, hosts: Iterable[str]) -> bool:
    """Is `url` an http(s) URL on one of `hosts`?

    An entry with a port ("127.0.0.1:8000", "[::1]:8000") matches that port only; an entry
    without one matches the host on any port.
    """
    split = _http_parts(url.strip())
    if split is None:
        return False
    _, scheme, host, port = split
    bracketed = f"[{host}]" if ":" in host else host
    port = port or _DEFAULT_PORTS[scheme]
    candidates = {host, bracketed, f"{bracketed}:{port}"}
    for entry in hosts:
        entry = entry.strip().lower().rstrip("/")
        if "://" in entry:
            entry = urlsplit(entry).netloc
        if entry in candidates:
            return True
    return False


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _repeated(segments: list[str]) -> bool:
    counts: dict[str, int] = {}
    for seg in segments:
        counts[seg] = counts.get(seg, 0) + 1
        if counts[seg] > 2:
            return True
    # /a/b/a/b: a run of segments repeated back to back.
    n = len(segments)
    for size in range(1, n // 2 + 1):
        for start in range(n - 2 * size + 1):
            if size > 1 and segments[start : start + size] == segments[start + size : start + 2 * size]:
                return True
    return False


def trap_reason(url: str) -> str | None:
    """Why a URL looks like a crawler trap, or None.

    Reasons: "not http", "too long", "too deep", "repeated segments", "calendar",
    "deep pagination", "session", "spip action", "search".
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "not http"
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return "not http"
    if len(url) > MAX_URL_LENGTH:
        return "too long"
    if _PATH_SESSION.search(parts.path):
        return "session"
    segments = _segments(unquote(parts.path))
    if len(segments) > MAX_PATH_DEPTH:
        return "too deep"
    if _repeated(segments):
        return "repeated segments"
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = {k.lower(): v for k, v in query}
    for key, value in keys.items():
        if key.endswith(("sessid", "sessionid", "session_id")) or (
            key == "sid" and _SESSION_VALUE.match(value)
        ):
            return "session"
    calendar_path = bool(_CALENDAR_WORDS.search(parts.path)) or keys.get("page", "").lower() in (
        "agenda", "calendrier", "calendar", "evenements",
    )
    dated = any(k in DATE_KEYS and _DATE_VALUE.match(v.strip()) for k, v in keys.items())
    if dated or (calendar_path and _PATH_DATE.search(parts.path)):
        return "calendar"
    for key, value in keys.items():
        if not value.isdigit():
            continue
        if (key.startswith("debut") or key in ("start", "offset")) and int(value) > MAX_OFFSET:
            return "deep pagination"
        if key in ("page", "p", "pg", "paged", "pagina", "num_page") and int(value) > MAX_PAGE_NUMBER:
            return "deep pagination"
    if "action" in keys and parts.path.endswith("spip.php"):
        # SPIP actions (language switch, logout, cookie) redirect or change state.
        return "spip action"
    if "recherche" in keys or keys.get("page") == "recherche":
        return "search"
    return None


# Query keys that page through a listing: bounded by "deep pagination" above, never a trap by
# shape (a rubrique's pages are walked to the end).
PAGINATION_KEYS = frozenset({"start", "offset", "page", "p", "pg", "paged", "pagina", "num_page"})
_DIGITS = re.compile(r"\d+")


def url_shape(url: str) -> tuple[str, tuple[int, ...]] | None:
    """A URL with each run of digits replaced by '#', and those numbers in order.

    Pagination values stay as they are (pages of a listing are not a sequence to cut).

    >>> url_shape("https://ex.org/calendar?m=5&y=2026")
    ('https://ex.org/calendar?m=#&y=#', (5, 2026))
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    numbers: list[int] = []

    def hollow(text: str) -> str:
        numbers.extend(int(d) for d in _DIGITS.findall(text))
        return _DIGITS.sub("#", text)

    path = hollow(parts.path)
    pieces = []
    for piece in parts.query.split("&") if parts.query else []:
        key, eq, value = piece.partition("=")
        low = key.lower()
        if low.startswith("debut") or low in PAGINATION_KEYS:
            pieces.append(piece)
        else:
            pieces.append(hollow(key) + eq + hollow(value))
    query = "?" + "&".join(pieces) if pieces else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}", tuple(numbers)


def _is_year(n: int) -> bool:
    return 1900 <= n <= 2100


def sequence_step(a: str, b: str) -> bool:
    """Is `b` the next (or previous, or any other) page of a sequence `a` belongs to?

    True when the two URLs have the same shape and differ in one number only, or in the parts
    of one date (a year with its month and day, when a month or a year turns), whatever the
    words around them: /calendar?m=5 and /calendar?m=6, /agenda/2017/12/ and /agenda/2018/01/.
    """
    shape_a, shape_b = url_shape(a), url_shape(b)
    if shape_a is None or shape_b is None or shape_a[0] != shape_b[0]:
        return False
    x, y = shape_a[1], shape_b[1]
    differ = [i for i in range(len(x)) if x[i] != y[i]]
    if len(differ) == 1:
        return True
    contiguous = differ == list(range(differ[0], differ[0] + len(differ))) if differ else False
    return contiguous and len(differ) <= 3 and any(_is_year(x[i]) for i in differ)


def walks_a_sequence(found_on: str | None, page: str, link: str) -> bool:
    """Would following `link` from `page` walk a sequence (a calendar's "next month", whatever
    it is called)? A sequence is entered (its first page, and the one step from there), never
    walked: the page must itself have been reached by a step from where it was found."""
    return found_on is not None and sequence_step(found_on, page) and sequence_step(page, link)
