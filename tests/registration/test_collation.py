"""Names sort as each language's alphabet says (ICU's CLDR collation), not by code point."""

from __future__ import annotations

import random

import pytest

from registration.collation import sort_key, sorted_names


def _shuffled_sort(words: list[str], language: str) -> list[str]:
    shuffled = random.Random(7).sample(words, len(words))
    return sorted(shuffled, key=sort_key(language))


# Each list is in the language's alphabetical order already.
RUSSIAN = ["Абаев", "Ежов", "Ёлкин", "Жуков", "Иванов", "Йодов", "Шмидт", "Щукин", "Эйдельман",
           "Юрьев", "Яковлев"]  # fmt: skip
UKRAINIAN = ["Гончар", "Ґалаган", "Дорошенко", "Ельченко", "Євтушенко", "Жук",
             "Игнатенко", "Іваненко", "Їжак", "Йосипенко", "Ковальчук", "Щербак", "Ющенко",
             "Яценко"]  # fmt: skip
KAZAKH = ["Абаев", "Әбілов", "Бекова", "Гани", "Ғабит", "Ерлан", "Ёл", "Жумабек", "Исаев",
          "Кенже", "Қасым", "Нұр", "Ңа", "Оразов", "Өмір", "Уәли", "Ұлан", "Үмбет", "Хасен",
          "Һади", "Шынар", "Ыбырай", "Ілияс", "Эльмира"]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"), [("ru", RUSSIAN), ("uk", UKRAINIAN), ("kk", KAZAKH)]
)
def test_sort_key_orders_names_as_the_language_alphabet(language, expected):
    assert _shuffled_sort(expected, language) == expected


def test_code_point_order_would_be_wrong_for_each_alphabet():
    # The reason for a collator: plain sorted() puts Ё, Є, І, Ї, Ґ and the Kazakh letters
    # after Я.
    for words in (RUSSIAN, UKRAINIAN, KAZAKH):
        assert sorted(words) != words


def test_kazakh_i_sorts_after_yeru_but_ukrainian_i_after_y():
    words = ["Ілияс", "Исаев", "Ыбырай"]

    assert sorted(words, key=sort_key("kk")) == ["Исаев", "Ыбырай", "Ілияс"]
    assert sorted(["Іваненко", "Игнатенко", "Йосипенко"], key=sort_key("uk")) == [
        "Игнатенко",
        "Іваненко",
        "Йосипенко",
    ]


def test_russian_puts_cyrillic_before_latin_and_english_latin_first():
    names = ["Smith", "Иванов", "Abai", "Яковлев"]

    assert sorted(names, key=sort_key("ru")) == ["Иванов", "Яковлев", "Abai", "Smith"]
    assert sorted(names, key=sort_key("en")) == ["Abai", "Smith", "Иванов", "Яковлев"]


def test_accents_and_case_are_secondary_to_letters():
    assert sorted(["Öz", "Oscar", "émile", "Eve", "Zoe"], key=sort_key("en")) == [
        "émile",
        "Eve",
        "Oscar",
        "Öz",
        "Zoe",
    ]


def test_unknown_or_empty_language_falls_back_to_the_root_order():
    words = ["Ёлкин", "Абаев", "Zoe", "Ann"]

    assert sorted(words, key=sort_key("xx")) == sorted(words, key=sort_key(""))
    assert sorted(words, key=sort_key("")) == ["Ann", "Zoe", "Абаев", "Ёлкин"]


def test_sorted_names_compares_family_then_given_name_and_none_first():
    people = [("Ілияс", "Ә"), ("Исаев", "Б"), ("Исаев", "А"), ("", None)]

    assert sorted_names(people, language="kk", names=lambda p: p) == [
        ("", None),
        ("Исаев", "А"),
        ("Исаев", "Б"),
        ("Ілияс", "Ә"),
    ]
