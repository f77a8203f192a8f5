"""Classes of page, not pages: each written here as small HTML, one row per language and form.

Update lines in any of our languages, before or after the body; every grammatical form of
"you are here"; headings after figures, captions and asides; characters XML forbids.
"""

from __future__ import annotations

from datetime import date

import pytest

from scraper import extract_page
from scraper.extract.breadcrumb import YOU_ARE_HERE, drop_label
from scraper.extract.text import xml_safe
from scraper.models import Page

TODAY = date(2026, 12, 1)
ES_BODY = (
    "<p>La embajada organizó un encuentro cultural con artistas y escritores de la región, "
    "que presentaron sus obras ante un público numeroso en los jardines de la residencia.</p>"
    "<p>Durante la tarde hubo música, danza y lecturas de poesía, seguidas de un debate sobre "
    "la cooperación cultural entre los dos países y los proyectos del próximo año.</p>"
)


def _es_page(before: str = "", after: str = "", head: str = "", footer: str = "") -> str:
    return (
        f"<html lang='es'><head><title>Encuentro cultural</title>{head}</head><body>"
        "<header><nav><a href='/'>Inicio</a> <a href='/actualidad'>Actualidad</a></nav></header>"
        f"<main><article><h1>Encuentro cultural en la embajada</h1>{before}{ES_BODY}</article>"
        f"{after}</main><footer><p>Embajada de Francia</p>{footer}</footer></body></html>"
    )


def _es_with_line(line: str) -> Page:
    """The Spanish article with `line` as its last paragraph, extracted."""
    html = _es_page().replace("</article>", f"<p>{line}</p></article>")
    return extract_page(html, "https://mx.example.org/Encuentro-123", today=TODAY)


def _dates(html: str) -> tuple[str | None, str | None]:
    page = extract_page(html, "https://mx.example.org/Encuentro-cultural-123", today=TODAY)
    return (page.published and page.published.isoformat(),
            page.modified and page.modified.isoformat())


@pytest.mark.parametrize("line", [
    "Dernière modification : 10/04/2019",      # the French label, as SPIP prints it
    "Mis à jour le 10/04/2019",
    "Última modificación: 10/04/2019",
    "Updated 10/04/2019",
    "Letzte Änderung: 10.04.2019",             # a German template's, on a Spanish page
    "Ultimo aggiornamento: 10/04/2019",
    "Última atualização: 10/04/2019",
    "Laatst bijgewerkt: 10-04-2019",
    "Ostatnia aktualizacja: 10.04.2019",
    "Son güncelleme: 10.04.2019",
    "Обновлено: 10.04.2019",
    "آخر تحديث: 10/04/2019",
    "最終更新日：2019年4月10日",
    "最后更新：2019年4月10日",
])
@pytest.mark.parametrize("where", ["after the body", "under the title", "in the footer"])
def test_an_update_line_in_any_of_our_languages_gives_modified_never_published(
    line: str, where: str
) -> None:
    tag = f"<p class='info'>{line}</p>"
    html = {"after the body": _es_page(after=tag), "under the title": _es_page(before=tag),
            "in the footer": _es_page(footer=tag)}[where]
    assert _dates(html) == (None, "2019-04-10")


def test_an_update_line_after_the_body_beside_a_declared_publication() -> None:
    head = "<meta property='article:published_time' content='2018-11-05T09:00:00+01:00'>"
    html = _es_page(after="<div><p>Dernière modification : 10/04/2019</p>"
                          "<p><a href='#top'>Haut de page</a></p></div>", head=head)
    assert _dates(html) == ("2018-11-05", "2019-04-10")


def test_an_update_on_the_publication_day_is_no_modification() -> None:
    html = _es_page(before="<p>Publicado el 10/04/2019</p>",
                    after="<p>Dernière modification : 10/04/2019</p>")
    assert _dates(html) == ("2019-04-10", None)


def test_a_stand_line_of_another_language_is_not_read_as_an_update() -> None:
    """Only update labels cross languages: the German "Stand" means "stand" in English."""
    html = _es_page(after="<p>Stand 10.04.2019 with us</p>")
    assert _dates(html)[1] is None


# One row per language and form: (label as a template writes it, language).
LABELS = [
    ("Vous êtes ici :", "fr"), ("Tu es ici :", "fr"), ("Vous vous trouvez dans :", "fr"),
    ("You're here:", "en"), ("You are on:", "en"),
    ("Ustedes están aquí:", "es"), ("Estáis aquí:", "es"), ("Usted se encuentra en:", "es"),
    ("Te encuentras en:", "es"),
    ("Siete qui:", "it"), ("Lei è qui:", "it"), ("Vi trovate in:", "it"),
    ("Vocês estão aqui:", "pt"), ("Estás aqui:", "pt"), ("Encontras-te em:", "pt"),
    ("Ihr seid hier:", "de"), ("Du befindest dich hier:", "de"), ("Sie befinden sich auf:", "de"),
    ("Jullie zijn hier:", "nl"), ("Je bevindt je hier:", "nl"), ("U bent nu hier:", "nl"),
    ("Jesteście tutaj:", "pl"), ("Znajdujecie się w:", "pl"), ("Pan jest tutaj:", "pl"),
    ("Buradasın:", "tr"), ("Şu anda buradasınız:", "tr"), ("Bulunduğun sayfa:", "tr"),
    ("Ты здесь:", "ru"), ("Вы сейчас здесь:", "ru"), ("Ты находишься здесь:", "ru"),
    ("Ти тут:", "uk"), ("Ти перебуваєш тут:", "uk"), ("Ви знаходитесь:", "uk"),
    ("أنتم هنا:", "ar"), ("أنتَ هنا", "ar"), ("أنتِ هنا:", "ar"), ("أنتن هنا:", "ar"),
    ("أنتما هنا:", "ar"), ("أنتم الآن في:", "ar"), ("موقعكم الحالي:", "ar"),
    ("تو اینجا هستی:", "fa"), ("شما اینجایید:", "fa"), ("اینجا هستید:", "fa"),
    ("Ти си овде:", "sr"), ("Налазиш се овде:", "sr"), ("Nalaziš se:", "sr"),
    ("Önök itt vannak:", "hu"), ("Itt vagytok:", "hu"), ("Ön itt jár:", "hu"),
    ("את נמצאת כאן:", "he"), ("אתם נמצאים כאן:", "he"), ("אתן נמצאות כאן:", "he"),
    ("Các bạn đang ở:", "vi"), ("Quý khách đang ở đây:", "vi"),
    ("您在这里：", "zh"), ("你现在的位置：", "zh"), ("您在這裡：", "zh"),
    ("あなたはここにいます：", "ja"), ("現在の位置：", "ja"), ("現在表示中のページ：", "ja"),
    ("현위치:", "ko"), ("여기에 있습니다:", "ko"), ("현재 페이지:", "ko"),
]


def test_every_language_of_the_labels_has_a_row_here() -> None:
    assert {lang for _, lang in LABELS} == set(YOU_ARE_HERE)
    assert len(YOU_ARE_HERE) == 20


@pytest.mark.parametrize(("label", "lang"), LABELS)
def test_every_form_of_you_are_here_is_dropped_from_the_trail(label: str, lang: str) -> None:
    html = (
        f"<html lang='{lang}'><head><title>Page</title></head><body>"
        f"<nav class='breadcrumb'><ol><li>{label}</li><li><a href='/'>Home</a></li>"
        "<li><a href='/news'>News</a></li></ol></nav>"
        f"<article><h1>Page</h1>{ES_BODY}</article></body></html>"
    )
    page = extract_page(html, "https://xx.example.org/page", today=TODAY)
    assert page.breadcrumb == ["Home", "News"]


@pytest.mark.parametrize(("item", "kept"), [
    ("أنتم هنا: الرئيسية", "الرئيسية"),
    ("Estás en: Inicio", "Inicio"),
    ("Estás entrando", "Estás entrando"),   # a word that only starts like the label
    ("Anten Haber", "Anten Haber"),
    ("您的位置：首页", "首页"),               # no space between a Chinese label and the item
])
def test_a_label_is_cut_from_the_item_it_opens_and_nothing_else(item: str, kept: str) -> None:
    assert drop_label(item) == kept


FR_P1 = ("<p>La fête nationale a réuni plus de mille invités dans les jardins de la "
         "résidence, autour de l'ambassadeur et des autorités locales.</p>")
FR_P2 = ("<p>L'ambassadeur a rappelé les liens d'amitié entre les deux pays et annoncé les "
         "projets culturels et universitaires de l'année à venir.</p>")
CAPTION = "L'ambassadeur accueille les invités. Photo : ambassade de France"


@pytest.mark.parametrize("between", [
    f"<figure><img src='a.jpg' alt=''><figcaption>{CAPTION}</figcaption></figure>",
    f"<div class='image'><img src='a.jpg'><p class='legende'>{CAPTION}</p></div>",
    (f"<dl class='spip_documents'><dt><img src='a.jpg'></dt><dd class='spip_doc_titre'>"
     f"{CAPTION}</dd></dl>"),
    f"<p><img src='a.jpg'><br><em>{CAPTION}</em></p>",
    "<aside class='encadre'><p>Le programme complet est disponible à l'accueil.</p></aside>",
    "<aside><h3>À lire aussi</h3><ul><li><a href='/a'>Un autre article</a></li></ul></aside>",
    "<table><caption>Horaires</caption><tr><td>Lundi</td><td>9 h</td></tr></table>",
])
@pytest.mark.parametrize("split", [False, True])
def test_a_heading_after_a_figure_caption_or_aside_is_a_section_heading(
    between: str, split: bool
) -> None:
    heading = "<h2>Les discours officiels</h2>"
    body = (f"<div class='texte'>{FR_P1}</div>{between}<div class='texte'>{heading}{FR_P2}</div>"
            if split else f"<div class='texte'>{FR_P1}{between}{heading}{FR_P2}</div>")
    html = (f"<html lang='fr'><head><title>Fête nationale</title></head><body>"
            f"<main><article><h1>La fête nationale</h1>{body}</article></main></body></html>")
    page = extract_page(html, "https://xx.example.org/fete", today=TODAY)
    assert [s.heading for s in page.sections] == [None, "Les discours officiels"]
    assert "annoncé les projets" in page.sections[1].text


def test_characters_xml_forbids_are_dropped_from_every_field() -> None:
    """A control character from a JSON-LD headline once made the Atom feed invalid XML."""
    html = (
        "<html lang='fr'><head><script type='application/ld+json'>"
        '{"@type": "NewsArticle", "headline": "Visite\\u0001 officielle\\ud800 du ministre",'
        ' "datePublished": "2020-01-02"}</script></head><body>'
        "<nav class='breadcrumb'><a href='/'>Accueil&#1;</a> &gt; <a href='/actu'>Actu\ufffe</a></nav>"
        f"<article><h2>Le programme\uffff</h2>{FR_P1}<p>Une ligne\x08 de plus\x1b.</p>{FR_P2}"
        "</article></body></html>"
    )
    page = extract_page(html, "https://xx.example.org/visite", today=TODAY)
    assert page.title == "Visite officielle du ministre"
    assert page.breadcrumb == ["Accueil", "Actu"]
    assert page.sections[0].heading == "Le programme"
    fields = [page.title or "", page.text, *page.breadcrumb, *page.translations,
              *(s.text + (s.heading or "") for s in page.sections)]
    forbidden = {*map(chr, range(9)), "\x0b", "\x0c", *map(chr, range(14, 32)), "\ufffe",
                 "\uffff", "\ud800"}
    assert not [f for f in fields if forbidden & set(f)]
    assert "Une ligne de plus." in page.text


@pytest.mark.parametrize(("text", "label", "want"), [
    ("a\x01b", False, "ab"), ("a \x01 b", True, "a b"), ("tab\tnew\nline\r", False,
                                                          "tab\tnew\nline\r"),
    ("\ufffe\uffff\ud800", False, ""), ("plain", False, "plain"),
])
def test_xml_safe_drops_only_what_xml_forbids(text: str, label: bool, want: str) -> None:
    assert xml_safe(text, label=label) == want


def test_a_prefixed_tag_around_a_sidebar_costs_no_field(caplog: pytest.LogCaptureFixture) -> None:
    """Facebook's <fb:like> and the like once made the date step fail on 1 page in 300."""
    html = (
        "<html lang='fr'><head><title>Fête nationale</title></head><body>"
        "<fb:like><div class='sidebar'><p>Archives : 12 mars 2010</p></div></fb:like>"
        f"<article><h1>La fête nationale</h1>{FR_P1}{FR_P2}</article></body></html>"
    )
    with caplog.at_level("WARNING", logger="scraper.extract"):
        page = extract_page(html, "https://xx.example.org/fete", today=TODAY)
    assert not [r for r in caplog.records if "failed" in r.getMessage()]
    assert page.published is None  # the sidebar's date is not the page's


EN_P = ("<p>I spent the whole afternoon in the old quarter, walking from the river to the "
        "market, and wrote down every shop sign that still used the old spelling.</p>")
# Text beside the post: with a footer as long, the post holds less than half of the page.
SIDE_TEXT = ("<p>A reader's note on another town, its bridges, its bakeries and its painted "
             "walls, written at length and signed by a regular visitor of this blog.</p>") * 2
FOOTER = f"<footer>{SIDE_TEXT.replace('note', 'letter')}</footer>"


def test_blogger_s_blog_widget_holds_the_posts_not_a_sidebar() -> None:
    """Blogger names the posts' container "widget Blog" (#Blog1): read as the article."""
    html = (
        "<html lang='en'><head><title>Old signs</title></head><body>"
        "<div class='main-inner'><div class='widget Blog' id='Blog1'><div class='date-outer'>"
        "<h2 class='date-header'><span>Wednesday, March 30, 2011</span></h2>"
        "<div class='post hentry'><h3 class='post-title'>Old signs</h3>"
        f"<div class='post-body'>{EN_P}{EN_P}</div></div></div></div></div>"
        "<div class='sidebar'><div class='widget BlogArchive' id='BlogArchive1'>"
        "<h2>Archive</h2><ul><li><a href='/2010/05/'>May 12, 2010</a></li></ul></div>"
        f"<div class='widget Text' id='Text1'>{SIDE_TEXT}</div></div>{FOOTER}"
        "</body></html>"
    )
    page = extract_page(html, "https://oldsigns.example.org/old-signs.html", today=TODAY)
    assert "every shop sign" in page.text and "Archive" not in page.text
    assert page.published == date(2011, 3, 30)


@pytest.mark.parametrize("post", [
    "id='post-3292' class='hentry post publish author-admin category-travel'",  # WordPress
    "id='entry-6a00d8' class='entry-author-admin entry-type-post entry'",       # Typepad
])
def test_a_blog_post_named_after_its_author_is_the_post_an_author_box_is_not(post: str) -> None:
    html = (
        "<html lang='en'><head><title>Old signs</title></head><body>"
        f"<div {post}>"
        f"<h2 class='entry-title'>Old signs</h2><div class='entry-content'>{EN_P}</div>"
        "<div class='author-bio'><p>The author writes about towns, their streets and their "
        "signs, and has walked through forty old quarters so far.</p></div></div>"
        f"<div id='comments'>{SIDE_TEXT}</div>{FOOTER}</body></html>"
    )
    page = extract_page(html, "https://oldsigns.example.org/old-signs/", today=TODAY)
    assert "every shop sign" in page.text
    assert "forty old quarters" not in page.text


@pytest.mark.parametrize("line", ["Mise en ligne : 23 mai 2019", "Mis en ligne le 23 mai 2019",
                                  "Date de mise en ligne : 23/05/2019"])
def test_mise_en_ligne_dates_the_publication_in_either_gender(line: str) -> None:
    html = (f"<html lang='fr'><head><title>Fête nationale</title></head><body><main><article>"
            f"<h1>La fête nationale</h1><p class='info'>{line}</p>{FR_P1}{FR_P2}</article></main>"
            "</body></html>")
    page = extract_page(html, "https://xx.example.org/fete", today=TODAY)
    assert page.published == date(2019, 5, 23)


def test_a_box_named_sidebar_inside_the_article_still_dates_it_as_a_last_resort() -> None:
    """htmldate, our last resort, sees the article's own side box; never one outside it."""
    inside = ("<div class='podcast-description__sidebar'><p>Un documentaire sonore</p>"
              "<p>23 mai 2019</p></div>")
    outside = "<aside class='sidebar'><ul><li><a href='/a'>Autre</a> 12 mars 2010</li></ul></aside>"
    html = (f"<html lang='fr'><head><title>Fête nationale</title></head><body>{outside}"
            f"<main><article><h1>La fête nationale</h1>{FR_P1}{inside}{FR_P2}</article></main>"
            "</body></html>")
    page = extract_page(html, "https://xx.example.org/fete", today=TODAY)
    assert page.published == date(2019, 5, 23)
    alone = html.replace(inside, "")
    assert extract_page(alone, "https://xx.example.org/fete", today=TODAY).published is None


@pytest.mark.parametrize("line", [
    "Letzte Änderung: 10.04.2019", "Dernière modification : 10/04/2019", "آخر تحديث: 10/04/2019",
    "Ostatnia aktualizacja: 10.04.2019", "Última atualização: 10/04/2019",
    "Last modified: April 10, 2019", "Mis à jour le 10 avril 2019",  # a month's name
])
def test_an_update_line_in_the_article_s_flow_is_not_body_text(line: str) -> None:
    page = _es_with_line(line)
    assert line not in page.text and "los proyectos del próximo año" in page.text
    assert page.modified == date(2019, 4, 10)


def test_a_sentence_that_opens_with_an_update_word_stays_body_text() -> None:
    line = "Updated March guidance tells travellers to apply early."
    assert line in _es_with_line(line).text


def test_a_listing_is_not_dated_by_the_links_it_lists() -> None:
    # A SPIP rubrique: its articles' dates beside their links, and an aside of the latest
    # news inside <main>. Those dates are the linked pages'; the rubrique has none of its own.
    html = """<html lang="fr"><body><main class="main">
      <h1>Services consulaires</h1><p>Les démarches des Français résidant au Mali.</p>
      <ul class="liste-articles">
        <li><a href="/Permanence-4170">Permanence consulaire à Kayes</a> 15 janvier 2018</li>
        <li><a href="/Passeport-4141">Perte ou vol de passeport</a> 30 juin 2015</li></ul>
      <aside class="aside"><h2>Dernières actualités</h2><ul>
        <li><a href="/Fete-4120">Fête nationale</a> <span class="date">14 juillet 2017</span></li>
        <li><a href="/Pluies-4122">Saison des pluies</a> <span class="date">19 juin 2017</span></li>
      </ul></aside></main></body></html>"""
    page = extract_page(html, "https://ml.ambafrance.org/-Services-consulaires-")
    assert (page.published, page.modified) == (None, None)


_WP_BODY = "<p>" + "Les demandes de visa se déposent sur rendez-vous auprès du consulat. " * 8 + "</p>"


def test_a_section_label_inside_a_cms_heading_is_not_the_title() -> None:
    # WordPress's h1.entry-title (the profile's choice) holds a link to its section: the meta
    # titles, which lack it, tell it from the title's words.
    html = (
        "<html><head><title>Visas : les rendez-vous reprennent</title>"
        "<meta property='og:title' content='Visas : les rendez-vous reprennent'>"
        "<meta name='generator' content='WordPress 6.4'></head><body class='single'>"
        "<article class='post type-post'><h1 class='entry-title'><div class='entry-section'>"
        "<a href='/actualites/'>Actualités | </a></div><span>Visas : les rendez-vous "
        f"reprennent</span></h1><div class='entry-content'>{_WP_BODY}</div></article>"
        "</body></html>")
    assert extract_page(html, "https://ml.example.org/visas/").title == (
        "Visas : les rendez-vous reprennent")


@pytest.mark.parametrize(("heading", "title"), [
    ("»Einfach kein Geld mehr«", "»Einfach kein Geld mehr«"),  # a German quotation opens
    ("<span class='kicker'>Mietenstreik</span>: Kein Geld mehr", "Kein Geld mehr"),
    ("<span class='kicker'>Mietenstreik</span> » Kein Geld mehr", "Kein Geld mehr"),
])
def test_a_kicker_s_separator_goes_with_it_an_opening_quotation_mark_stays(
    heading: str, title: str
) -> None:
    html = (f"<html><head><title>Nachrichten</title></head><body><article><h1>{heading}</h1>"
            f"{_WP_BODY}</article></body></html>")
    assert extract_page(html, "https://de.example.org/artikel").title == title


@pytest.mark.parametrize("line", [
    # ending with a copyright credit
    "Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO",
    "La résidence de France à Bamako. © Ambassade de France au Mali",
    # naming the post's illustration
    "Beitragsbild: Der Garten der Residenz im Frühling",
    "Symbolbild: Ein Reisepass auf einem Tisch",
    "Image illustrative : la résidence de France, licence Creative Commons",
    "Imagen de archivo: la fachada de la embajada",
    "File photo: the embassy's garden in spring",
])
def test_a_picture_s_caption_or_credit_line_is_not_body_text(line: str) -> None:
    page = _es_with_line(line)
    assert line not in page.text and "los proyectos del próximo año" in page.text


def test_a_title_the_parser_moved_out_of_the_head_is_still_the_page_s_title() -> None:
    # Text before <title> ends the head early: lxml puts the <title> after it in the body.
    html = ("<html><head>stray<title>Les rendez-vous de visa reprennent</title></head><body>"
            "<svg><title>Logo de l'ambassade</title></svg><div class='content'>"
            f"{_WP_BODY}</div></body></html>")
    assert extract_page(html, "https://ml.example.org/visas").title == (
        "Les rendez-vous de visa reprennent")


# An article's other tab, closed by a utility class: a video's description, a copy for
# another layout. Not shown, so not body text.
CLOSED_TAB = ("<p>Der Bericht zum Video fasst die Ereignisse der Woche zusammen, mit Stimmen "
              "aus der Stadt, aus dem Rathaus und aus den Vereinen der Region.</p>")


def _with_block(cls: str, block: str) -> str:
    """The national-day article, then `block` in a div of class `cls`: its text."""
    html = (f"<html lang='fr'><head><title>Fête nationale</title></head><body><article>"
            f"<h1>La fête nationale</h1><div class='texte'>{FR_P1}{FR_P2}</div>"
            f"<div class='{cls}'>{block}</div></article></body></html>")
    return extract_page(html, "https://xx.example.org/fete", today=TODAY).text or ""


@pytest.mark.parametrize("cls", ["hidden", "tab-panel d-none", "is-hidden", "panel hide"])
def test_a_block_a_utility_class_hides_is_not_body_text(cls: str) -> None:
    text = _with_block(cls, CLOSED_TAB)
    assert "Ereignisse der Woche" not in text and "annoncé les projets" in text


@pytest.mark.parametrize("cls", ["d-none d-md-block", "hidden lg:block"])
def test_a_block_hidden_on_phones_only_is_body_text(cls: str) -> None:
    assert "Ereignisse der Woche" in _with_block(
        cls, FR_P1.replace("mille", "deux mille") + CLOSED_TAB)


def test_an_article_hidden_until_a_script_shows_it_is_still_read() -> None:
    html = (f"<html lang='fr'><head><title>Fête nationale</title></head><body>"
            f"<div class='hidden'><article><h1>La fête nationale</h1>{FR_P1}{FR_P2}</article>"
            "</div><footer><p>Ambassade de France</p></footer></body></html>")
    page = extract_page(html, "https://xx.example.org/fete", today=TODAY)
    assert "annoncé les projets" in page.text


def test_a_heading_inside_a_hidden_block_is_no_site_branding_for_the_title() -> None:
    # Left out of the body, but not marked down as the site's banner when the title is
    # chosen: the section's heading, which the <title> repeats, does not win over it.
    html = (f"<html lang='fr'><head><title>Actualités</title>"
            f"<meta property='og:title' content='La fête nationale'></head><body>"
            f"<div class='hidden'><h1>La fête nationale</h1></div><h2>Actualités</h2>"
            f"<div class='texte'>{FR_P1}{FR_P2}</div></body></html>")
    assert extract_page(html, "https://xx.example.org/fete", today=TODAY).title == (
        "La fête nationale")


@pytest.mark.parametrize("line", [
    "À lire aussi » <a href='/autre'>La semaine de la francophonie réunit les écoles de la ville</a>",
    "Le puede interesar: <a href='/otro'>La embajada abre las inscripciones a sus cursos de verano</a>",
    "Lesen Sie auch: <a href='/andere'>Das Konsulat verlängert seine Öffnungszeiten im Sommer</a>",
])
def test_a_read_also_line_with_its_link_is_not_body_text(line: str) -> None:
    """A "related" box written as one line, longer than a box title, its link the rest."""
    page = _es_with_line(line)
    assert "»" not in page.text and ":" not in page.text
    assert "los proyectos del próximo año" in page.text


def test_a_sentence_that_opens_like_a_read_also_label_stays_body_text() -> None:
    line = ("Read more widely, the ambassador said, and the two countries will understand "
            "each other better.")
    assert line in _es_with_line(line).text


def test_a_sentence_about_an_illustration_stays_body_text() -> None:
    line = "Illustration is what the exhibition shows best, in its third room."
    assert line in _es_with_line(line).text


_TEASERS = "".join(
    f"<h3><a href='/blog/{n}'>Otra entrada del blog número {n}</a></h3>"
    f"<p>Resumen de la entrada {n}: la embajada presentó, con sus socios, un programa de "
    "becas, intercambios y conferencias abiertas al público durante todo el año.</p>"
    for n in range(1, 4)
)


def _blog(cls: str, teaser_cls: str = "") -> str:
    post = f"<div class='{cls}'>{ES_BODY * 2}{ES_BODY.replace('encuentro', 'taller')}</div>"
    return (
        "<html lang='es'><head><title>Encuentro cultural</title></head><body>"
        f"<div id='shell'><div id='aCol'><h1>Encuentro cultural</h1>{post}</div>"
        f"<div id='cCol'><h2>Entradas recientes</h2>{_TEASERS.replace('<p>', f'<p class={teaser_cls!r}>')}</div>"
        "</div></body></html>"
    )


@pytest.mark.parametrize("cls", ["entry-content", "article__body", "post-text", "story-body"])
def test_a_column_beside_the_block_named_as_the_body_is_not_the_article(cls: str) -> None:
    text = extract_page(_blog(cls), "https://mx.example.org/blog/encuentro", today=TODAY).text
    assert "jardines de la residencia" in text and "taller" in text
    assert "programa de becas" not in text


def test_on_a_listing_where_every_teaser_is_named_as_a_body_the_list_is_read() -> None:
    page = _blog("entry-content", teaser_cls="entry-content")
    text = extract_page(page, "https://mx.example.org/blog/", today=TODAY).text
    assert "Resumen de la entrada 3" in text


@pytest.mark.parametrize(("cls", "block", "word"), [
    ("trackbacks", ("<h3>TrackBack</h3><p>TrackBack URL for this entry: "
                    "https://blog.example.org/trackback/6a00d8</p>"), "TrackBack"),
    ("postmetadata", ("<p>This entry was posted on Monday, July 14th, 2025 and is filed under "
                      "Culture. You can follow any responses to this entry through the RSS 2.0 "
                      "feed.</p>"), "You can follow"),
    ("twitter-follow-button", "<a href='https://twitter.com/ambafrance'>Follow @ambafrance</a>",
     "Follow @"),
])
def test_a_blog_s_trackbacks_post_metadata_or_follow_button_is_not_body_text(
        cls: str, block: str, word: str) -> None:
    html = (f"<html lang='fr'><head><title>Fête nationale</title></head><body><article>"
            f"<h1>La fête nationale</h1><div class='texte'>{FR_P1}<div class='{cls}'>{block}"
            f"</div>{FR_P2}</div></article></body></html>")
    text = extract_page(html, "https://xx.example.org/fete", today=TODAY).text
    assert "annoncé les projets" in text and word not in text


def test_a_box_of_related_links_between_the_lead_and_the_body_does_not_end_the_article() -> None:
    related = "".join(f"<li><h6><a href='/blog/{n}'>Otra crónica del embajador, número {n}</a>"
                      f" (octubre {n}, 2025)</h6></li>" for n in range(1, 5))
    html = ("<html lang='es'><head><title>Encuentro cultural</title></head><body>"
            "<div id='article'><h1>Encuentro cultural</h1><p class='byline'>Por Ana Ruiz</p>"
            "<div class='lead'><p>La embajada abrió sus puertas el sábado a los vecinos.</p></div>"
            f"<div class='inline-box'><h3>Relacionados</h3><ul>{related}</ul></div>"
            f"<div class='body'>{ES_BODY * 2}{ES_BODY.replace('encuentro', 'taller')}</div>"
            "</div></body></html>")
    text = extract_page(html, "https://mx.example.org/blog/encuentro", today=TODAY).text
    assert "taller cultural" in text and "jardines de la residencia" in text
    assert "Otra crónica" not in text


def test_a_column_of_links_beside_the_article_is_not_climbed_into() -> None:
    # The sidebar holds two short texts of its own (an "about" blurb, a teaser), enough
    # prose to look like a second part of the article, but it is mostly links.
    links = "".join(f"<li><a href='/blog/{n}'>Otra entrada del blog de la embajada, número {n}"
                    "</a></li>" for n in range(1, 16))
    html = ("<html lang='es'><head><title>Encuentro cultural</title></head><body>"
            "<div id='container'><section id='left-wide'><article><h1>Encuentro cultural</h1>"
            f"{ES_BODY * 2}{ES_BODY.replace('encuentro', 'taller')}</article></section>"
            "<section id='right'><p>Este blog, escrito por el equipo de la embajada, cuenta la "
            "vida cultural, científica y universitaria entre los dos países.</p>"
            "<p>El programa de becas, intercambios y conferencias se presenta, cada mes, en "
            f"nuestras páginas de actualidad y en la residencia.</p><ul>{links}</ul></section>"
            "</div></body></html>")
    text = extract_page(html, "https://mx.example.org/blog/encuentro", today=TODAY).text
    assert "taller cultural" in text
    assert "Este blog" not in text and "Otra entrada" not in text


@pytest.mark.parametrize("line", [
    "Enlarge Image", "HIDE CAPTION", "Email | Print", "Video", "Next article",   # controls
    "Artículo siguiente",
    "Hits: 3747", "170,094 Views", "Visitas: 52",                                # counters
    "Posted by Ana at 09:41 PM | View/Add Comments (6) | Category: Cultura",     # footers
    "Posted in Cultura, Eventos | No Comments »",
    "Publicado por Ana el 14 de julio | Comentarios (3) | Permalink",
])
def test_a_control_s_label_a_view_counter_or_a_post_s_footer_is_not_body_text(line: str) -> None:
    html = _es_page().replace("<p>Durante", f"<p>{line}</p><p>Durante")
    text = extract_page(html, "https://mx.example.org/Encuentro-123", today=TODAY).text
    assert "Durante la tarde" in text and line not in text


@pytest.mark.parametrize("line", [
    "Close to the residence, the garden was open to the public all afternoon.",
    "Posted on the embassy's door, the programme listed concerts, films and talks.",
])
def test_a_sentence_that_opens_like_a_control_or_a_footer_stays_body_text(line: str) -> None:
    assert line in _es_with_line(line).text


def test_a_column_of_links_taken_in_with_the_title_is_not_the_article() -> None:
    # The blog's title heads the page; the post's body sits in one column, a list of its
    # categories in the column before it: growing the article to take in its title takes
    # in both.
    categories = "".join(f"<li><a href='/cat/{c}'>{c}</a></li>"
                         for c in ("Cultura", "Becas", "Ciencia", "Visados", "Eventos"))
    html = ("<html lang='es'><head><title>Encuentro cultural</title></head><body>"
            "<div id='container'><h1>Encuentro cultural</h1><div id='pagebody'>"
            f"<div id='beta'><ul>{categories}</ul></div>"
            f"<div id='alpha'><div class='entry-body'>{ES_BODY}</div></div></div></div>"
            "</body></html>")
    text = extract_page(html, "https://mx.example.org/blog/encuentro", today=TODAY).text
    assert "jardines de la residencia" in text and "Visados" not in text


@pytest.mark.parametrize("label", [
    "Lees ook", "İlgili haberler", "Читайте також", "مطالب مرتبط", "Kapcsolódó cikkek",
    "כתבות נוספות", "Tin liên quan", "관련 기사", "Čtěte také", "Läs också", "Læs også",
    "Citește și", "Διαβάστε επίσης", "Baca juga", "Pročitajte još",
])
def test_a_related_box_title_in_any_of_our_languages_ends_the_article(label: str) -> None:
    teasers = "".join(f"<li><a href='/n/{n}'>Noticia {n}</a> la embajada informa a los "
                      f"viajeros sobre el trámite número {n}</li>" for n in range(1, 4))
    html = _es_page().replace("</article>", f"<h2>{label}</h2><ul>{teasers}</ul></article>")
    page = extract_page(html, "https://mx.example.org/Encuentro-123", today=TODAY)
    assert "Durante la tarde" in page.text and "trámite número" not in page.text
    assert label not in [s.heading for s in page.sections]


@pytest.mark.parametrize("line", [
    "Trefwoorden: cultuur, ambassade", "Etiketler: kültür, büyükelçilik", "Теги: культура",
    "Címkék: kultúra, nagykövetség", "태그: 문화, 대사관", "Štítky: kultura", "Tagi: kultura",
    "标签：文化", "Oznake: kultura, ambasada", "Kata kunci: budaya",
])
def test_a_tag_line_in_any_of_our_languages_is_not_body_text(line: str) -> None:
    assert line not in _es_with_line(line).text
