"""Synthetic articles for `--pages N`: made from their number on request, never held in memory."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from scraper.sample_site.content import Article, Block, Rubrique

RUBRIQUE = Rubrique(50, "/-Dossiers-", "fr", "Dossiers", None,
                    "Fiches pratiques et notes de synthèse de l’ambassade.")
FIRST_ID = 100_000  # SPIP number of synthetic article 0, far above the hand-written ones
LANGS = ("fr", "en", "ar", "zh", "es")
_PATH = re.compile(r"/Dossier-(\d+)")

TITLES = {
    "fr": "Fiche pratique n° {}", "en": "Practical note no. {}", "ar": "مذكرة عملية رقم {}",
    "zh": "实用指南第{}号", "es": "Ficha práctica n.º {}",
}
SENTENCES = {
    "fr": ["Le dossier doit être déposé complet auprès du service compétent.",
           "Les délais varient selon la période de l’année.",
           "Une copie des pièces justificatives est conservée par l’administration.",
           "Les usagers peuvent suivre l’avancement de leur demande en ligne.",
           "Le projet associe les collectivités locales et les associations de quartier.",
           "Une évaluation indépendante sera publiée à la fin de la deuxième année.",
           "Les frais de dossier ne sont pas remboursés en cas de refus.",
           "Les horaires sont aménagés pendant le mois de ramadan."],
    "en": ["The application must be submitted complete to the relevant office.",
           "Processing times vary with the season.",
           "Applicants can follow the progress of their request online.",
           "The project brings together local councils and neighbourhood associations.",
           "An independent evaluation will be published after the second year.",
           "Fees are not refunded if the application is refused.",
           "Opening hours are adjusted during the month of Ramadan."],
    "ar": ["يجب تقديم الملف كاملا إلى المصلحة المختصة.",
           "تختلف المواعيد حسب فترات السنة.",
           "يمكن متابعة الطلب عبر الإنترنت.",
           "يشارك في المشروع المجالس المحلية وجمعيات الأحياء.",
           "لا تسترد رسوم الملف في حالة الرفض.",
           "تُعَدَّلُ مَوَاعِيدُ العَمَلِ خِلَالَ شَهْرِ رَمَضَانَ."],
    "zh": ["申请材料必须完整提交给主管部门。", "办理时间因季节而异。", "申请人可以在网上查询办理进度。",
           "该项目联合了地方政府和社区协会。", "第二年结束时将发布独立评估报告。",
           "申请被拒绝时不退还手续费。"],
    "es": ["La solicitud debe presentarse completa ante el servicio competente.",
           "Los plazos varían según la época del año.",
           "Los solicitantes pueden seguir el estado de su trámite en línea.",
           "El proyecto reúne a los municipios y a las asociaciones de barrio.",
           "Una evaluación independiente se publicará al final del segundo año.",
           "Las tasas no se reembolsan en caso de denegación."],
}
HEADINGS = {
    "fr": ["CONTEXTE", "DÉMARCHES", "CALENDRIER", "CONTACTS"],
    "en": ["BACKGROUND", "PROCEDURE", "TIMETABLE", "CONTACTS"],
    "ar": ["السياق", "الإجراءات", "الجدول الزمني", "الاتصال"],
    "zh": ["背景", "办理程序", "时间安排", "联系方式"],
    "es": ["CONTEXTO", "TRÁMITES", "CALENDARIO", "CONTACTOS"],
}


def path_of(n: int) -> str:
    return f"/Dossier-{n}"


def number_of(path: str, pages: int) -> int | None:
    """The synthetic article number that `path` names, if it names one of the `pages`."""
    m = _PATH.fullmatch(path)
    if not m or len(m.group(1)) > 9:
        return None
    n = int(m.group(1))
    return n if 1 <= n <= pages and str(n) == m.group(1) else None


def title_of(n: int) -> str:
    return TITLES[LANGS[n % len(LANGS)]].format(n)


def date_of(n: int) -> date:
    return date(2005, 1, 3) + timedelta(days=(n * 37) % 6000)


def article(n: int) -> Article:
    """Synthetic article `n`: same number, same text, same date, every time."""
    lang = LANGS[n % len(LANGS)]
    rng = random.Random(n)
    blocks: list[Block] = []
    headings = rng.sample(HEADINGS[lang], rng.randint(0, 3))
    for section in range(len(headings) + 1):
        if section:
            blocks.append(Block(headings[section - 1], heading=True))
        for _ in range(rng.randint(1, 2)):
            sentences = rng.sample(SENTENCES[lang], rng.randint(2, 3))
            sep = "" if lang == "zh" else " "
            blocks.append(Block(sep.join(sentences) + sep + f"({n}-{len(blocks)})"))
    return Article(id=FIRST_ID + n, path=path_of(n), lang=lang, rubrique=RUBRIQUE.id,
                   title=title_of(n), body=tuple(blocks), published=date_of(n))
