from __future__ import annotations

import pytest

from rules.persian import ZWNJ, normalise_search, normalise_text, to_latin_digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("0123456789", "0123456789"),
        ("پلاک ۱۲ واحد ٣", "پلاک 12 واحد 3"),
        ("", ""),
        ("بدون رقم", "بدون رقم"),
    ],
)
def test_to_latin_digits(raw: str, expected: str) -> None:
    assert to_latin_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Arabic yeh and alef maksura to Persian yeh, Arabic kaf to Persian keheh.
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كريم", "کریم"),
        ("يزد كرمان", "یزد کرمان"),
        # Already Persian: unchanged.
        ("علی کریمی", "علی کریمی"),
        # Teh marbuta stays.
        ("مدرسة", "مدرسة"),
        # Tatweel removed.
        ("بهـــزیستی", "بهزیستی"),
        # Harakat (fatha, damma, kasra, shadda, sukun, tanwin) and superscript alef removed.
        ("مُحَمَّد", "محمد"),
        ("دِرس", "درس"),
        ("کتابْ", "کتاب"),
        ("حتماً", "حتما"),
        ("رحمٰن", "رحمن"),
        # Hamza letters survive; a decomposed one is composed first (NFC), a loose hamza above is a mark.
        ("مسئول", "مسئول"),
        ("\u064a\u0654", "\u0626"),
        ("\u0627\u0654", "\u0623"),
        ("\u06d5\u0654", "\u06c0"),
        ("خانه\u0654", "خانه"),
        # ZWNJ kept.
        (f"می{ZWNJ}روم", f"می{ZWNJ}روم"),
        # Runs of ZWNJ collapse to one.
        (f"می{ZWNJ}{ZWNJ}{ZWNJ}روم", f"می{ZWNJ}روم"),
        # ZWNJ next to a space is dropped, on either side.
        (f"می{ZWNJ} روم", "می روم"),
        (f"می {ZWNJ}روم", "می روم"),
        (f"می {ZWNJ}{ZWNJ} روم", "می روم"),
        # ZWNJ at either end is dropped.
        (f"{ZWNJ}خانه{ZWNJ}", "خانه"),
        # Digits to Latin.
        ("کوچه ۱۲", "کوچه 12"),
        ("٤٥", "45"),
        # Strip and collapse whitespace (tab, newline, no-break space).
        ("  علی   کریمی  ", "علی کریمی"),
        ("علی\t\nکریمی", "علی کریمی"),
        ("علی\u00a0کریمی", "علی کریمی"),
        ("", ""),
        ("   ", ""),
        (ZWNJ, ""),
        # Latin text only loses extra spaces; case is kept.
        ("  Yazd  Office ", "Yazd Office"),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["علي كريمي", f"  مي{ZWNJ}{ZWNJ}روم ۱۲ ", "مُحَمَّد", "Straße"],
)
def test_normalise_text_is_idempotent(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("YAZD Office", "yazd office"),
        ("Straße", "strasse"),
        ("  علي  كريمي ", "علی کریمی"),
        (f"مي{ZWNJ}روم", f"می{ZWNJ}روم"),
        ("۱۳۹۸", "1398"),
    ],
)
def test_normalise_search(raw: str, expected: str) -> None:
    assert normalise_search(raw) == expected


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("علی کریمی", "علي كر"),
        ("Yazd Office", "yAZD"),
        ("پرونده 1398", "پرونده ۱۳"),
    ],
)
def test_normalised_prefix_search_matches(stored: str, typed: str) -> None:
    assert normalise_search(stored).startswith(normalise_search(typed))
