"""Month names and date labels per language, as data for `scraper.extract.dates`.

Words are written as the languages write them; `dates.fold` lowercases them and strips
diacritics at import, so "août", "aout" and "AOÛT" all match. Genitive forms (Russian
"июля", Polish "lipca", Czech "července") are listed beside the nominative because day-month
dates use them. Abbreviations are listed without their final dot: the patterns allow one.
"""

from __future__ import annotations

# language -> {month number: words}
MONTHS: dict[str, dict[int, tuple[str, ...]]] = {
    "fr": {
        1: ("janvier", "janv"), 2: ("février", "févr", "fév"), 3: ("mars",),
        4: ("avril", "avr"), 5: ("mai",), 6: ("juin",), 7: ("juillet", "juil"),
        8: ("août",), 9: ("septembre", "sept"), 10: ("octobre", "oct"),
        11: ("novembre", "nov"), 12: ("décembre", "déc"),
    },
    "en": {
        1: ("january", "jan"), 2: ("february", "feb"), 3: ("march", "mar"),
        4: ("april", "apr"), 5: ("may",), 6: ("june", "jun"), 7: ("july", "jul"),
        8: ("august", "aug"), 9: ("september", "sept", "sep"), 10: ("october", "oct"),
        11: ("november", "nov"), 12: ("december", "dec"),
    },
    "es": {
        1: ("enero", "ene"), 2: ("febrero", "feb"), 3: ("marzo", "mar"), 4: ("abril", "abr"),
        5: ("mayo", "may"), 6: ("junio", "jun"), 7: ("julio", "jul"), 8: ("agosto", "ago"),
        9: ("septiembre", "setiembre", "sept", "sep"), 10: ("octubre", "oct"),
        11: ("noviembre", "nov"), 12: ("diciembre", "dic"),
    },
    "pt": {
        1: ("janeiro", "jan"), 2: ("fevereiro", "fev"), 3: ("março", "mar"),
        4: ("abril", "abr"), 5: ("maio", "mai"), 6: ("junho", "jun"), 7: ("julho", "jul"),
        8: ("agosto", "ago"), 9: ("setembro", "set"), 10: ("outubro", "out"),
        11: ("novembro", "nov"), 12: ("dezembro", "dez"),
    },
    "it": {
        1: ("gennaio", "gen"), 2: ("febbraio", "feb"), 3: ("marzo", "mar"),
        4: ("aprile", "apr"), 5: ("maggio", "mag"), 6: ("giugno", "giu"),
        7: ("luglio", "lug"), 8: ("agosto", "ago"), 9: ("settembre", "set"),
        10: ("ottobre", "ott"), 11: ("novembre", "nov"), 12: ("dicembre", "dic"),
    },
    "de": {
        1: ("januar", "jänner", "jan"), 2: ("februar", "feber", "feb"), 3: ("märz", "mär", "mrz"),
        4: ("april", "apr"), 5: ("mai",), 6: ("juni", "jun"), 7: ("juli", "jul"),
        8: ("august", "aug"), 9: ("september", "sept", "sep"), 10: ("oktober", "okt"),
        11: ("november", "nov"), 12: ("dezember", "dez"),
    },
    "nl": {
        1: ("januari", "jan"), 2: ("februari", "feb"), 3: ("maart", "mrt"), 4: ("april", "apr"),
        5: ("mei",), 6: ("juni", "jun"), 7: ("juli", "jul"), 8: ("augustus", "aug"),
        9: ("september", "sep"), 10: ("oktober", "okt"), 11: ("november", "nov"),
        12: ("december", "dec"),
    },
    "sv": {
        1: ("januari",), 2: ("februari",), 3: ("mars",), 4: ("april",), 5: ("maj",),
        6: ("juni",), 7: ("juli",), 8: ("augusti",), 9: ("september",), 10: ("oktober",),
        11: ("november",), 12: ("december",),
    },
    "da": {
        1: ("januar",), 2: ("februar",), 3: ("marts",), 4: ("april",), 5: ("maj",),
        6: ("juni",), 7: ("juli",), 8: ("august",), 9: ("september",), 10: ("oktober",),
        11: ("november",), 12: ("december",),
    },
    "ro": {
        1: ("ianuarie",), 2: ("februarie",), 3: ("martie",), 4: ("aprilie",), 5: ("mai",),
        6: ("iunie",), 7: ("iulie",), 8: ("august",), 9: ("septembrie",), 10: ("octombrie",),
        11: ("noiembrie",), 12: ("decembrie",),
    },
    "id": {
        1: ("januari",), 2: ("februari",), 3: ("maret",), 4: ("april",), 5: ("mei",),
        6: ("juni",), 7: ("juli",), 8: ("agustus",), 9: ("september",), 10: ("oktober",),
        11: ("november",), 12: ("desember",),
    },
    "pl": {
        1: ("stycznia", "styczeń"), 2: ("lutego", "luty"), 3: ("marca", "marzec"),
        4: ("kwietnia", "kwiecień"), 5: ("maja", "maj"), 6: ("czerwca", "czerwiec"),
        7: ("lipca", "lipiec"), 8: ("sierpnia", "sierpień"), 9: ("września", "wrzesień"),
        10: ("października", "październik"), 11: ("listopada", "listopad"),
        12: ("grudnia", "grudzień"),
    },
    "cs": {
        1: ("ledna", "leden"), 2: ("února", "únor"), 3: ("března", "březen"),
        4: ("dubna", "duben"), 5: ("května", "květen"), 6: ("června", "červen"),
        7: ("července", "červenec"), 8: ("srpna", "srpen"), 9: ("září",),
        10: ("října", "říjen"), 11: ("listopadu",), 12: ("prosince", "prosinec"),
    },
    "tr": {
        1: ("ocak",), 2: ("şubat",), 3: ("mart",), 4: ("nisan",), 5: ("mayıs",),
        6: ("haziran",), 7: ("temmuz",), 8: ("ağustos",), 9: ("eylül",), 10: ("ekim",),
        11: ("kasım",), 12: ("aralık",),
    },
    "ru": {
        1: ("января", "январь", "янв"), 2: ("февраля", "февраль", "фев"),
        3: ("марта", "март", "мар"), 4: ("апреля", "апрель", "апр"), 5: ("мая", "май"),
        6: ("июня", "июнь", "июн"), 7: ("июля", "июль", "июл"), 8: ("августа", "август", "авг"),
        9: ("сентября", "сентябрь", "сент", "сен"), 10: ("октября", "октябрь", "окт"),
        11: ("ноября", "ноябрь", "нояб", "ноя"), 12: ("декабря", "декабрь", "дек"),
    },
    "uk": {
        1: ("січня", "січень"), 2: ("лютого", "лютий"), 3: ("березня", "березень"),
        4: ("квітня", "квітень"), 5: ("травня", "травень"), 6: ("червня", "червень"),
        7: ("липня", "липень"), 8: ("серпня", "серпень"), 9: ("вересня", "вересень"),
        10: ("жовтня", "жовтень"), 11: ("листопада", "листопад"), 12: ("грудня", "грудень"),
    },
    "el": {
        1: ("ιανουαρίου",), 2: ("φεβρουαρίου",), 3: ("μαρτίου",), 4: ("απριλίου",),
        5: ("μαΐου",), 6: ("ιουνίου",), 7: ("ιουλίου",), 8: ("αυγούστου",),
        9: ("σεπτεμβρίου",), 10: ("οκτωβρίου",), 11: ("νοεμβρίου",), 12: ("δεκεμβρίου",),
    },
    "sr": {
        1: ("januar", "јануар", "januara", "јануара"), 2: ("februar", "фебруар", "februara", "фебруара"),
        3: ("mart", "март", "marta", "марта"), 4: ("april", "април", "aprila", "априла"),
        5: ("maj", "мај", "maja", "маја"), 6: ("jun", "јун", "juna", "јуна"),
        7: ("jul", "јул", "jula", "јула"), 8: ("avgust", "август", "avgusta", "августа"),
        9: ("septembar", "септембар", "septembra", "септембра"),
        10: ("oktobar", "октобар", "oktobra", "октобра"),
        11: ("novembar", "новембар", "novembra", "новембра"),
        12: ("decembar", "децембар", "decembra", "децембра"),
    },
    "hu": {
        1: ("január",), 2: ("február",), 3: ("március",), 4: ("április",), 5: ("május",),
        6: ("június",), 7: ("július",), 8: ("augusztus",), 9: ("szeptember",), 10: ("október",),
        11: ("november",), 12: ("december",),
    },
    # Hebrew writes "in July" as one word (ביולי): both forms are listed.
    "he": {
        1: ("ינואר", "בינואר"), 2: ("פברואר", "בפברואר"), 3: ("מרץ", "במרץ"),
        4: ("אפריל", "באפריל"), 5: ("מאי", "במאי"), 6: ("יוני", "ביוני"), 7: ("יולי", "ביולי"),
        8: ("אוגוסט", "באוגוסט"), 9: ("ספטמבר", "בספטמבר"), 10: ("אוקטובר", "באוקטובר"),
        11: ("נובמבר", "בנובמבר"), 12: ("דצמבר", "בדצמבר"),
    },
    # Egyptian/Gulf names, Levantine/Iraqi names and Maghreb (French-derived) names.
    "ar": {
        1: ("يناير", "كانون الثاني", "جانفي"), 2: ("فبراير", "شباط", "فيفري"),
        3: ("مارس", "آذار"), 4: ("أبريل", "إبريل", "نيسان", "أفريل"),
        5: ("مايو", "أيار", "ماي"), 6: ("يونيو", "يونيه", "حزيران", "جوان"),
        7: ("يوليو", "يوليه", "تموز", "جويلية"), 8: ("أغسطس", "آب", "أوت"),
        9: ("سبتمبر", "أيلول"), 10: ("أكتوبر", "تشرين الأول"), 11: ("نوفمبر", "تشرين الثاني"),
        12: ("ديسمبر", "كانون الأول"),
    },
    # Gregorian months as Persian writes them; Solar Hijri months are in JALALI_MONTHS.
    "fa": {
        1: ("ژانویه",), 2: ("فوریه",), 3: ("مارس",), 4: ("آوریل",), 5: ("مه", "می", "مئی"),
        6: ("ژوئن",), 7: ("ژوئیه", "جولای"), 8: ("اوت", "آگوست"), 9: ("سپتامبر",),
        10: ("اکتبر",), 11: ("نوامبر",), 12: ("دسامبر",),
    },
}

# Solar Hijri (Iranian) months, converted to the Gregorian calendar by `dates`.
JALALI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("فروردین",), 2: ("اردیبهشت",), 3: ("خرداد",), 4: ("تیر",), 5: ("مرداد", "امرداد"),
    6: ("شهریور",), 7: ("مهر",), 8: ("آبان",), 9: ("آذر",), 10: ("دی",), 11: ("بهمن",),
    12: ("اسفند",),
}

# Japanese eras: first Gregorian year of each.
JAPANESE_ERAS: dict[str, int] = {"令和": 2019, "平成": 1989, "昭和": 1926}

# Labels that introduce a date. "published" and "modified" are what they say; "asof" labels
# ("Stand", "as of") date the current text: a modification when the page also states a
# publication date, else the only date the publisher gives for the page; "date" labels
# ("Date :", "Datum:") say nothing of what is dated (a photo, an event): a byline date at best.
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "published": ("publié le", "publié", "publiée le", "publiée", "date de publication",
                      "mis en ligne le", "mise en ligne le", "mis en ligne", "mise en ligne",
                      "posté le",
                      "paru le", "date de parution", "rédigé le", "écrit le", "créé le"),
        "modified": ("mis à jour le", "mise à jour le", "mis à jour", "mise à jour",
                     "dernière mise à jour", "dernière modification", "modifié le", "modifiée le",
                     "actualisé le", "actualisée le", "dernière actualisation",
                     "date de modification", "date de mise à jour"),
        "date": ("date",),
    },
    "en": {
        "published": ("published on", "published", "posted on", "posted", "publication date",
                      "date published", "first published", "originally published",
                      "date of publication", "released on", "written on", "written",
                      "created on", "date created"),
        "modified": ("last updated on", "last updated", "updated on", "updated", "last modified",
                     "modified on", "date modified", "last update", "last revised", "revised on",
                     "page last updated", "last reviewed", "date updated"),
        "asof": ("as of",),
        "date": ("date",),
    },
    "es": {
        "published": ("publicado el", "publicado", "publicada el", "publicada",
                      "fecha de publicación", "escrito el", "creado el"),
        "modified": ("actualizado el", "actualizado", "actualizada el", "actualizada",
                     "última actualización", "última modificación", "modificado el",
                     "fecha de actualización", "fecha de modificación"),
        "date": ("fecha",),
    },
    "pt": {
        "published": ("publicado em", "publicado", "publicada em", "publicada", "postado em",
                      "data de publicação", "escrito em", "criado em"),
        "modified": ("atualizado em", "atualizado", "atualizada em", "atualizada",
                     "actualizado em", "última atualização", "última actualização",
                     "última modificação", "modificado em", "data de atualização"),
        "date": ("data",),
    },
    "it": {
        "published": ("pubblicato il", "pubblicato", "pubblicata il", "pubblicata",
                      "data di pubblicazione", "scritto il", "creato il"),
        "modified": ("aggiornato il", "aggiornato", "aggiornata il", "aggiornata",
                     "ultimo aggiornamento", "ultima modifica", "modificato il",
                     "data di aggiornamento", "ultima revisione"),
        "date": ("data",),
    },
    "de": {
        "published": ("veröffentlicht am", "veröffentlicht", "erschienen am", "erstellt am",
                      "publiziert am", "erscheinungsdatum", "veröffentlichungsdatum",
                      "veröffentlichung", "erstveröffentlichung", "geschrieben am"),
        "modified": ("aktualisiert am", "zuletzt aktualisiert", "aktualisiert", "letzte änderung",
                     "zuletzt geändert", "geändert am", "letzte aktualisierung",
                     "zuletzt bearbeitet", "bearbeitet am"),
        "asof": ("stand",),
        "date": ("datum",),
    },
    "nl": {
        "published": ("gepubliceerd op", "gepubliceerd", "geplaatst op", "publicatiedatum"),
        "modified": ("bijgewerkt op", "bijgewerkt", "laatst bijgewerkt", "laatst gewijzigd",
                     "gewijzigd op", "laatste wijziging", "aangepast op", "laatst aangepast"),
    },
    "da": {
        "published": ("publiceret", "offentliggjort", "udgivet"),
        "modified": ("opdateret", "senest opdateret", "sidst opdateret", "senest ændret",
                     "sidst ændret"),
    },
    "ro": {
        "published": ("publicat la", "publicat pe", "publicat", "data publicării"),
        "modified": ("actualizat la", "actualizat", "ultima actualizare", "ultima modificare"),
    },
    "id": {
        "published": ("diterbitkan", "dipublikasikan", "diposting", "tanggal terbit"),
        "modified": ("diperbarui", "terakhir diperbarui", "pembaruan terakhir", "diperbaharui"),
    },
    "pl": {
        "published": ("opublikowano", "data publikacji", "opublikowany", "opublikowana"),
        "modified": ("zaktualizowano", "aktualizacja", "ostatnia aktualizacja",
                     "ostatnia modyfikacja", "data modyfikacji", "data aktualizacji",
                     "zmodyfikowano"),
    },
    "cs": {
        "published": ("publikováno", "zveřejněno", "vydáno", "datum zveřejnění",
                      "datum publikace"),
        "modified": ("aktualizováno", "naposledy aktualizováno", "poslední aktualizace",
                     "poslední změna", "upraveno"),
    },
    "tr": {
        "published": ("yayınlanma tarihi", "yayınlanma", "yayın tarihi", "yayımlanma tarihi",
                      "yayımlanma", "yayımlandı", "yayınlandı", "eklenme tarihi"),
        "modified": ("güncelleme tarihi", "son güncelleme", "son güncellenme", "güncellendi",
                     "güncelleme"),
    },
    "ru": {
        "published": ("опубликовано", "опубликован", "опубликована", "дата публикации",
                      "дата размещения", "размещено"),
        "modified": ("обновлено", "обновлен", "обновлена", "изменено", "последнее изменение",
                     "последнее обновление", "дата изменения", "дата обновления"),
        "date": ("дата",),
    },
    "uk": {
        "published": ("опубліковано", "оприлюднено", "дата публікації"),
        "modified": ("оновлено", "змінено", "остання зміна", "останнє оновлення",
                     "дата оновлення"),
    },
    "el": {
        "published": ("δημοσιεύθηκε", "δημοσιεύτηκε", "δημοσίευση", "ημερομηνία δημοσίευσης"),
        "modified": ("ενημερώθηκε", "τελευταία ενημέρωση", "ενημέρωση"),
    },
    "sv": {
        "published": ("publicerad", "publicerat"),
        "modified": ("uppdaterad", "uppdaterat", "senast uppdaterad", "senast ändrad"),
    },
    "sr": {
        "published": ("objavljeno", "објављено", "datum objave", "датум објаве"),
        "modified": ("ažurirano", "ажурирано", "poslednja izmena", "последња измена",
                     "izmenjeno", "измењено"),
    },
    "hu": {
        "published": ("közzétéve", "megjelent", "publikálva", "megjelenés dátuma"),
        "modified": ("frissítve", "utolsó módosítás", "módosítva", "utolsó frissítés"),
    },
    "he": {
        "published": ("פורסם", "פורסם בתאריך", "תאריך פרסום"),
        "modified": ("עודכן", "עודכן לאחרונה", "עדכון אחרון", "תאריך עדכון"),
    },
    "vi": {
        "published": ("ngày đăng", "đăng ngày", "đăng lúc", "ngày xuất bản"),
        "modified": ("cập nhật", "ngày cập nhật", "cập nhật lần cuối", "cập nhật lúc"),
    },
    "ar": {
        "published": ("نشر في", "نشر بتاريخ", "نشرت في", "تاريخ النشر", "تم النشر", "نشر",
                      "منشور في"),
        "modified": ("تم التحديث", "آخر تحديث", "تاريخ التحديث", "آخر تعديل", "تم التعديل",
                     "تاريخ التعديل", "تحديث"),
        "date": ("التاريخ",),
    },
    "fa": {
        "published": ("تاریخ انتشار", "منتشر شده در", "منتشر شده", "زمان انتشار", "تاریخ نشر"),
        "modified": ("آخرین به‌روزرسانی", "آخرین بروزرسانی", "به‌روزرسانی", "بروزرسانی",
                     "تاریخ بروزرسانی", "آخرین ویرایش"),
    },
    "zh": {
        "published": ("发布时间", "发布日期", "发布于", "發布時間", "發佈時間", "發布日期",
                      "發佈日期", "发表于", "發表於", "发表时间", "發表時間", "发文日期", "发布",
                      "發布", "發佈"),
        "modified": ("更新时间", "更新時間", "更新於", "更新于", "最后更新", "最後更新",
                     "最后修改", "最後修改", "更新日期", "修改时间", "修改時間", "修改日期", "更新"),
        "date": ("日期",),
    },
    "ja": {
        "published": ("公開日", "掲載日", "投稿日", "配信日", "発行日", "公開日時", "掲載日時",
                      "投稿日時", "配信日時", "公開"),
        "modified": ("最終更新日", "最終更新日時", "最終更新", "更新日", "更新日時", "改訂日",
                     "更新"),
        "date": ("日付",),
    },
    "ko": {
        "published": ("게시일", "작성일", "등록일", "발행일", "입력", "게시", "등록"),
        "modified": ("수정일", "최종 수정", "최종수정일", "최종 업데이트", "업데이트", "수정",
                     "갱신"),
    },
}

# Class and id words, matched whole between "-", "_" or spaces (`\w*` ends a word freely).
# Blocks whose dates are not the page's own: comments, sidebars (SPIP's "extra", WordPress's
# "secondary"), lists of other articles, sharing and navigation.
BOILERPLATE_WORDS: tuple[str, ...] = (
    "comments?", "commentaires?", "forums?", "reply", "replies", "responses?", "disqus",
    "reactions?", "sidebar", "side", "aside", "secondary", "extra", "related", "similar",
    "connexes?", "recommend\\w*", "popular", "populaires?", "trending", "latest", "recent",
    "derniers?", "dernieres?", "teaser-list", "widgets?", "share", "sharing",
    "partage", "social", "newsletter", "breadcrumbs?", "ariane", "hierarchie", "menu", "navbar",
    "nav", "navigation", "pagination", "pager", "cookies?", "promo", "ads?", "advert\\w*",
    "liste-articles", "list-articles", "liste-items", "meme-rubrique", "autres-articles",
    "more-articles", "read-more", "rubrique-list", "suggestions?", "apercus?", "a-lire",
    "lire-aussi", "voir-aussi", "see-also", "more-news", "news-feed", "feed", "ticker",
    "agenda", "pas-manquer", "current-date", "today", "posts-grid", "posts?-list",
)
# Class tokens of blocks the page does not show.
HIDDEN_CLASSES: frozenset[str] = frozenset({"hidden", "d-none", "hide", "is-hidden", "invisible"})
# Boilerplate outside the main element only (inside it, the article's own lead).
TEASER_WORDS: tuple[str, ...] = ("teasers?",)
FOOTER_WORDS: tuple[str, ...] = ("footer", "pied", "pied-page", "bas-page")
HEADER_WORDS: tuple[str, ...] = ("header", "entete", "banner", "masthead", "topbar", "top-bar")
# Words that make a header the article's own ("article-header", "entry-header").
ARTICLE_PARTS: tuple[str, ...] = ("article", "entry", "post", "story", "content", "news")
# Substrings of class, id or itemprop that mark an element carrying a date ("h-time",
# "article-main__date", "fecha-articulo", "press_location_time", "info-publi", "-meta").
DATED_MARKS: tuple[str, ...] = (
    "date", "time", "datum", "fecha", "publi", "posted", "byline", "dateline", "meta", "info",
    "timestamp", "created", "zeit",
)

# <meta name|property|itemprop> keys, lowercased, most trusted first.
PUBLISHED_META: tuple[str, ...] = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate",
    "publish-date", "publish_date", "pubdate", "dc.date.issued", "dcterms.issued",
    "citation_publication_date", "citation_date", "bepress_citation_date", "sailthru.date",
    "parsely-pub-date", "article.published", "og:published_time",
)
# Keys that date the resource without saying how (often the day its record was created):
# weaker than a visible byline.
DATED_META: tuple[str, ...] = ("dc.date", "dc:date", "dcterms.date", "dcterms.created", "date")
MODIFIED_META: tuple[str, ...] = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "dc.date.modified", "dcterms.modified", "last-modified", "article.updated", "lastmod",
)
# JSON-LD keys that lead to other works (comments, related items), not to the page itself.
JSON_LD_ELSEWHERE: frozenset[str] = frozenset({
    "comment", "review", "hasPart", "itemListElement", "mentions", "citation", "subjectOf",
    "workExample", "potentialAction", "isPartOf",
})
