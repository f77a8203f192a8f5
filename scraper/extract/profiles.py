"""Site profiles as data: XPath selectors for known templates, tried before the generic rules.

A profile applies when its `detect` expression matches; each selector list is tried in order
and the generic rule takes over for any field whose selectors find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .dom import HtmlElement


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


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
        main=(f"//article[{_cls('article')}]", f"//*[{_cls('main')}]"),
        title=(f"//h1[{_cls('titre-article')} or {_cls('titre-rubrique')}]",),
        breadcrumb=(f"//*[{_cls('ariane')}]",),
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
        detect=_SPIP_GENERATOR + f" | //*[{_cls('spip_logo')} or {_cls('spip_doc_titre')}]",
        breadcrumb=("//*[@id='hierarchie']", f"//*[{_cls('ariane')}]"),
        exclude=(f".//*[{_cls('spip_doc_descriptif')}]", f".//*[{_cls('documents_joints')}]"),
    ),
    Profile(
        name="wordpress",
        detect="//meta[@name='generator'][starts-with(normalize-space(@content), 'WordPress')]",
        main=(f"//*[{_cls('entry-content')}]", f"//*[{_cls('post-content')}]"),
        title=(f"//h1[{_cls('entry-title')}]",),
    ),
    Profile(
        name="drupal",
        detect="//meta[@name='generator'][starts-with(normalize-space(@content), 'Drupal')]",
        main=(f"//*[{_cls('field--name-body')}]", f"//*[{_cls('field-name-body')}]"),
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


def _compile(p: Profile) -> Compiled:
    return Compiled(
        p,
        etree.XPath(p.detect),
        tuple(etree.XPath(x) for x in p.main),
        tuple(etree.XPath(x) for x in p.title),
        tuple(etree.XPath(x) for x in p.breadcrumb),
        tuple(etree.XPath(x) for x in p.exclude),
    )


COMPILED: tuple[Compiled, ...] = tuple(_compile(p) for p in PROFILES)


def match_profile(doc: HtmlElement) -> Compiled | None:
    """The first profile whose detect expression matches the document."""
    for compiled in COMPILED:
        try:
            if compiled.detect(doc):
                return compiled
        except etree.XPathError:
            continue
    return None
