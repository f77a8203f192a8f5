"""Choosing the main content from `content.measure`'s readings.

The element that collects the most paragraph score wins; it climbs over an article split
into sibling blocks, then grows to take in the article's own title and lead when they sit
just outside it.
"""

from __future__ import annotations

import re

from .content import Measures, link_density
from .dom import HEADINGS, HtmlElement, tokens


def choose_main(
    body: HtmlElement, m: Measures, title_el: HtmlElement | None
) -> tuple[HtmlElement, HtmlElement] | None:
    """(container, last): the article runs inside container from its title to the end of last.

    None when the page has no prose at all. Side lists of links met on the way up join
    `m.skip`.
    """
    best: HtmlElement | None = None
    best_score = 0.0
    near_title: set[HtmlElement] = set()
    if title_el is not None:
        # The article's prose shares a container with its title below the page shell.
        near_title = {a for a in title_el.iterancestors() if a.tag not in ("html", "body")}
    for el, score in m.score.items():
        adjusted = score * (1.0 - link_density(el, m))
        if near_title and el not in near_title and not any(
            a in near_title for a in el.iterancestors()
        ):
            adjusted *= 0.4
        if adjusted > best_score:
            best, best_score = el, adjusted
    if best is None:
        return None
    best = _climb(_with_siblings(best, m, best_score), m)
    container = _with_title(best, title_el, m) if title_el is not None else best
    if container is not best:
        # Taken in with the title: a box of related links set in the flow between the title
        # and the prose, a column of links beside it.
        for anc in best.iterancestors():
            _skip_link_lists(anc, m)
            if anc is container:
                break
    return container, _past_interludes(_branch(container, best), m)


def _with_siblings(best: HtmlElement, m: Measures, best_score: float) -> HtmlElement:
    """Climb to the parent when a sibling holds prose of comparable weight (split articles)."""
    parent = best.getparent()
    if parent is None or parent.tag in ("html", "body"):
        return best
    for sib in parent:
        if sib is best or sib in m.skip or not isinstance(sib.tag, str):
            continue
        score = m.score.get(sib, 0.0) * (1.0 - link_density(sib, m))
        if score >= max(3.0, 0.2 * best_score):
            return parent
    return best


# An ancestor is taken in when its other children add this share of the chosen block's
# paragraph points (an article cut into sibling blocks), and is mostly not links.
CLIMB_GAIN = 0.2
CLIMB_LINKS = 0.4
CLIMB_MIN = 3.0


# Class or id words by which a page names its article's body ("entry-content", "article__body",
# "post-text", Schema.org's itemprop="articleBody").
_NAMED_BODY = re.compile(
    r"(?:^|[\s_-])(?:(?:entry|article|post|story)[-_]*(?:content|body|text)|articlebody)"
    r"(?:$|[\s_-])"
)


def _named_body(el: HtmlElement, m: Measures) -> bool:
    """Whether el is the one element the page names as its article's body: a column beside
    it ("Recent posts", the blog's contributors) is not the article, however much prose its
    teasers hold. Not on a listing, where every teaser carries the name."""
    def named(e: HtmlElement, names: str) -> bool:
        return bool(_NAMED_BODY.search(names)) or e.get("itemprop") == "articleBody"

    if not named(el, tokens(el)):
        return False
    return sum(named(e, names) for e, names, _ in m.attributed) == 1


def _climb(best: HtmlElement, m: Measures) -> HtmlElement:
    """The highest ancestor whose every step up adds article prose, not furniture.

    A wrapper that adds nothing is passed through; a step that adds a little (a teaser,
    a caption) or that adds mostly links (a sidebar with a blurb or two) ends the climb,
    and so does the one block the page names as its article's body.
    """
    base = m.deep.get(best, 0.0)
    cur = best
    chosen = best
    bounded = _named_body(best, m)
    for anc in best.iterancestors():
        if bounded or anc.tag in ("html", "body") or anc in m.skip:
            break
        gain = m.deep.get(anc, 0.0) - m.deep.get(cur, 0.0)
        cur = anc
        if gain <= 0.0:
            continue
        if gain < max(CLIMB_MIN, CLIMB_GAIN * base) or _added_links(anc, chosen, m) > CLIMB_LINKS:
            break
        chosen = anc
        bounded = _named_body(chosen, m)
        _skip_link_lists(anc, m)
    return chosen


def _added_links(anc: HtmlElement, el: HtmlElement, m: Measures) -> float:
    """The link density of what anc holds beside el: a sidebar of links beside the article
    is mostly links, however little the whole of anc is."""
    text = m.text.get(anc, 0) - m.text.get(el, 0)
    return (m.links.get(anc, 0) - m.links.get(el, 0)) / text if text > 0 else 0.0


def _skip_link_lists(anc: HtmlElement, m: Measures) -> None:
    """Children of a climbed ancestor with no prose and mostly links: a side list of links."""
    for child in anc:
        if (isinstance(child.tag, str) and child not in m.deep and m.text.get(child, 0)
                and link_density(child, m) > 0.5):
            m.skip.add(child)


def _with_title(best: HtmlElement, title_el: HtmlElement, m: Measures) -> HtmlElement:
    """Take in the title's container when it adds little text: the lead usually sits there."""
    if any(a is best for a in title_el.iterancestors()):
        return best
    own = m.text.get(best, 0) - m.links.get(best, 0)
    title_anc = {id(a): a for a in title_el.iterancestors()}
    extra = 0
    child = best
    for anc in best.iterancestors():
        if anc.tag in ("html", "body"):
            return best
        # Text the climb would add: siblings on the way up, boilerplate left out.
        for sib in anc:
            if sib is not child and isinstance(sib.tag, str) and sib not in m.skip:
                extra += m.text.get(sib, 0) - m.links.get(sib, 0)
        child = anc
        if extra > 0.5 * own + 400:
            return best
        if id(anc) in title_anc:
            return anc if _index_of(anc, title_el) < _index_of(anc, best) else best
    return best


# Blocks that interrupt an article without ending it: a figure and its caption, a table, an
# aside, a picture alone in its block.
_INTERLUDES = frozenset({"figure", "picture", "img", "table", "aside", "dl", "video", "iframe"})


def _past_interludes(last: HtmlElement, m: Measures) -> HtmlElement:
    """The article's last block, carried past a figure, caption or aside that interrupts it
    when a section follows: a heading over prose of its own, not links.

    A short article cut in two by a photo scores too little after it to join the chosen
    block ("Les discours officiels" under a figure was lost with its text); a heading is
    what says the article goes on.
    """
    end, crossed, opened = last, False, False
    for sib in last.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if _interlude(sib, m):
            crossed = True
        elif link_density(sib, m) < 0.3 and (
                (crossed and _opens_section(sib, m))
                or (opened and (sib.tag in HEADINGS or m.text.get(sib, 0) >= 25))):
            end, opened = sib, True  # the section's own paragraphs follow its heading
        else:
            break
    return end


def _interlude(el: HtmlElement, m: Measures) -> bool:
    if el in m.skip or el.tag in _INTERLUDES:
        return True
    # A block with no paragraph of its own around a picture: an image and its caption.
    return el not in m.deep and el.find(".//img") is not None


def _opens_section(el: HtmlElement, m: Measures) -> bool:
    """A heading, or a block whose first child is a heading and which holds prose."""
    if el.tag in HEADINGS:
        return True
    first = next((c for c in el if isinstance(c.tag, str)), None)
    return first is not None and first.tag in HEADINGS and el in m.deep


def _branch(container: HtmlElement, el: HtmlElement) -> HtmlElement:
    """The child of container that holds el (el itself when container is el)."""
    if container is el:
        return el
    child = el
    for anc in el.iterancestors():
        if anc is container:
            return child
        child = anc
    return el


def _index_of(parent: HtmlElement, el: HtmlElement) -> int:
    """Position among parent's children of the child that holds el."""
    child = el
    for anc in el.iterancestors():
        if anc is parent:
            return int(parent.index(child))
        child = anc
    return -1
