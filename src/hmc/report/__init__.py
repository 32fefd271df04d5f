"""The joint report of a commission as of a date: a PDF in English, Arabic or both.

The document itself (:mod:`hmc.report.document`: Jinja2, WeasyPrint, the charts) is imported
by what writes one; the choices a command or a form offers are here.
"""

from hmc import locale
from hmc.locale import formats

CHOICES = (*locale.LANGUAGES, "both")  # the report's language
DIGITS = {"latin": formats.LATIN, "arabic-indic": formats.ARABIC_INDIC}  # the Arabic text's digits

__all__ = ["CHOICES", "DIGITS"]
