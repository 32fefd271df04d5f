"""The joint report of a commission as of a date: a PDF in English, Arabic or both."""

from hmc.report.document import CHOICES, report_html, report_pdf

__all__ = ["CHOICES", "report_html", "report_pdf"]
