"""Lines of page furniture that templates print inside an article's flow, as data.

Each pattern reads one whole short line of body text: a caption or credit ("Foto: …"), a
control's label ("Enlarge image", "Email | Print"), a view counter ("Hits: 3747"), a blog
post's footer ("Posted by … | Comments (6)"), a tag or category line ("Tags: …"), a comment
counter or invitation ("Keine Kommentare", "View Comments"), a rating or share prompt.
Headings and prose never end up here: only lines shorter than `MAX_LINE` are tested.
"""

from __future__ import annotations

import re

from .date_words import LABELS

MAX_LINE = 100

# Labels over the links to an article's other language versions, in the languages we read:
# never body text, and the links under them are the article's translations.
VERSION_LABELS = (
    "all the versions of this article", "toutes les versions de cet article",
    "todas las versiones de este artículo", "other languages", "autres langues",
    "en d'autres langues", "en d’autres langues", "also available in",
    "this article is also available in", "this page is also available in", "available in",
    "read this article in", "disponible en", "disponible aussi en", "aussi disponible en",
    "cet article est aussi disponible en", "cet article est également disponible en",
    "cette page est aussi disponible en", "également disponible en", "lire en",
    "también disponible en", "disponible también en", "este artículo también está disponible en",
    "otros idiomas", "auch verfügbar in", "auch verfügbar auf", "dieser artikel ist auch verfügbar in",
    "andere sprachen", "disponibile anche in", "disponibile in", "altre lingue",
    "também disponível em", "disponível em", "outras línguas", "outros idiomas",
    "ook beschikbaar in", "andere talen", "dostępne również w", "inne języki",
    "diğer diller", "bu makale şu dillerde de mevcut", "также доступно на", "доступно на",
    "другие языки", "також доступно", "інші мови", "متوفر باللغة", "متوفر أيضا باللغة",
    "متوفر أيضاً باللغة", "متوفر باللغات", "هذا المقال متوفر باللغة", "لغات أخرى",
    "این مطلب به زبان", "زبان‌های دیگر", "dostupno i na", "drugi jezici", "más nyelveken",
    "זמין גם ב", "שפות נוספות", "các ngôn ngữ khác", "其他语言", "其他語言", "他の言語",
    "다른 언어",
)

_LABELLED = re.compile(
    r"^(?:tags?|tagged(?: with)?|schlagw[öo]rter|stichw[öo]rter|kategorien?|categor(?:y|ies)|"
    r"cat[ée]gories?|etiquetas|mots-cl[ée]s|themen|"
    # tags and keywords in the other languages we read
    r"trefwoorden|etiketler|anahtar kelimeler|теги|мітки|метки|ключевые слова|"
    r"برچسب‌?\s?ها|c[ií]mk[ée]k|תגיות|thẻ|từ khóa|태그|štítky|klíčová slova|taggar|nyckelord|"
    r"nøgleord|etichete|cuvinte cheie|ετικέτες|kata kunci|oznake|ključne reči|тагови|"
    r"tagi|słowa kluczowe|parole chiave|palavras-chave|الكلمات المفتاحية|وسوم|标签|標籤|"
    r"关键词|關鍵詞|タグ|"
    r"fotos?|photos?|photograph(?: by)?|bild(?:er)?|image|abbildung|credits?|crédits?|"
    # what names a picture as the post's illustration, over its caption or credit
    r"beitragsbild|titelbild|symbolbild|aufmacherbild|vorschaubild|archivbild|symbolfoto|"
    r"illustration|image illustrative|image d'illustration|photo d'illustration|"
    r"imagen ilustrativa|foto ilustrativa|imagen de archivo|foto de archivo|file photo|"
    r"featured image|header image|cover image|immagine di repertorio|foto di repertorio|"
    r"quellen?|quellenangaben|sources?|fuentes?|źródło|fonte|photo credit|bildquelle|"
    r"aktualisiert|updated|ultima modifica|última actualización|mis à jour|last modified|"
    r"release date|stand|lesezeit|reading time|temps de lecture|credit|bildnachweis|"
    r"vea también|ver también|leer también|lee también|véase también)\s*[:：]",
    re.IGNORECASE,
)
# A line that is only a date, a time, a reading time or an age: the byline's, not prose.
_MONTHS = (
    r"jan\w*|feb\w*|f[ée]v\w*|m[äa]r\w*|apr\w*|avr\w*|ma[iy]\w*|mayo|jun\w*|juin|jul\w*|"
    r"juil\w*|aug\w*|ao[uû]t|sep\w*|set\w*|o[ck]t\w*|nov\w*|de[cz]\w*|d[ée]c\w*|ene\w*|"
    r"abr\w*|ago\w*|dic\w*|gen\w*|giu\w*|lug\w*|ott\w*|stycz\w*|lut\w*|marc\w*|kwie\w*|"
    r"maj\w*|czerw\w*|lip\w*|sierp\w*|wrze\w*|pa[zź]dz\w*|listop\w*|grud\w*"
)
_STAMP = re.compile(
    r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:,? \d{1,2}[:.]\d{2}(?: uhr| h)?)?|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[:.]\d{2}(?: uhr| h)?|"
    r"(?:\d{1,2}\.? )?(?:" + _MONTHS + r")\.?(?: \d{1,2}(?:st|nd|rd|th)?,?)?(?: \d{4})?|"
    r"\d+ (?:min(?:ute)?s?|minuten|sek\w*|seconds?|hours?|stunden?|days?|tagen?|weeks?|"
    r"wochen|months?|monate?n?|years?|jahren?)(?: read| ago| lesezeit| de lecture)?|"
    r"(?:vor|il y a|hace) \d+ \w+)$",
    re.IGNORECASE,
)
# Advertising and affiliate notices, subscription and donation calls.
_NOTICES = re.compile(
    r"^\W*(?:anzeige|werbung|advertisement|publicité|publicidad|pubblicità|sponsored|"
    r"gesponsert)\b|^(?:subscribe|abonnieren|abonnez-vous|suscr[ií]bete|hazte miembro|"
    r"jetzt abonnieren|newsletter abonnieren|never miss|sign up|melden sie sich|"
    r"unterstützen sie|jede kleine spende|spenden sie|buch bestellen|jetzt bestellen|"
    r"hier kostenlos|do you want to be informed)\b",
    re.IGNORECASE,
)
# An update line in any language we read dates in ("Letzte Änderung: 10.04.2019", "آخر تحديث
# 10/04/2019"): the template's, wherever it sits, as the dates read it (`date_scan`).
_UPDATED = re.compile(
    r"^(?:" + "|".join(sorted((re.escape(label) for table in LABELS.values()
                               for label in table.get("modified", ())), key=len, reverse=True))
    + r")\W*(?:\d|[:：]\s*(?:\d|$))",  # a date follows, or the line is the label alone
    re.IGNORECASE,
)
# A line that ends with a copyright credit is a picture's caption ("Marco Odermatt, Ski-Star
# aus der Schweiz. © AFP / MARCO BERTORELLO"), not the article's prose. (Also "(Foto: dpa)"
# was tried: it cost the tune half a caption its gold counts as body, and was not kept.)
_CREDITED = re.compile(r"©\s*[^©.!?]{2,60}$")
_COMMENTS = re.compile(
    r"^(?:[\w.()]+\s+){0,2}(?:kommentar\w*|comments?|commentaires?|comentarios?|commenti|"
    r"komentarz\w*|reactions?|réactions?)(?:\s+[\w.()]+){0,2}\W*$",
    re.IGNORECASE,
)
_PROMPTS = re.compile(
    r"^\(?(?:noch keine bewertungen|no ratings yet|war (?:der|dieser) (?:artikel|beitrag) "
    r"(?:nützlich|hilfreich)|was this (?:article|page) helpful|möchten sie (?:den|diesen) "
    r"(?:artikel|beitrag) teilen|like recipe|artikel bewerten|rate this (?:article|post))\W*$",
    re.IGNORECASE,
)


# The words of a page's controls, printed as text beside a picture or under an article:
# "Enlarge Image", "Hide caption", "Email | Print", "Next article", a media kind alone.
_CONTROL = (
    r"(?:enlarge|expand|zoom|view|show|hide|toggle|close|open)(?: (?:image|photo|picture|"
    r"caption|gallery|slideshow|all))?|e-?mail|print|drucken|imprimer|imprimir|"
    r"stampa|vergrößern|schließen|agrandir|fermer|ampliar|cerrar|"
    r"(?:previous|next|prev|older|newer) (?:article|post|story|entry|page)|"
    r"(?:vorheriger|nächster) (?:artikel|beitrag)|article (?:précédent|suivant)|"
    r"art[ií]c[uo]lo (?:anterior|siguiente|precedente|successivo)|"
    r"videos?|photos?|gallery|galerie|galería|audio|slideshow|bildergalerie|fotostrecke"
)
_CONTROLS = re.compile(rf"^(?:{_CONTROL})(?:\s*[|·•/]\s*(?:{_CONTROL}))*$", re.IGNORECASE)
# A view counter: "Hits: 3747", "170,094 Views", "Aufrufe: 52".
_VIEWS = re.compile(
    r"^(?:(?:hits|views|aufrufe|zugriffe|vues|lectures|visitas|lecturas|visite)\s*:?\s*"
    r"[\d.,\s]+|[\d.,\s]+(?:hits|views|aufrufe|vues|lectures|visitas|lecturas|visite))$",
    re.IGNORECASE,
)


# A blog post's footer: "Posted by Jeff at 09:41 PM | Comments (6) | Category: Travel",
# "Posted in Current Events | No Comments »" (Movable Type's, Typepad's, WordPress's).
_POSTED = re.compile(
    r"^(?:posted|filed|publié|veröffentlicht|publicado)\b.*[|·•].*\b(?:comments?|"
    r"permalink|trackbacks?|category|categories|commentaires?|kommentare?|comentarios?)\b",
    re.IGNORECASE,
)


def furniture_line(text: str) -> bool:
    """True when one line of body text is a caption, tag line, comment counter, prompt,
    control's label or post footer."""
    if len(text) > MAX_LINE:
        return False
    return bool(_LABELLED.match(text) or _COMMENTS.match(text) or _PROMPTS.match(text)
                or _STAMP.match(text) or _NOTICES.match(text) or _UPDATED.match(text)
                or _CONTROLS.match(text) or _VIEWS.match(text) or _POSTED.match(text)
                or _CREDITED.search(text))
