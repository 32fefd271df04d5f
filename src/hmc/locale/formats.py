"""Numbers and dates written the way each language writes them (Babel, Unicode CLDR)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LATIN = "latn"  # 0-9; the default in both languages
ARABIC_INDIC = "arab"  # ٠-٩, an option for Arabic
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _written(text: str, digits: str) -> str:
    return text.translate(_INDIC) if digits == ARABIC_INDIC else text


def number(lang: str, value: float, *, digits: str = LATIN, decimals: int | None = None) -> str:
    """``value`` grouped and pointed as ``lang`` writes it (up to three decimals, or exactly
    ``decimals``), in Latin or Arabic-Indic digits (Babel gives the symbols of the numbering
    system, we the digits).

    >>> number("en", 12345.5), number("ar", 12345.5), number("ar", 1618.25, digits="arab")
    ('12,345.5', '12,345.5', '١٬٦١٨٫٢٥')
    >>> number("en", 12.0, decimals=1), number("en", 1234.5, decimals=0)
    ('12.0', '1,234')
    """
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return _written(format_decimal(value, pattern, locale=lang, numbering_system=digits), digits)


def day(lang: str, value: date, *, digits: str = LATIN) -> str:
    """``value`` as a long date in ``lang``.

    >>> day("en", date(2025, 9, 30)), day("ar", date(2025, 9, 30), digits="arab")
    ('September 30, 2025', '٣٠ سبتمبر ٢٠٢٥')
    """
    return _written(format_date(value, "long", locale=lang), digits)
