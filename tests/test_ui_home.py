"""The first screen's chart: inline SVG made from counts, pure functions."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from archive.plugins.home import charts_by_language, month_chart

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}rect"))


def test_a_bar_per_month_with_pages_and_gaps_for_the_empty_months() -> None:
    svg = month_chart([{"month": "2016-11", "pages": 2}, {"month": "2017-02", "pages": 4}])
    rects = bars(svg)
    assert len(rects) == 2
    xs = [float(r.get("x")) for r in rects]
    assert xs[1] - xs[0] == 3 * (720 / 4)  # Nov, Dec, Jan empty, Feb: four month slots
    assert float(rects[1].get("height")) == 2 * float(rects[0].get("height"))
    assert "2016-11 to 2017-02: 6 pages" in svg


def test_months_that_are_not_months_are_left_out_and_nothing_is_an_empty_chart() -> None:
    assert month_chart([]) == ""
    assert month_chart([{"month": "2017-13", "pages": 1}, {"month": "<svg>", "pages": 1}]) == ""
    assert len(bars(month_chart([{"month": "2017-13", "pages": 1},
                                 {"month": "2017-03", "pages": 1}]))) == 1


def test_one_small_chart_per_language_over_the_same_months() -> None:
    counts = [{"month": "2016-01", "language": "fr", "pages": 3},
              {"month": "2016-03", "language": "ar", "pages": 1},
              {"month": "2016-03", "language": "fr", "pages": 1}]
    charts = charts_by_language(counts)
    assert [lang for lang, _ in charts] == ["fr", "ar"]
    ar = bars(charts[1][1])
    assert len(ar) == 1 and float(ar[0].get("x")) == 2 * (720 / 3)
