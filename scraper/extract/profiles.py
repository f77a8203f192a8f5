"""Site profiles as data: XPath selectors for known templates, tried before the generic rules.

A profile applies when its `detect` expression matches; each selector list is tried in order
and the generic rule takes over for any field whose selectors find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .dom import HtmlElement


def _cls(name: str) -> str:
    # The plain contains() first: libxml2 stops there for most elements, sparing the
    # string building of the exact word test.
    return (f"(contains(@class, '{name}') and "
            f"contains(concat(' ', normalize-space(@class), ' '), ' {name} '))")


def _any(name: str) -> str:
    """Every element of the document with class word `name`, in document order. Walking the
    class attributes, not the elements, is the cheaper scan in libxml2."""
    return (f"//@class[contains(., '{name}')]"
            f"/parent::*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


@dataclass(frozen=True)
class Profile:
    name: str
    detect: str
    main: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    breadcrumb: tuple[str, ...] = ()
    # Subtrees inside the main content that are not body text (dates, markers, attachments).
    exclude: tuple[str, ...] = ()


_SPIP_GENERATOR = "//meta[@name='generator'][starts-with(normalize-space(@content), 'SPIP')]"

PROFILES: tuple[Profile, ...] = (
    # The French embassy network's SPIP template (xx.ambafrance.org and the sample site).
    Profile(
        name="ambafrance",
        detect=f"//h1[{_cls('titre-article')} or {_cls('titre-rubrique')}]",
        main=(f"//article[{_cls('article')}]", _any("main")),
        title=(f"//h1[{_cls('titre-article')} or {_cls('titre-rubrique')}]",),
        breadcrumb=(_any("ariane"),),
        exclude=(
            f".//*[{_cls('traductions')}]",
            f".//*[{_cls('documents')}]",
            f".//*[{_cls('date-publication')}]",
            f".//*[{_cls('date-maj')}]",
            f".//*[{_cls('pagination')}]",
            f".//*[{_cls('date')}]",
        ),
    ),
    # Stock SPIP (dist and Zpip templates).
    Profile(
        name="spip",
        detect=_SPIP_GENERATOR + " | " + _any("spip_logo") + " | " + _any("spip_doc_titre"),
        breadcrumb=("//@id[. = 'hierarchie']/parent::*", _any("ariane")),
        exclude=(f".//*[{_cls('spip_doc_descriptif')}]", f".//*[{_cls('documents_joints')}]"),
    ),
    Profile(
        name="wordpress",
        detect="//meta[@name='generator'][starts-with(normalize-space(@content), 'WordPress')]",
        main=(_any("entry-content"), _any("post-content")),
        title=(f"//h1[{_cls('entry-title')}]",),
    ),
    Profile(
        name="drupal",
        detect="//meta[@name='generator'][starts-with(normalize-space(@content), 'Drupal')]",
        main=(_any("field--name-body"), _any("field-name-body")),
        title=(f"//h1[{_cls('page-title')}]",),
    ),
    Profile(
        name="typo3",
        detect="//meta[@name='generator'][contains(@content, 'TYPO3')]",
    ),
)


@dataclass(frozen=True)
class Compiled:
    profile: Profile
    detect: etree.XPath
    main: tuple[etree.XPath, ...]
    title: tuple[etree.XPath, ...]
    breadcrumb: tuple[etree.XPath, ...]
    exclude: tuple[etree.XPath, ...]
    # A detect that only tests <meta name="generator">, as a test of one such element: the
    # document's generator metas are then found once for every profile, not once each.
    on_generator: etree.XPath | None = None
    # A detect that is a union of such generator tests and `_any` class scans, part by part:
    # (class word or None for a generator test, its XPath). A class scan runs only when its
    # word occurs in some class attribute of the document (all of them read once per page).
    parts: tuple[tuple[str | None, etree.XPath], ...] | None = None


_GENERATOR = "//meta[@name='generator']"
_GENERATORS = etree.XPath(_GENERATOR)
_CLASSES = etree.XPath("//@class", smart_strings=False)
_ANY = "//@class[contains(., '"


def _on_generator(detect: str) -> etree.XPath | None:
    if not detect.startswith(_GENERATOR + "[") or "|" in detect:
        return None
    return etree.XPath("self::meta[@name='generator']" + detect[len(_GENERATOR):])


def _parts(detect: str) -> tuple[tuple[str | None, etree.XPath], ...] | None:
    """A union detect split into generator tests and class scans; None for any other form."""
    if " | " not in detect:
        return None
    parts: list[tuple[str | None, etree.XPath]] = []
    for part in detect.split(" | "):
        on_generator = _on_generator(part)
        if on_generator is not None:
            parts.append((None, on_generator))
        elif part.startswith(_ANY) and part == _any(part[len(_ANY):].split("'", 1)[0]):
            parts.append((part[len(_ANY):].split("'", 1)[0], etree.XPath(part)))
        else:
            return None
    return tuple(parts)


def _compile(p: Profile) -> Compiled:
    return Compiled(
        p,
        etree.XPath(p.detect),
        tuple(etree.XPath(x) for x in p.main),
        tuple(etree.XPath(x) for x in p.title),
        tuple(etree.XPath(x) for x in p.breadcrumb),
        tuple(etree.XPath(x) for x in p.exclude),
        _on_generator(p.detect),
        _parts(p.detect),
    )


COMPILED: tuple[Compiled, ...] = tuple(_compile(p) for p in PROFILES)


def match_profile(doc: HtmlElement) -> Compiled | None:
    """The first profile whose detect expression matches the document."""
    generators: list[HtmlElement] | None = None  # found at the first profile that asks
    classes: str | None = None  # every class attribute, one per line
    for compiled in COMPILED:
        try:
            if compiled.on_generator is not None:
                if generators is None:
                    generators = _GENERATORS(doc)
                if any(compiled.on_generator(meta) for meta in generators):
                    return compiled
            elif compiled.parts is not None:
                for word, xpath in compiled.parts:
                    if word is None:
                        if generators is None:
                            generators = _GENERATORS(doc)
                        if any(xpath(meta) for meta in generators):
                            return compiled
                        continue
                    if classes is None:
                        classes = "\n".join(_CLASSES(doc))
                    if word in classes and xpath(doc):
                        return compiled
            elif compiled.detect(doc):
                return compiled
        except etree.XPathError:
            continue
    return None
