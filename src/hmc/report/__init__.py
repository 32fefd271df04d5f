"""The joint report of a commission as of a date: a PDF in English, Arabic or both."""

from hmc.report.document import CHOICES, DIGITS, report_html, report_pdf

__all__ = ["CHOICES", "DIGITS", "report_html", "report_pdf"]
