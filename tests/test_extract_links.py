"""Link joining: the fast path gives exactly what urllib's urljoin + urldefrag give."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import extract_page
from scraper.extract.links import Joiner

BASES = [
    "https://xx.ambafrance.org/Article-slug-4100",
    "https://xx.ambafrance.org/-Rubrique-Slug-2492-/",
    "http://www.ambafrance-ma.org/spip.php?article123#haut",
    "https://h.invalid",
    "https://h.invalid/a//b/./c",
    "HTTP://H.invalid/a;p/b",
    "https://[::1]:8080/x/",
    "about:blank",
]
PIECES = ["/", "//", ".", "..", "a", "Article-12", "?", "#", "=", ":", ";", "http://", "https://",
          "h.invalid", " ", "\t", "é", "[", "]", "%20", "@", "spip.php?article1", "mailto:", "\\"]


def _urllib(base: str, href: str) -> str:
    try:
        return urldefrag(urljoin(base, href))[0]
    except ValueError:
        return "ValueError"


def _ours(base: str, href: str) -> str:
    try:
        return Joiner(base).join(href)
    except ValueError:
        return "ValueError"


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(
    "href",
    ["/a/b?x=1#top", "Article-slug-4101", "../up", "./here", "//other.invalid/p", "?debut=10",
     "https://other.invalid/x#f", "http://h.invalid/a?#", "a?", "http://]", "/a//b", "", "#only"],
)
def test_each_link_form_joins_as_urljoin_does(base: str, href: str) -> None:
    assert _ours(base, href) == _urllib(base, href)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(BASES), st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
def test_any_link_joins_as_urljoin_does(base: str, href: str) -> None:
    assert _ours(base, href) == _urllib(base, href)


def test_a_page_lists_its_links_absolute_once_each_without_fragments() -> None:
    html = ('<html><body><a href="/a#x">1</a><a href="/a">2</a><a href="b">3</a>'
            '<a href="mailto:x@y.invalid">4</a><a href="https://o.invalid/c">5</a></body></html>')
    page = extract_page(html, "https://xx.ambafrance.org/dir/page")
    assert page.links == ["https://xx.ambafrance.org/a", "https://xx.ambafrance.org/dir/b",
                          "https://o.invalid/c"]
