"""Labelled publication and update lines, one row per language and form.

Embassy pages state their dates in the page's language with many variants ("Última
actualización", "Actualizado el", "آخر تحديث", "تم التحديث" …): each must read as the kind of
date it names, and an update must never be taken for a publication.
"""

from __future__ import annotations

from datetime import date

import pytest

from scraper.extract import date_words
from scraper.extract.date_scan import labelled_dates

PUBLISHED, MODIFIED = date(2011, 7, 4), date(2011, 7, 5)

# (language, line, kind, date)
ROWS = [
    ("fr", "Publié le 4 juillet 2011", "published", PUBLISHED),
    ("fr", "Mise en ligne le 04/07/2011", "published", PUBLISHED),
    ("fr", "Mis à jour le 05/07/2011", "modified", MODIFIED),
    ("fr", "Dernière mise à jour : 05/07/2011", "modified", MODIFIED),
    ("fr", "Dernière modification : 05/07/2011", "modified", MODIFIED),
    ("en", "Published on 4 July 2011", "published", PUBLISHED),
    ("en", "Written: 2011-07-04 15:03:30", "published", PUBLISHED),
    ("en", "Last updated: 5 July 2011", "modified", MODIFIED),
    ("en", "Updated on July 5, 2011", "modified", MODIFIED),
    ("es", "Publicado el 4 de julio de 2011", "published", PUBLISHED),
    ("es", "Publicada: 04/07/2011", "published", PUBLISHED),
    ("es", "Fecha de publicación: 04/07/2011", "published", PUBLISHED),
    ("es", "Última actualización: 05/07/2011", "modified", MODIFIED),
    ("es", "Ultima actualizacion 05/07/2011", "modified", MODIFIED),
    ("es", "ÚLTIMA ACTUALIZACIÓN: 5 de julio de 2011", "modified", MODIFIED),
    ("es", "Actualizado el 05/07/2011", "modified", MODIFIED),
    ("es", "Actualizada: 5 de julio de 2011", "modified", MODIFIED),
    ("es", "Fecha de actualización: 05/07/2011", "modified", MODIFIED),
    ("pt", "Publicado em 4 de julho de 2011", "published", PUBLISHED),
    ("pt", "Última atualização: 05/07/2011", "modified", MODIFIED),
    ("pt", "Atualizado em 05/07/2011", "modified", MODIFIED),
    ("pt", "Atualizada em 5 de julho de 2011", "modified", MODIFIED),
    ("it", "Pubblicato il 4 luglio 2011", "published", PUBLISHED),
    ("it", "Ultimo aggiornamento: 05/07/2011", "modified", MODIFIED),
    ("it", "Aggiornato il 05/07/2011", "modified", MODIFIED),
    ("de", "Veröffentlicht am 4. Juli 2011", "published", PUBLISHED),
    ("de", "Veröffentlichung: 04.07.2011", "published", PUBLISHED),
    ("de", "Zuletzt aktualisiert: 05.07.2011", "modified", MODIFIED),
    ("de", "Letzte Änderung: 05.07.2011", "modified", MODIFIED),
    ("de", "Aktualisiert am 05.07.2011", "modified", MODIFIED),
    ("nl", "Gepubliceerd op 4 juli 2011", "published", PUBLISHED),
    ("nl", "Laatst bijgewerkt: 05-07-2011", "modified", MODIFIED),
    ("da", "Publiceret 4. juli 2011", "published", PUBLISHED),
    ("da", "Senest opdateret 5. juli 2011", "modified", MODIFIED),
    ("sv", "Publicerad 4 juli 2011", "published", PUBLISHED),
    ("sv", "Senast uppdaterad 5 juli 2011", "modified", MODIFIED),
    ("ro", "Publicat la 4 iulie 2011", "published", PUBLISHED),
    ("ro", "Ultima actualizare: 5 iulie 2011", "modified", MODIFIED),
    ("id", "Diterbitkan 4 Juli 2011", "published", PUBLISHED),
    ("id", "Terakhir diperbarui 5 Juli 2011", "modified", MODIFIED),
    ("pl", "Opublikowano 4 lipca 2011", "published", PUBLISHED),
    ("pl", "Ostatnia aktualizacja: 05.07.2011", "modified", MODIFIED),
    ("cs", "Publikováno 4. července 2011", "published", PUBLISHED),
    ("cs", "Aktualizováno 5. července 2011", "modified", MODIFIED),
    ("tr", "Yayınlanma tarihi: 04.07.2011", "published", PUBLISHED),
    ("tr", "Yayın tarihi: 4 Temmuz 2011", "published", PUBLISHED),
    ("tr", "Son güncelleme: 05.07.2011", "modified", MODIFIED),
    ("tr", "Güncelleme tarihi: 05.07.2011", "modified", MODIFIED),
    ("ru", "Опубликовано 4 июля 2011", "published", PUBLISHED),
    ("ru", "Дата публикации: 04.07.2011", "published", PUBLISHED),
    ("ru", "Обновлено: 05.07.2011", "modified", MODIFIED),
    ("ru", "Последнее обновление 05.07.2011", "modified", MODIFIED),
    ("uk", "Опубліковано 4 липня 2011", "published", PUBLISHED),
    ("uk", "Оновлено: 05.07.2011", "modified", MODIFIED),
    ("el", "Δημοσιεύθηκε 4 Ιουλίου 2011", "published", PUBLISHED),
    ("el", "Τελευταία ενημέρωση: 5 Ιουλίου 2011", "modified", MODIFIED),
    ("sr", "Objavljeno: 4. jula 2011.", "published", PUBLISHED),
    ("sr", "Ažurirano: 05.07.2011.", "modified", MODIFIED),
    ("hu", "Közzétéve: 2011. július 4.", "published", PUBLISHED),
    ("hu", "Utolsó módosítás: 2011.07.05.", "modified", MODIFIED),
    ("he", "פורסם: 4 ביולי 2011", "published", PUBLISHED),
    ("he", "עודכן לאחרונה: 05.07.2011", "modified", MODIFIED),
    ("vi", "Ngày đăng: 04/07/2011", "published", PUBLISHED),
    ("vi", "Cập nhật lúc 05/07/2011", "modified", MODIFIED),
    ("ar", "نشر في 4 يوليو 2011", "published", PUBLISHED),
    ("ar", "نُشر في ٤ يوليو ٢٠١١", "published", PUBLISHED),
    ("ar", "تاريخ النشر: 04/07/2011", "published", PUBLISHED),
    ("ar", "تم النشر 4 تموز 2011", "published", PUBLISHED),
    ("ar", "آخر تحديث: 05/07/2011", "modified", MODIFIED),
    ("ar", "آخر تحديث ٥ يوليو ٢٠١١", "modified", MODIFIED),
    ("ar", "تاريخ التحديث: 2011-07-05", "modified", MODIFIED),
    ("ar", "تم التحديث في 5 يوليو 2011", "modified", MODIFIED),
    ("ar", "آخر تعديل: 05/07/2011", "modified", MODIFIED),
    ("fa", "تاریخ انتشار: ۱۳ تیر ۱۳۹۰", "published", PUBLISHED),
    ("fa", "منتشر شده در ۱۳ تیر ۱۳۹۰", "published", PUBLISHED),
    ("fa", "آخرین به‌روزرسانی: ۱۴ تیر ۱۳۹۰", "modified", MODIFIED),
    ("fa", "بروزرسانی: 2011/07/05", "modified", MODIFIED),
    ("zh", "发布日期：2011-07-04", "published", PUBLISHED),
    ("zh", "發佈時間：2011年7月4日", "published", PUBLISHED),
    ("zh", "更新时间：2011-07-05", "modified", MODIFIED),
    ("zh", "最后更新：2011年7月5日", "modified", MODIFIED),
    ("ja", "公開日：2011年7月4日", "published", PUBLISHED),
    ("ja", "掲載日 2011年7月4日", "published", PUBLISHED),
    ("ja", "更新日：2011年7月5日", "modified", MODIFIED),
    ("ja", "最終更新日 2011/07/05", "modified", MODIFIED),
    ("ko", "게시일: 2011년 7월 4일", "published", PUBLISHED),
    ("ko", "입력 2011.07.04", "published", PUBLISHED),
    ("ko", "수정일: 2011. 7. 5.", "modified", MODIFIED),
    ("ko", "최종 수정 2011.07.05", "modified", MODIFIED),
]


@pytest.mark.parametrize(("code", "line", "kind", "day"), ROWS,
                         ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(ROWS)])
def test_a_labelled_line_reads_as_the_kind_of_date_it_names(code: str, line: str, kind: str,
                                                            day: date) -> None:
    assert labelled_dates(line, code)[:1] == [(kind, day)]


def test_every_language_of_the_month_tables_has_publication_and_update_labels() -> None:
    missing = [code for code in date_words.MONTHS
               if not {"published", "modified"} <= set(date_words.LABELS.get(code, {}))]
    assert missing == []


TABLE = [(code, kind, label) for code, kinds in sorted(date_words.LABELS.items())
         for kind, labels in sorted(kinds.items()) for label in labels]


@pytest.mark.parametrize(("code", "kind", "label"), TABLE,
                         ids=[f"{c}-{k}-{i}" for i, (c, k, _) in enumerate(TABLE)])
def test_every_label_of_the_table_reads_before_a_date(code: str, kind: str, label: str) -> None:
    # ISO dates read the same in every language, so a failure here is the label's own.
    assert labelled_dates(f"{label} 2011-07-04", code)[:1] == [(kind, PUBLISHED)]


@pytest.mark.parametrize(("code", "line"), [
    ("ja", "写真：セールでの公開調教シーン(2019/5/17撮影)"),  # 公開調教: "public training"
    ("zh", "更新换代的产品，2019年5月17日上市"),  # 更新换代: "replacement"
    ("es", "Se actualizaron los datos el 5 de julio de 2011"),  # a verb in a sentence
])
def test_a_label_word_inside_other_words_dates_nothing(code: str, line: str) -> None:
    assert labelled_dates(line, code) == []


def test_a_bare_date_label_is_its_own_weak_kind() -> None:
    assert labelled_dates("Datum: 31/08/2019", "de") == [("date", date(2019, 8, 31))]
