"""Language names as links write them ("English", "[عربي]", "Español", "français") -> ISO 639-1.

Data, not logic: each language's own name (the usual form on a language switcher), then its
English and French names. Keys are compared case-folded, without brackets or trailing colon.
"""

from __future__ import annotations

import re
import unicodedata

NAMES: dict[str, tuple[str, ...]] = {
    "ar": ("عربي", "العربية", "عربية", "arabic", "arabe"),
    "en": ("english", "anglais"),
    "es": ("español", "espanol", "castellano", "spanish", "espagnol"),
    "fr": ("français", "francais", "french"),
    "de": ("deutsch", "german", "allemand"),
    "it": ("italiano", "italian", "italien"),
    "pt": ("português", "portugues", "portuguese", "portugais"),
    "ru": ("русский", "russian", "russe"),
    "uk": ("українська", "ukrainian", "ukrainien"),
    "zh": ("中文", "简体中文", "繁體中文", "汉语", "漢語", "chinese", "chinois"),
    "ja": ("日本語", "japanese", "japonais"),
    "ko": ("한국어", "조선어", "korean", "coréen"),
    "fa": ("فارسی", "persian", "farsi", "persan"),
    "tr": ("türkçe", "turkish", "turc"),
    "he": ("עברית", "hebrew", "hébreu"),
    "hi": ("हिन्दी", "हिंदी", "hindi"),
    "ur": ("اردو", "urdu", "ourdou"),
    "bn": ("বাংলা", "bengali"),
    "vi": ("tiếng việt", "vietnamese", "vietnamien"),
    "th": ("ไทย", "ภาษาไทย", "thai", "thaï"),
    "id": ("bahasa indonesia", "indonesian", "indonésien"),
    "ms": ("bahasa melayu", "malay", "malais"),
    "nl": ("nederlands", "dutch", "néerlandais"),
    "pl": ("polski", "polish", "polonais"),
    "cs": ("čeština", "czech", "tchèque"),
    "sk": ("slovenčina", "slovak", "slovaque"),
    "hu": ("magyar", "hungarian", "hongrois"),
    "ro": ("română", "romana", "romanian", "roumain"),
    "bg": ("български", "bulgarian", "bulgare"),
    "sr": ("српски", "srpski", "serbian", "serbe"),
    "hr": ("hrvatski", "croatian", "croate"),
    "el": ("ελληνικά", "greek", "grec"),
    "sv": ("svenska", "swedish", "suédois"),
    "da": ("dansk", "danish", "danois"),
    "no": ("norsk", "norwegian", "norvégien"),
    "fi": ("suomi", "finnish", "finnois"),
    "et": ("eesti", "estonian", "estonien"),
    "lv": ("latviešu", "latvian", "letton"),
    "lt": ("lietuvių", "lithuanian", "lituanien"),
    "ka": ("ქართული", "georgian", "géorgien"),
    "hy": ("հայերեն", "armenian", "arménien"),
    "az": ("azərbaycan", "azerbaijani", "azéri"),
    "kk": ("қазақша", "қазақ тілі", "kazakh"),
    "uz": ("oʻzbekcha", "o'zbek", "uzbek", "ouzbek"),
    "mn": ("монгол", "mongolian", "mongol"),
    "sw": ("kiswahili", "swahili"),
    "am": ("አማርኛ", "amharic", "amharique"),
    "km": ("ខ្មែរ", "khmer"),
    "lo": ("ລາວ", "lao"),
    "my": ("မြန်မာ", "burmese", "birman"),
    "ne": ("नेपाली", "nepali", "népalais"),
    "si": ("සිංහල", "sinhala", "cingalais"),
    "ta": ("தமிழ்", "tamil", "tamoul"),
    "ps": ("پښتو", "pashto", "pachto"),
    "sq": ("shqip", "albanian", "albanais"),
    "mk": ("македонски", "macedonian", "macédonien"),
    "sl": ("slovenščina", "slovenian", "slovène"),
    "bs": ("bosanski", "bosnian", "bosnien"),
    "ca": ("català", "catalan"),
}

_BRACKETS = re.compile(r"^[\s\[(«]+|[\s\]):»]+$")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", _BRACKETS.sub("", text)).casefold().split())


_BY_NAME: dict[str, str] = {_key(name): code for code, names in NAMES.items() for name in names}


def code_of_name(text: str) -> str | None:
    """The ISO 639-1 code of a language named in a link, or None.

    >>> code_of_name("[English]"), code_of_name(" عربي "), code_of_name("Français"), code_of_name("News")
    ('en', 'ar', 'fr', None)
    """
    return _BY_NAME.get(_key(text)) if len(text) <= 40 else None
