"""The re-check policy as a table: one row per rule, and a week replayed over a site."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from scraper.recrawl import recheck_reason, rotation_night, rotation_nights
from scraper.store_protocol import KnownURL

NOW = datetime(2026, 12, 1, 2, 17, tzinfo=UTC)
URL = "https://ml.ambafrance.org/Article-4100"


def ago(**kw: float) -> str:
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(("known", "lists", "night", "reason"), [
    (KnownURL(URL, None), True, None, "never checked"),
    (KnownURL(URL, ago(hours=20)), False, 3, "no dates listed"),  # a site without a sitemap
    (KnownURL(URL, ago(days=1), "2026-11-30T23:59:59Z", "2026-11-16T23:59:59Z"), True, 3,
     "lastmod moved"),
    (KnownURL(URL, ago(days=3), "2026-11-30T23:59:59Z", None), True, 3, "lastmod moved"),
    (KnownURL(URL, ago(days=1), "2017-11-16T23:59:59Z", "2017-11-16T10:00:00Z"), True, 3, None),
    (KnownURL(URL, ago(days=1), unlisted=True), True, 3, "no longer listed"),
    (KnownURL(URL, ago(hours=20), unlisted=True), False, 3, "no dates listed"),
    (KnownURL(URL, ago(days=7)), True, 3, "due"),
    (KnownURL(URL, ago(days=6)), True, NOW.date().toordinal() % 7, "rotation"),
    (KnownURL(URL, ago(hours=2)), True, NOW.date().toordinal() % 7, None),  # checked tonight
    (KnownURL(URL, ago(days=1), checks=6, changes=3), True, 3, "changes often"),
    (KnownURL(URL, ago(days=1), checks=6, changes=1), True, 3, None),
    (KnownURL(URL, ago(days=1), "2017-01-01T23:59:59Z", "2017-01-01T23:59:59Z"), True, 3, None),
])
def test_recheck_reason_follows_the_policy_in_order(known, lists, night, reason) -> None:
    if night == 3 and NOW.date().toordinal() % 7 == 3:
        night = 4  # the rows with night 3 mean "not tonight"
    assert recheck_reason(known, NOW, 7, site_lists_dates=lists, night=night) == reason


def test_full_every_zero_rechecks_every_known_page_tonight() -> None:
    assert recheck_reason(KnownURL(URL, ago(minutes=5)), NOW, 0, site_lists_dates=True) == "due"


def test_a_week_of_nights_checks_every_page_once_and_a_seventh_of_the_site_each_night() -> None:
    urls = [f"https://ml.ambafrance.org/Dossier-{n}" for n in range(3000)]
    nights = rotation_nights(urls, 7)
    per_night = Counter(nights.values())
    assert set(per_night) == set(range(7))
    assert max(per_night.values()) - min(per_night.values()) <= 1  # 428 or 429 a night
    last = {u: ago(hours=1) for u in urls}
    seen: set[str] = set()
    for day in range(1, 8):
        when = NOW + timedelta(days=day)
        due = [u for u in urls if recheck_reason(KnownURL(u, last[u]), when, 7,
                                                 site_lists_dates=True, night=nights[u])]
        assert len(due) / len(urls) <= 0.15
        for u in due:
            last[u] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        seen.update(due)
    assert seen == set(urls)  # every page checked within the week


def test_a_urls_hash_night_is_stable_and_within_the_cycle() -> None:
    nights = {rotation_night(f"https://ex.org/a-{n}", 7) for n in range(200)}
    assert nights == set(range(7))
    assert rotation_night(URL, 7) == rotation_night(URL, 7)


def test_a_url_is_unlisted_only_when_the_listing_that_named_it_is_read_again_without_it(tmp_path):
    from archive import open_archive, revisits
    from scraper.store_protocol import Listed

    index, child, other = "https://x.org/sitemap.xml", "https://x.org/s1.xml", "https://x.org/s2.xml"
    a, b, c = "https://x.org/a", "https://x.org/b", "https://x.org/c"
    with open_archive(tmp_path / "a.db") as archive:
        db = archive.db
        with db.conn:  # night 1: the index names two children; each lists its pages
            revisits.record_listed(db, "x", index, [Listed(child), Listed(other)], 1)
            revisits.record_listed(db, "x", child, [Listed(a, "2026-11-01"), Listed(b)], 1)
            revisits.record_listed(db, "x", other, [Listed(c, "2026-11-01")], 1)
            for url in (a, b, c):
                revisits.record_check(db, "x", url, "2026-11-30T01:00:00Z", False, 1)
        with db.conn:  # night 2: s1 is read again without b; s2 is not read (its date held)
            revisits.record_listed(db, "x", index, [Listed(child), Listed(other)], 2)
            revisits.record_listed(db, "x", child, [Listed(a, "2026-11-01")], 2)
        unlisted = {k.url for k in revisits.known(db, "x") if k.unlisted}
        assert unlisted == {b}
        with db.conn:  # b is checked (and found gone): it is not re-checked again for that
            revisits.record_check(db, "x", b, "2026-12-01T01:00:00Z", False, 2)
        assert not any(k.unlisted for k in revisits.known(db, "x"))
