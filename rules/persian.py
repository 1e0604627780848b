"""Persian text normalisation.

Source: docs/api.md, "Conventions" — "Persian text is stored normalised (Arabic ي/ك to Persian ی/ک,
digits to Latin where a number is meant, zero-width non-joiner kept); search compares normalised forms."

The seeds themselves mix Arabic and Persian code points (seed ``002_…`` has «ربيع», seed ``004_…`` has
«بديهی است» and «مسئوليت» next to «مسئولیت»), which is exactly what this module folds together.
"""

from __future__ import annotations

import re
import unicodedata

from persiantools import characters, digits

__all__ = ["ZWNJ", "normalise_search", "normalise_text", "to_latin_digits"]

ZWNJ = "\u200c"
"""Zero-width non-joiner (نیم‌فاصله), kept by normalisation because it is part of Persian spelling."""

# Tatweel (U+0640), the harakat and other Arabic combining marks (U+064B–U+065F), superscript alef (U+0670).
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")
# Any run of whitespace and ZWNJ that holds at least one whitespace character becomes one space, so a
# ZWNJ next to a space disappears.
_SPACE_RUN = re.compile(f"[\\s{ZWNJ}]*\\s[\\s{ZWNJ}]*")
_ZWNJ_RUN = re.compile(f"{ZWNJ}{{2,}}")


def to_latin_digits(text: str) -> str:
    """Turn Persian (۰–۹) and Arabic-Indic (٠–٩) digits into Latin 0–9; everything else is left alone.

    Implements docs/api.md "Conventions": "digits to Latin where a number is meant".
    """
    return digits.fa_to_en(digits.ar_to_fa(text))


def normalise_text(text: str) -> str:
    """Return the stored form of a piece of Persian text (docs/api.md "Conventions", Persian text).

    - Unicode NFC first, so a decomposed ۀ/ئ/أ keeps its hamza as one precomposed letter;
    - Arabic ي (U+064A) and ى (U+0649) become Persian ی (U+06CC), Arabic ك (U+0643) becomes ک (U+06A9);
      ة is left as it is;
    - tatweel (U+0640), harakat (U+064B–U+065F) and superscript alef (U+0670) are removed;
    - Persian and Arabic-Indic digits become Latin;
    - the zero-width non-joiner is kept, but a run of them becomes one, and one next to a space or at
      either end is dropped;
    - leading and trailing whitespace is stripped and internal whitespace collapses to single spaces.
    """
    text = unicodedata.normalize("NFC", text)
    text = _MARKS.sub("", text)
    text = characters.ar_to_fa(text)
    text = to_latin_digits(text)
    text = _SPACE_RUN.sub(" ", text)
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    return text.strip(f" {ZWNJ}")


def normalise_search(text: str) -> str:
    """Return the form used to compare and prefix-search text: :func:`normalise_text` plus casefold.

    Implements docs/api.md "Conventions": "search compares normalised forms".
    """
    return normalise_text(text).casefold()
