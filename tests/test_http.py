"""The polite client against a real fault-injecting server on loopback (tests/servers.py)."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx
import pytest
from servers import BIG_BYTES, CP1252_TEXT, LATIN1_TEXT, FaultServer, serve_faults
from waiting import HANG

from scraper.extract.decode import decode_html, header_charset
from scraper.http import Fetcher, Politeness, is_refused_address
from scraper.models import Capture

T = TypeVar("T")

# Small delays keep the module fast; the behaviour under test is the same. The timeouts are
# no race with the machine's speed: /slow never answers (it waits for the client to leave),
# and every other answer has all the time a loaded machine (CI) could need.
FAST = Politeness(
    delay=0.02, connect_timeout=5.0, read_timeout=3.0, total_timeout=30.0,
    max_body_bytes=4 * 1024 * 1024, backoff_base=0.01, max_retries=2, max_retry_after=5.0,
)
# For a server that never answers: the timeout is what is tested, not how long it waited.
IMPATIENT = Politeness(**{**FAST.__dict__, "read_timeout": 0.5})


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


async def fetch_all(urls: list[str], politeness: Politeness = FAST,
                    seeds: tuple[str, ...] | None = None) -> list[Capture]:
    # The seed is the first URL's origin, as a crawl's start URL is (never a whole host).
    async with Fetcher(politeness, seed_hosts=seeds or urls[:1]) as fetcher:
        return list(await asyncio.gather(*(fetcher.fetch(u) for u in urls)))


def fetch_one(url: str, politeness: Politeness = FAST, **kwargs: str) -> Capture:
    async def go() -> Capture:
        async with Fetcher(politeness, seed_hosts=[url]) as fetcher:
            return await fetcher.fetch(url, **kwargs)
    return run(go())


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with serve_faults() as server:
        yield server


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


# -- the address guard, as a pure function -----------------------------------------------------

@pytest.mark.parametrize("address", [
    "10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.1", "192.168.1.1", "127.0.0.1",
    "127.0.0.2", "127.255.255.254", "169.254.169.254", "100.64.0.1", "100.127.255.254",
    "0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "::1", "::", "fc00::1",
    "fd12:3456::1", "fe80::1", "fe80::1%eth0", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254", "2002:0a00:0001::1", "2002:7f00:0001::", "64:ff9b::a00:1",
    "::127.0.0.1", "2001:db8::1", "2001::1", "fec0::1", "[::1]", "not an address", "",
])
def test_is_refused_address_refuses_every_private_and_special_range(address: str) -> None:
    assert is_refused_address(address)


@pytest.mark.parametrize("address", [
    "8.8.8.8", "193.51.24.1", "1.1.1.1", "2001:4860:4860::8888", "2a00:1450:4007::1",
    "100.128.0.1", "172.32.0.1", "192.169.0.1",
])
def test_is_refused_address_accepts_public_addresses(address: str) -> None:
    assert not is_refused_address(address)


# -- plain fetches ------------------------------------------------------------------------------

def test_an_ok_page_is_fetched_with_an_honest_user_agent(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/ok")
    assert (capture.status, capture.error) == (200, None)
    assert capture.body is not None and b"Bonjour" in capture.body
    assert capture.headers["etag"] == '"v1"'
    assert capture.fetched_at.endswith("Z") and len(capture.fetched_at) == 20
    agents = {headers.get("user-agent", "") for _, _, path, headers in srv.requests}
    assert agents == {Politeness().user_agent}
    assert "embassy-archive" in Politeness().user_agent and "https://" in Politeness().user_agent


def test_a_redirect_lands_on_its_target_and_final_url_says_so(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/redirect-ok")
    assert capture.status == 200
    assert capture.url == srv.url + "/redirect-ok"
    assert capture.final_url == srv.url + "/ok"


def test_a_known_etag_gives_304_and_no_body(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/ok", etag='"v1"')
    assert (capture.status, capture.body, capture.error) == (304, None, None)
    assert srv.requests[-1][3]["if-none-match"] == '"v1"'


def test_a_gzip_page_is_decoded(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/gzip")
    assert capture.body is not None and "Texte compressé".encode() in capture.body


def test_a_pdf_is_fetched_with_its_type(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/doc.pdf")
    assert capture.content_type == "application/pdf"
    assert capture.body is not None and capture.body.startswith(b"%PDF")


# -- every failure recorded with its reason ------------------------------------------------------

@pytest.mark.parametrize(("path", "status", "error"), [
    ("/500", 500, "server error"),
    ("/503", 503, "server error"),
    ("/429-long", 429, "retry-after too long"),
    ("/slow", None, "timeout"),
    ("/reset", None, "connection reset"),
    ("/truncated", 200, "truncated body"),
    ("/loop-a", 302, "redirect loop"),
    ("/chain", 302, "too many redirects"),
    ("/big", 200, "too large"),
    ("/big?declared=1", 200, "too large"),
    ("/bomb", 200, "decompression bomb"),
    ("/private/secret", None, "disallowed by robots.txt"),
    ("/to-private", 302, "disallowed by robots.txt"),
])
def test_each_failure_is_recorded_with_its_reason(
    srv: FaultServer, path: str, status: int | None, error: str
) -> None:
    # /slow never answers: any read timeout times it out, a short one sooner.
    capture = fetch_one(srv.url + path, IMPATIENT if path == "/slow" else FAST)
    assert (capture.status, capture.error) == (status, error)
    assert capture.body is None


def test_server_errors_are_retried_up_to_the_limit_and_no_further(srv: FaultServer) -> None:
    fetch_one(srv.url + "/500")
    assert srv.paths().count("/500") == FAST.max_retries + 1


def test_a_timeout_is_retried_then_given_up(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/slow", Politeness(**{**IMPATIENT.__dict__, "max_retries": 1}))
    assert capture.error == "timeout"
    assert srv.paths().count("/slow") == 2


def test_a_redirect_chain_stops_after_five_hops(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/chain")
    followed = [p for p in srv.paths() if p.startswith("/chain")]
    assert followed == ["/chain"] + [f"/chain-{i}" for i in range(1, 6)]
    assert "/ok" not in srv.paths()
    assert capture.final_url == srv.url + "/chain-6"


def test_the_50_mb_body_is_cut_at_the_cap_without_being_read(srv: FaultServer) -> None:
    async def go() -> tuple[Capture, dict[str, int]]:
        async with Fetcher(FAST, seed_hosts=[srv.url]) as fetcher:
            return await fetcher.fetch(srv.url + "/big"), fetcher.stats
    capture, stats = run(go())
    assert capture.error == "too large"
    assert stats["bytes"] <= FAST.max_body_bytes + 256 * 1024
    # The server's handler records what it sent once its next write fails, a moment after
    # the client hung up: a loaded machine may take that moment longer than the test.
    deadline = time.monotonic() + HANG
    while "/big" not in srv.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.sent["/big"] < BIG_BYTES


@pytest.mark.parametrize(("path", "seconds"), [("/503-once", 1.0), ("/429", 2.0)])
def test_retry_after_is_honoured_before_the_retry_succeeds(
    srv: FaultServer, path: str, seconds: float
) -> None:
    capture = fetch_one(srv.url + path)
    assert (capture.status, capture.error) == (200, None)
    times = [t for t, _, p, _ in srv.requests if p == path]
    assert len(times) == 2
    assert times[1] - times[0] >= seconds * 0.95  # small slack: server-thread scheduling


def test_a_retry_after_date_too_far_ahead_gives_up_without_waiting() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})

    async def go() -> Capture:
        async with Fetcher(FAST, seed_hosts=["127.0.0.1"],
                           transport=httpx.MockTransport(handler)) as fetcher:
            return await fetcher.fetch("http://127.0.0.1/page")
    capture = run(go())
    assert (capture.status, capture.error) == (503, "retry-after too long")
    assert calls == ["/robots.txt", "/page"]


@pytest.mark.parametrize("url", ["ftp://example.org/", "not a url", "http://", "http://[::1",
                                 "javascript:alert(1)", ""])
def test_invalid_urls_are_recorded_not_raised(url: str) -> None:
    capture = fetch_one(url)
    assert capture.error == "invalid url"
    assert capture.status is None


# -- robots.txt ---------------------------------------------------------------------------------

def test_robots_txt_is_fetched_once_per_host_even_under_concurrency(srv: FaultServer) -> None:
    captures = run(fetch_all([f"{srv.url}/ok?i={i}" for i in range(6)]))
    assert all(c.status == 200 for c in captures)
    assert srv.paths().count("/robots.txt") == 1
    assert srv.paths()[0] == "/robots.txt"


def test_a_robots_disallowed_path_is_never_requested(srv: FaultServer) -> None:
    async def go() -> list[Capture]:
        async with Fetcher(FAST, seed_hosts=[srv.url]) as fetcher:
            return [await fetcher.fetch(srv.url + p) for p in ("/private/secret", "/to-private",
                                                                 "/ok")]
    secret, redirect, ok = run(go())
    assert (secret.status, secret.error) == (None, "disallowed by robots.txt")
    assert (redirect.status, redirect.error) == (302, "disallowed by robots.txt")
    assert (ok.status, ok.error) == (200, None)
    assert srv.paths().count("/robots.txt") == 1
    assert not [p for p in srv.paths() if p.startswith("/private")]


def test_a_5xx_robots_txt_means_the_host_is_not_crawled_now() -> None:
    async def go(url: str) -> Capture:
        async with Fetcher(FAST, seed_hosts=[url]) as fetcher:
            return await fetcher.fetch(url)
    with serve_faults(robots_status=503) as srv:
        capture = run(go(srv.url + "/ok"))
        assert (capture.status, capture.error) == (None, "robots.txt unavailable")
        assert set(srv.paths()) == {"/robots.txt"}


def test_a_4xx_robots_txt_means_everything_is_allowed() -> None:
    with serve_faults(robots_status=404) as srv:
        capture = fetch_one(srv.url + "/private/secret")
        assert (capture.status, capture.error) == (200, None)


def test_robots_sitemaps_are_listed(srv: FaultServer) -> None:
    async def go() -> list[str]:
        async with Fetcher(FAST, seed_hosts=[srv.url]) as fetcher:
            return await fetcher.robots_sitemaps(srv.url + "/")
    assert run(go()) == [srv.url + "/sitemap.xml"]


# -- the per-host rate and connection limit, measured from the server's own log ----------------

def _gaps(srv: FaultServer) -> list[float]:
    times = sorted(t for t, _, _, _ in srv.requests)
    return [b - a for a, b in itertools.pairwise(times)]


def test_concurrent_fetches_never_exceed_the_per_host_rate(srv: FaultServer) -> None:
    polite = Politeness(**{**FAST.__dict__, "delay": 0.15})
    run(fetch_all([f"{srv.url}/ok?i={i}" for i in range(8)], polite))
    gaps = _gaps(srv)
    assert len(gaps) == 8  # robots.txt and eight pages
    # No slack: each request leaves the full delay after the host began answering the last,
    # so the server's own log shows every gap whatever the load on the machine.
    assert min(gaps) >= 0.15


def test_robots_crawl_delay_wins_over_a_shorter_delay() -> None:
    with serve_faults(crawl_delay=0.3) as srv:
        run(fetch_all([f"{srv.url}/ok?i={i}" for i in range(3)]))
        gaps = _gaps(srv)[1:]  # from the first page on: the delay is known once robots is read
        assert len(gaps) == 2 and min(gaps) >= 0.3


@pytest.mark.parametrize(("delay", "at_once"), [(0.0, 2), (0.01, 1)])
def test_at_most_two_requests_to_one_host_run_at_once(delay: float, at_once: int) -> None:
    # With a delay, the next request waits for the host's answer to the last (the gap counts
    # from it, scraper/throttle.py): one on the wire at a time. Without, the two connections.
    polite = Politeness(**{**FAST.__dict__, "read_timeout": 60.0, "delay": delay})
    with serve_faults(slow_seconds=0.3) as srv:
        captures = run(fetch_all([f"{srv.url}/slow?i={i}" for i in range(6)], polite))
        assert all(c.status == 200 for c in captures)
        assert srv.max_in_flight == at_once


# -- links and redirects to other loopback addresses ---------------------------------------------

@contextmanager
def canaries() -> Iterator[tuple[FaultServer, FaultServer | None]]:
    """Servers on 127.0.0.2 and [::1] that must receive nothing."""
    with serve_faults("127.0.0.2") as v4:
        if ipv6_loopback_available():
            with serve_faults("::1") as v6:
                yield v4, v6
        else:
            yield v4, None


def test_links_and_redirects_to_other_loopback_addresses_are_refused() -> None:
    with canaries() as (v4, v6):
        v6_url = v6.url if v6 else "http://[::1]:9"
        with serve_faults(other_loopback_url=v4.url, ipv6_url=v6_url) as srv:
            captures = run(fetch_all([
                srv.url + "/to-other-loopback", srv.url + "/to-ipv6", v4.url + "/x", v6_url + "/",
            ]))
        assert [c.error for c in captures] == ["refused address"] * 4
        assert captures[0].status == 302 and captures[0].final_url == v4.url + "/"
        assert v4.requests == []
        assert v6 is None or v6.requests == []


def test_a_loopback_host_that_is_a_seed_is_fetched() -> None:
    # The control for the test above: the canary does answer when it is a seed.
    with serve_faults("127.0.0.2") as v4:
        captures = run(fetch_all([v4.url + "/ok"], seeds=(v4.url,)))
        assert captures[0].status == 200
        assert "/ok" in v4.paths()


def test_ipv6_loopback_that_is_a_seed_is_fetched() -> None:
    if not ipv6_loopback_available():
        pytest.skip("::1 is not bindable here")
    with serve_faults("::1") as v6:
        captures = run(fetch_all([v6.url + "/ok"], seeds=(v6.url,)))
        assert captures[0].status == 200


def _resolver(table: dict[str, list[str]]) -> Callable[[str], Awaitable[list[str]]]:
    async def resolve(host: str) -> list[str]:
        if host not in table:
            raise socket.gaierror(f"unknown host {host}")
        return table[host]
    return resolve


@pytest.mark.parametrize(("addresses", "error"), [
    (["10.1.2.3"], "refused address"),
    (["93.184.216.34", "127.0.0.1"], "refused address"),  # ANY refused address refuses the host
    (["fd00::7"], "refused address"),
])
def test_a_host_name_resolving_to_a_refused_address_is_not_contacted(
    addresses: list[str], error: str
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200)

    async def go() -> Capture:
        async with Fetcher(FAST, transport=httpx.MockTransport(handler),
                           resolver=_resolver({"intranet.test": addresses})) as fetcher:
            return await fetcher.fetch("http://intranet.test/")
    assert run(go()).error == error
    assert calls == []


def test_an_unresolvable_host_is_a_dns_failure() -> None:
    async def go() -> Capture:
        async with Fetcher(FAST, resolver=_resolver({})) as fetcher:
            return await fetcher.fetch("http://nowhere.test/")
    assert run(go()).error == "dns failure"


# -- decoding -------------------------------------------------------------------------------------

def test_latin1_without_any_charset_is_decoded(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/latin1-no-charset")
    assert capture.body is not None and header_charset(capture.content_type) is None
    assert LATIN1_TEXT in decode_html(capture.body, capture.content_type)


def test_a_wrong_utf8_charset_over_windows_1252_bytes_is_decoded(srv: FaultServer) -> None:
    capture = fetch_one(srv.url + "/wrong-charset")
    assert capture.body is not None and header_charset(capture.content_type) == "utf-8"
    assert CP1252_TEXT in decode_html(capture.body, capture.content_type)


@pytest.mark.parametrize(("body", "ctype", "text"), [
    ("Привет, посольство".encode(), "text/html; charset=UTF-8", "Привет, посольство"),
    ('<meta charset="windows-1251"><p>Посольство Франции</p>'.encode("cp1251"), "text/html",
     "Посольство Франции"),
    ("\ufeffسفارة فرنسا".encode(), None, "سفارة فرنسا"),
    ("L’été à l’ambassade : réunions, événements et coopération.".encode("cp1252"),
     "text/html; charset=bogus-charset", "L’été à l’ambassade : réunions, événements"),
])
def test_the_body_as_fetched_decodes_trusting_a_charset_only_when_the_bytes_agree(
    body: bytes, ctype: str | None, text: str
) -> None:
    assert text in decode_html(body, ctype)
