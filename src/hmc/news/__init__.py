"""News reports and official statements, in English and Arabic: read, then items extracted.

Reading keeps a report verbatim with its digest and checks it (:mod:`hmc.news.reading`);
extraction proposes items (:mod:`hmc.news.rules`) that an analyst confirms elsewhere.
"""

from hmc.news.extractor import Extractor, extract, extractor
from hmc.news.items import Item, Report, When
from hmc.news.reading import read_report, read_reports

__all__ = [
    "Extractor",
    "Item",
    "Report",
    "When",
    "extract",
    "extractor",
    "read_report",
    "read_reports",
]
