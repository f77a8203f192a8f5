"""Breadcrumb labels, a trail's last item, translation menus and the article's language.

Small pages written here, one parametrised row per language and form.
"""

from __future__ import annotations

import pytest

from scraper import extract_page

ARTICLE = (
    "<p>Le premier paragraphe de l'article raconte la visite officielle de la délégation, "
    "ses rencontres avec les autorités locales et les accords signés à cette occasion.</p>"
    "<p>Le second paragraphe décrit la suite du programme, les visites de terrain et les "
    "échanges avec les représentants de la société civile, puis le retour à la capitale.</p>"
)


def _trail_page(items: str, title: str = "Visite officielle de la délégation") -> str:
    return (
        f"<html lang='fr'><head><title>{title}</title></head><body>"
        f"<nav class='breadcrumb'><ol>{items}</ol></nav>"
        f"<article><h1>{title}</h1>{ARTICLE}</article></body></html>"
    )


@pytest.mark.parametrize("label", [
    "Vous êtes ici :", "Vous êtes ici", "You are here:", "You are in:", "Usted está en:",
    "Estás en:", "Está aquí:", "Sie sind hier:", "Sie befinden sich hier:", "Du bist hier:",
    "Sei qui:", "Ti trovi in:", "Você está aqui:", "U bent hier:", "Je bent hier:",
    "Jesteś tutaj:", "Znajdujesz się w:", "Buradasınız:", "Şu an buradasınız:",
    "Вы здесь:", "Вы находитесь:", "Ви тут:", "أنت هنا :", "أنت هنا", "انت هنا:", "مكانك:",
    "موقعك:", "شما اینجا هستید:", "Ви сте овде:", "Vi ste ovde:", "Ön itt van:",
    "אתה נמצא כאן:", "Bạn đang ở:", "当前位置：", "您的位置:", "現在位置:", "현재 위치:",
])
def test_a_you_are_here_label_is_not_a_breadcrumb_item(label: str) -> None:
    items = f"<li>{label}</li><li><a href='/'>Accueil</a></li><li><a href='/actu'>Actualités</a></li>"
    page = extract_page(_trail_page(items), "https://xx.example.org/visite")
    assert page.breadcrumb == ["Accueil", "Actualités"]


@pytest.mark.parametrize("label", ["Vous êtes ici :", "أنت هنا:", "Usted está en:", "您的位置："])
def test_a_label_written_before_the_first_link_is_stripped(label: str) -> None:
    page = extract_page(
        "<html lang='fr'><body><div class='ariane'>" + label + " <a href='/'>Accueil</a> &gt; "
        "<a href='/actu'>Actualités</a></div><article><h1>Visite officielle</h1>"
        + ARTICLE + "</article></body></html>", "https://xx.example.org/visite")
    assert page.breadcrumb == ["Accueil", "Actualités"]


@pytest.mark.parametrize(("last", "kept"), [
    ("Visite officielle de la délégation", False),       # the title itself
    ("Visite officielle de la délé…", False),             # the title cut short
    ("Visite officielle de la délégation...", False),
    ("Visite officielle", True),                          # a rubrique opening the title
    ("Événements", True),                                 # a rubrique
])
def test_the_last_item_is_kept_unless_it_repeats_the_title(last: str, kept: bool) -> None:
    items = f"<li><a href='/'>Accueil</a></li><li><a href='/r'>{last}</a></li>"
    page = extract_page(_trail_page(items), "https://xx.example.org/visite")
    assert page.breadcrumb == (["Accueil", last] if kept else ["Accueil"])


@pytest.mark.parametrize(("label", "lang", "name"), [
    ("Also available in:", "en", "English"),
    ("This article is also available in:", "es", "Español"),
    ("Disponible en :", "en", "English"),
    ("Disponible aussi en :", "en", "English"),
    ("Cet article est aussi disponible en :", "ar", "عربي"),
    ("Toutes les versions de cet article :", "en", "English"),
    ("All the versions of this article:", "fr", "français"),
    ("También disponible en:", "fr", "Français"),
    ("Auch verfügbar in:", "fr", "Français"),
    ("Disponibile anche in:", "fr", "Français"),
    ("Também disponível em:", "fr", "Français"),
    ("Ook beschikbaar in:", "fr", "Français"),
    ("Также доступно на:", "fr", "Français"),
    ("متوفر باللغة:", "fr", "Français"),
    ("其他语言：", "fr", "Français"),
])
def test_a_translation_menu_is_never_body_text_and_gives_the_translations(
    label: str, lang: str, name: str
) -> None:
    page = extract_page(
        "<html lang='de'><body><article><h1>Ein Titel der Seite</h1>"
        f"<p class='langs'>{label} <a href='/other-version-12'>{name}</a></p>"
        "<p>Der erste Absatz des Artikels erzählt vom offiziellen Besuch der Delegation, "
        "von den Treffen mit den Behörden und von den unterzeichneten Abkommen.</p>"
        "<p>Der zweite Absatz beschreibt das weitere Programm, die Besuche vor Ort und den "
        "Austausch mit Vertretern der Zivilgesellschaft, dann die Rückkehr.</p>"
        "</article></body></html>", "https://xx.example.org/ein-titel-11")
    assert label.rstrip(" :：") not in page.text
    assert name not in page.text
    assert page.translations == {lang: "https://xx.example.org/other-version-12"}


SPANISH = (
    "<p>La embajada organizó un encuentro con los estudiantes de la universidad para "
    "presentar los programas de becas y las oportunidades de estudio en el extranjero.</p>"
    "<p>Durante la jornada, los asistentes pudieron conversar con antiguos becarios y con "
    "los responsables de la cooperación universitaria sobre sus proyectos de investigación.</p>"
)


def _spanish(html_lang: str, container_lang: str = "") -> str:
    lang = f" lang='{container_lang}'" if container_lang else ""
    return (f"<html lang='{html_lang}'><body><header>Menu</header><main{lang}><h1>Encuentro con "
            f"estudiantes</h1>{SPANISH}</main></body></html>")


@pytest.mark.parametrize(("html", "content_language", "want"), [
    # A template's wrong <html lang> against the container, the header and the text.
    (_spanish("fr", "es"), "es", "es"),
    # The container's own lang and the text agree.
    (_spanish("fr", "es"), None, "es"),
    # The header and the text agree.
    (_spanish("fr"), "es", "es"),
    # The text alone does not outvote the declaration.
    (_spanish("fr"), None, "fr"),
    # No declaration at all: the header, then the text.
    (_spanish(""), "es-MX", "es"),
    (_spanish(""), None, "es"),
    # All agree.
    (_spanish("es", "es"), "es", "es"),
])
def test_the_article_language_comes_from_the_best_evidence(
    html: str, content_language: str | None, want: str
) -> None:
    page = extract_page(html, "https://xx.example.org/encuentro",
                        content_language=content_language)
    assert page.language == want


def test_declared_and_detected_languages_are_both_kept() -> None:
    page = extract_page(_spanish("fr", "es"), "https://xx.example.org/encuentro",
                        content_language="es")
    assert (page.language_declared, page.language_detected, page.language) == ("fr", "es", "es")
