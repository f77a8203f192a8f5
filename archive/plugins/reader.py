"""The archive a researcher reads: a page view, its diffs and its original captures.

Routes (all read-only, on the served archive):
- `/-/page?url=U[&version=N]`  the page as it reads: title, breadcrumb, dates, sections in the
  page's own language and direction, translations, versions, captures;
- `/-/diff?url=U[&from=N&to=M][&only=changes]`  what changed between two versions;
- `/-/capture/<id>`  a capture replayed: a bar (its time, status, the previous and next
  capture, the way back to the page view), the page as fetched in a sandboxed frame, then its
  headers; `/-/capture/<id>/frame` (that frame's document, its links and resources rewritten
  into the archive by replay.py, under a CSP that blocks scripts and every request that
  leaves the archive), `/-/capture/<id>/source` (as text) and `/-/capture/<id>/raw` (bytes).
"""

from __future__ import annotations

import codecs
import dataclasses
import html
import json
from collections.abc import Callable
from typing import Any, TypeVar

from datasette.utils.asgi import Response

from archive import changes, diff
from archive.plugins import highlight, hookimpl, links, replay
from archive.plugins import reader_data as data

T = TypeVar("T")

# The page as fetched runs nothing and loads nothing from the live site: no script, no frame;
# images, styles and fonts only from the archive itself (replay.py points them at its
# captures) or inline; `sandbox` gives it an opaque origin even opened outside our sandboxed
# iframe, and lets a reader's click (never a script) open a link in the whole window.
FRAME_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline' data:; "
             "font-src 'self' data:; form-action 'none'; frame-ancestors 'self'; "
             "base-uri 'none'; sandbox allow-top-navigation-by-user-activation")
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def archive_database(datasette: Any) -> Any:
    """The served database that holds the archive (`serve` and `demo` serve exactly one)."""
    for name, db in datasette.databases.items():
        if name != "_internal":
            return db
    raise LookupError("no database is served")


async def read(datasette: Any, fn: Callable[..., T], *args: Any) -> T:
    """Run one of reader_data's functions on the archive's read-only connection."""
    db = archive_database(datasette)
    return await db.execute_fn(lambda conn: fn(conn, *args))  # type: ignore[no-any-return]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


async def render(datasette: Any, request: Any, template: str, context: dict[str, Any],
                 status: int = 200) -> Response:
    context = {"links": links, "database": archive_database(datasette).name, **context}
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


_render = render


async def _not_found(datasette: Any, request: Any, message: str) -> Response:
    url = request.args.get("url") or ""
    live = url if url.startswith(("http://", "https://")) else None
    return await _render(datasette, request, "archive_missing.html",
                         {"message": message, "live": live}, 404)


def _breadcrumb(value: Any) -> list[str]:
    try:
        trail = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(x) for x in trail] if isinstance(trail, list) else []


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Calendar = list[tuple[str, list[tuple[str, list[dict[str, Any]]]]]]


def _calendar(captures: list[dict[str, Any]]) -> Calendar:
    """Captures as the Wayback Machine's calendar: years (newest first), each with its twelve
    months, each month with its captures (oldest first)."""
    years: dict[str, list[list[dict[str, Any]]]] = {}
    for c in captures:
        when = c["fetched_at"] or ""
        year = when[:4] if when[:4].isdigit() else "?"
        month = int(when[5:7]) - 1 if when[5:7].isdigit() and 1 <= int(when[5:7]) <= 12 else 0
        years.setdefault(year, [[] for _ in MONTHS])[month].append(c)
    return [(year, list(zip(MONTHS, months, strict=True)))
            for year, months in sorted(years.items(), reverse=True)]


def _chosen_version(conn: Any, url: str, at: str | None, number: int | None
                    ) -> tuple[dict[str, Any] | None, str | None]:
    """The version an address names, and a sentence when it names none exactly.

    `at` (a time, 4 to 14 digits) wins over `version` (a number, a convenience). Raises
    LookupError with the sentence for a 404: a version number the page never had.
    """
    if at is not None:
        full = data.full_timestamp(at)
        if full is None:
            raise ValueError(f"{at!r} is not a time: write it YYYYMMDDhhmmss (or a prefix, 2011)")
        row, exact = data.version_at(conn, url, full)
        if exact or row is None:
            return row, None
        shown = ("the earliest capture" if row["at"] > full
                 else "the content in force then")
        return row, (f"No capture of this page at {links.readable_at(full)}: this is "
                     f"{shown}, captured {row['captured_at']}.")
    if number is not None:
        row = data.version(conn, url, number)
        if row is None:
            raise LookupError(f"This page has no version {number}.")
        return row, None
    return None, None


def _page_context(conn: Any, url: str, at: str | None, number: int | None
                  ) -> dict[str, Any] | None:
    page = data.find_page(conn, url)
    if page is None:
        return None
    url = page["url"]
    versions = data.versions(conn, url)
    chosen, note = _chosen_version(conn, url, at, number)
    if chosen and versions and chosen["version"] == versions[-1]["version"] and at is None:
        chosen = None  # the latest version, asked by number: the page as it reads today
    if chosen:
        content = {**chosen, "sections": [
            {"position": i, **s} for i, s in enumerate(json.loads(chosen["sections"] or "[]"), 1)]}
    else:
        content = {**page, "sections": data.sections(conn, url)}
    current_at = chosen["at"] if chosen else (versions[-1]["at"] if versions else None)
    captures = data.page_captures(conn, url)
    return {
        "page": page, "content": content, "version": chosen, "versions": versions,
        "at": current_at, "note": note,
        "breadcrumb": _breadcrumb(content.get("breadcrumb")),
        # An old version lists the translations it linked to then (older archives kept
        # them for the latest content only: those versions list today's, and say so).
        "translations": data.translations(conn, url, (chosen or {}).get("translations")),
        "captures": captures, "calendar": _calendar(captures),
        "checks": data.checks(conn, url),
        "dir": links.direction(content.get("language")),
    }


async def page_view(request: Any, datasette: Any) -> Response:
    url = request.args.get("url") or ""
    as_json = request.url_vars.get("format") == "json"
    try:
        context = await read(datasette, _page_context, url, request.args.get("at"),
                             _int(request.args.get("version")))
    except ValueError as exc:
        return await _error(datasette, request, str(exc), 400, as_json)
    except LookupError as exc:
        return await _error(datasette, request, str(exc), 404, as_json)
    if context is None:
        return await _error(datasette, request,
                            f"No archived page has the address {url!r}.", 404, as_json)
    cite = datasette.absolute_url(request, links.page_href(context["page"]["url"],
                                                           at=context["at"]))
    if as_json:
        return Response.json(_page_json(context, cite), default=str)
    q = request.args.get("q") or ""
    # The search that led here, its hits marked in the page (escaped text with <mark>).
    context["marked"] = (lambda text: highlight.mark(text, q)) if q else html.escape
    return await _render(datasette, request, "archive_page.html",
                         {**context, "q": q, "cite": cite})


def _page_json(context: dict[str, Any], cite: str) -> dict[str, Any]:
    """The page view as data: what it shows, with the address to cite."""
    content = context["content"]
    keep = ("url", "title", "language", "published", "modified", "text", "at", "version",
            "captured_at")
    return {
        "url": context["page"]["url"], "site": context["page"]["site"], "at": context["at"],
        "cite": cite, "note": context["note"],
        "content": {k: content.get(k) for k in keep if k in content},
        "breadcrumb": context["breadcrumb"],
        "sections": [{k: s.get(k) for k in ("heading", "level", "text")}
                     for s in content["sections"]],
        "translations": context["translations"],
        "versions": context["versions"],
        "captures": [{k: c.get(k) for k in ("id", "url", "fetched_at", "status", "error",
                                            "outcome", "content_type", "source")}
                     for c in context["captures"]],
        "checks": context["checks"],
    }


async def _error(datasette: Any, request: Any, message: str, status: int,
                 as_json: bool) -> Response:
    if as_json:
        return Response.json({"ok": False, "error": message, "status": status}, status=status)
    if status == 404:
        return await _not_found(datasette, request, message)
    return await _render(datasette, request, "archive_missing.html",
                         {"message": message, "live": None}, status)


def _diff_side(conn: Any, url: str, value: str | None) -> dict[str, Any] | None:
    """The version a diff's `from` or `to` names: a time address, or a version number."""
    if not value:
        return None
    full = data.full_timestamp(value) if len(value) >= 8 else None
    if full is not None:
        return data.version_at(conn, url, full)[0]
    number = links.sqlite_int(value)
    if number is None:
        raise ValueError(f"{value!r} names no version: give its time (YYYYMMDDhhmmss)")
    found = data.version(conn, url, number)
    if found is None:
        raise LookupError(f"This page has no version {number}.")
    return found


def _diff_context(conn: Any, url: str, old: str | None, new: str | None
                  ) -> dict[str, Any] | None:
    page = data.find_page(conn, url)
    if page is None:
        return None
    versions = data.versions(conn, page["url"])
    if not versions:
        return None
    b = _diff_side(conn, page["url"], new) or data.version(conn, page["url"],
                                                           versions[-1]["version"])
    assert b is not None  # the page's last version exists
    a = _diff_side(conn, page["url"], old) or data.version(
        conn, page["url"], max(b["version"] - 1, 1))
    assert a is not None
    change = changes.classify(a, b) if a["version"] != b["version"] else None
    return {"page": page, "versions": versions, "old": a, "new": b, "change": change,
            "diff": diff.diff_versions(a, b), "dir": links.direction(b.get("language"))}


async def diff_view(request: Any, datasette: Any) -> Response:
    url = request.args.get("url") or ""
    as_json = request.url_vars.get("format") == "json"
    try:
        context = await read(datasette, _diff_context, url, request.args.get("from"),
                             request.args.get("to"))
    except ValueError as exc:
        return await _error(datasette, request, str(exc), 400, as_json)
    except LookupError as exc:
        return await _error(datasette, request, str(exc), 404, as_json)
    if context is None:
        return await _error(datasette, request,
                            f"No archived page has the address {url!r}.", 404, as_json)
    if as_json:
        d = context["diff"]
        return Response.json({
            "url": context["page"]["url"],
            "from": {k: context["old"][k] for k in ("at", "version", "captured_at")},
            "to": {k: context["new"][k] for k in ("at", "version", "captured_at")},
            "changed": d.changed, **dataclasses.asdict(d),
            "class": context["change"].kind if context["change"] else None,
            "size": context["change"].size if context["change"] else 0,
        }, default=str)
    only = _only_changes(request.args.getlist("only"), context["old"], context["new"])
    context.update(only_changes=only, diff_module=diff,
                   shape=(lambda ops: diff.changes_only(ops)) if only else (lambda ops: ops))
    return await _render(datasette, request, "archive_diff.html", context)


LONG_PAGE = 4000  # characters: past this, a diff opens on the changes only


def _only_changes(choices: list[str], old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The reader's choice (the last `only` given: changes or all), else changes only for a
    long page, where a few marked words would be lost in screens of unchanged text."""
    if choices:
        return choices[-1] == "changes"
    return max(len(old.get("text") or ""), len(new.get("text") or "")) > LONG_PAGE


def _headers(value: Any) -> list[tuple[str, str]]:
    try:
        loaded = json.loads(value) if value else {}
    except ValueError:
        return [("(unreadable)", str(value))]
    if isinstance(loaded, dict):
        return sorted((str(k), str(v)) for k, v in loaded.items())
    return [(str(k), str(v)) for k, v in loaded] if isinstance(loaded, list) else []


def _charset(content_type: str | None) -> str:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"').strip()
    return "utf-8"


def _neighbours(conn: Any, cap: dict[str, Any]) -> dict[str, Any]:
    """The page a capture belongs to, and the captures of that page before and after it."""
    page = data.find_page(conn, cap["url"]) or (
        data.find_page(conn, cap["final_url"]) if cap.get("final_url") else None)
    same = data.page_captures(conn, page["url"] if page else cap["url"])
    ids = [c["id"] for c in same]
    at = ids.index(cap["id"]) if cap["id"] in ids else -1
    return {"page": page, "previous": same[at - 1] if at > 0 else None,
            "next": same[at + 1] if 0 <= at < len(same) - 1 else None,
            "position": at + 1, "count": len(same)}


async def capture_view(request: Any, datasette: Any) -> Response:
    raw_id = request.url_vars["id"]
    capture_id = links.sqlite_int(raw_id)
    part = request.url_vars.get("part") or ""
    cap = await read(datasette, data.capture, capture_id) if capture_id is not None else None
    if cap is None:
        return await _not_found(datasette, request, f"No capture has the number {raw_id}.")
    if part == "":
        around = await read(datasette, _neighbours, cap)
        return await _render(datasette, request, "archive_capture.html", {
            "capture": cap, "headers": _headers(cap.get("headers")), **around,
            "stamp": replay.stamp_of(cap["fetched_at"]),
            "has_body": bool(cap.get("sha256")),
            "is_html": "html" in (cap.get("content_type") or "").lower()})
    body = await read(datasette, data.body, cap["sha256"]) if cap.get("sha256") else None
    if body is None:
        return Response.text("This capture kept no body.", status=404)
    return _capture_part(cap, part, body)


def _capture_part(cap: dict[str, Any], part: str, body: bytes) -> Response:
    if part == "frame":
        # Served as HTML only under the CSP: never as live HTML in the archive's origin. Its
        # links and resources lead to the archive's captures nearest in time.
        charset = _safe_codec(_charset(cap["content_type"]))
        if "html" in (cap.get("content_type") or "text/html").lower():
            body = replay.rewrite(body, charset, cap.get("final_url") or cap["url"],
                                  replay.stamp_of(cap["fetched_at"]))
            charset = "utf-8"
        return Response(body, content_type=f"text/html; charset={charset}",
                        headers={"Content-Security-Policy": FRAME_CSP, **SAFE_HEADERS})
    if part == "source":
        text = body.decode(_safe_codec(_charset(cap["content_type"])), errors="replace")
        return Response(text, content_type="text/plain; charset=utf-8",
                        headers={"Content-Security-Policy": "default-src 'none'; sandbox",
                                 **SAFE_HEADERS})
    name = f"capture-{cap['id']}.bin"
    return Response(body, content_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Content-Security-Policy": "default-src 'none'; sandbox",
                             **SAFE_HEADERS})


def _safe_codec(name: str) -> str:
    """A codec Python knows for a declared charset, else UTF-8 (a page may declare anything)."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/page(\.(?P<format>json))?$", page_view),
        (r"^/-/diff(\.(?P<format>json))?$", diff_view),
        # Any id, so that a mistyped one gets our sentence (not Datasette's "Database not
        # found"): capture_view answers 404 for what is not a capture's number.
        (r"^/-/capture/(?P<id>[^/.]+)$", capture_view),
        (r"^/-/capture/(?P<id>[^/.]+)/(?P<part>frame|source|raw)$", capture_view),
    ]
