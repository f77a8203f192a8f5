"""The backfill's pure parts: reading CDX answers of each server, choosing captures, dates."""

from __future__ import annotations

import doctest

import httpx
import pytest

from scraper import backfill, cdx
from scraper.backfill import BackfillOptions, choose
from scraper.cdx import (
    CdxClient,
    CdxPoliteness,
    CdxRow,
    ServiceUnavailable,
    parse_cdx,
    parse_cdx_page,
)

WAYBACK_JSON = """[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],
["fr,ambafrance,ml)/", "20120304101501", "http://ml.ambafrance.org/", "text/html", "200", "AAA", "9"],
["fr,ambafrance,ml)/", "20130101000000", "https://ml.ambafrance.org/", "warc/revisit", "-", "AAA", "9"]]"""
PYWB_JSON = ('{"urlkey": "k", "timestamp": "20150601100000", "url": "http://h/", "mime": "text/html", '
             '"status": "200", "digest": "sha1:BBB"}\n')
PLAIN = "fr,ambafrance,ml)/ 20170707120000 http://ml.ambafrance.org/ text/html 301 CCC 120\n"


def test_a_cut_answer_gives_its_rows_and_its_resume_key():
    keyed_json = WAYBACK_JSON[:-1] + ',\n[],\n["fr,ambafrance,ml)/ 20130101000000"]]'
    rows, key = parse_cdx_page(keyed_json)
    assert [r.timestamp for r in rows] == ["20120304101501", "20130101000000"]
    assert key == "fr,ambafrance,ml)/ 20130101000000"
    rows, key = parse_cdx_page(PLAIN + "\nfr%2Cambafrance%2Cml%29%2F+20170707120000\n")
    assert len(rows) == 1 and key == "fr%2Cambafrance%2Cml%29%2F+20170707120000"
    assert parse_cdx_page(WAYBACK_JSON)[1] is None and parse_cdx_page(PLAIN)[1] is None


@pytest.mark.parametrize("text, first", [
    (WAYBACK_JSON, CdxRow("20120304101501", "http://ml.ambafrance.org/", "200", "text/html", "AAA")),
    (PYWB_JSON, CdxRow("20150601100000", "http://h/", "200", "text/html", "sha1:BBB")),
    (PLAIN, CdxRow("20170707120000", "http://ml.ambafrance.org/", "301", "text/html", "CCC")),
    ("[]", None),
    ("", None),
])
def test_each_cdx_answer_format_is_read(text, first):
    rows = parse_cdx(text)
    assert (rows[0] if rows else None) == first


def row(stamp: str, digest: str, status: str = "200", mime: str = "text/html") -> CdxRow:
    return CdxRow(stamp, "http://h/", status, mime, digest)


ROWS = [row("20110315", "A"), row("20110920", "B"), row("20130510", "B"), row("20150101", "B"),
        row("20160101", "C", status="302"), row("20170707", "C"), row("20170808", "D"),
        row("20180101", "E", mime="image/jpeg")]


@pytest.mark.parametrize("options, stamps", [
    (BackfillOptions(), ["20110315", "20130510", "20170707"]),
    (BackfillOptions(every="month"), ["20110315", "20110920", "20170707", "20170808"]),
    (BackfillOptions(from_year=2012, to_year=2016), ["20130510"]),
    (BackfillOptions(to_year=2010), []),
])
def test_one_capture_per_period_and_only_when_the_content_changed(options, stamps):
    assert [r.timestamp for r in choose(ROWS, options)] == stamps


def test_a_capture_like_the_one_before_leaves_its_period_to_the_next_change():
    rows = [row("20110101", "A"), row("20120101", "A"), row("20120601", "B")]
    assert [r.timestamp for r in choose(rows, BackfillOptions())] == ["20110101", "20120601"]


def test_the_doctests_of_the_pure_functions_hold():
    for module in (cdx, backfill):
        assert doctest.testmod(module).failed == 0


def test_a_retry_after_longer_than_allowed_gives_up_at_once():
    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(429, headers={"Retry-After": "3600"})

    client = CdxClient("http://127.0.0.1:9/cdx", CdxPoliteness(delay=0),
                       transport=httpx.MockTransport(answer), sleep=lambda s: None)
    with pytest.raises(ServiceUnavailable, match="asks us to wait 3600 s"):
        client.captures("http://h/")
    assert len(calls) == 1


def test_server_errors_are_retried_with_doubling_waits_then_named():
    waits: list[float] = []
    client = CdxClient("http://127.0.0.1:9/cdx", CdxPoliteness(delay=0, backoff_base=0.5),
                       transport=httpx.MockTransport(lambda r: httpx.Response(502)),
                       sleep=waits.append)
    with pytest.raises(ServiceUnavailable, match=r"HTTP 502 after 5 tries"):
        client.captures("http://h/")
    assert [round(w, 1) for w in waits] == [0.5, 1.0, 2.0, 4.0]


@pytest.mark.parametrize(("status", "ctype", "body"), [
    (404, "text/html", b"<html><h1>Not Found</h1></html>"),  # a site's own 404 page
    (200, "text/html; charset=utf-8", b"<!DOCTYPE html><html>a home page</html>"),
    (200, "text/plain", b"Welcome to our server, have a nice day here friend\n"),
    (200, "application/json", b'{"message": "hello"}'),
])
def test_an_address_that_is_no_cdx_server_is_named_not_read_as_empty(status, ctype, body):
    client = CdxClient("http://127.0.0.1:9/nothing", CdxPoliteness(delay=0),
                       transport=httpx.MockTransport(
                           lambda r: httpx.Response(status, headers={"Content-Type": ctype},
                                                    content=body)),
                       sleep=lambda s: None)
    with pytest.raises(ServiceUnavailable, match="is not a CDX server"):
        client.captures("http://h/")


def test_a_cdx_404_that_is_no_page_is_an_empty_history():
    client = CdxClient("http://127.0.0.1:9/arc/cdx", CdxPoliteness(delay=0),
                       transport=httpx.MockTransport(
                           lambda r: httpx.Response(404, content=b"No Captures found")),
                       sleep=lambda s: None)
    assert client.captures("http://h/") == []
