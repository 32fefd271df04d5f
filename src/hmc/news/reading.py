"""Reading reports: plain text, Markdown or HTML (text extracted, never rendered), one file or
a folder or zip of them with a manifest CSV (``file,published,outlet,url,language``).

Refused, with the file named: more than 50 MB, binary data, text not in UTF-8 (saying what
it looks like: Windows-1256 Arabic, UTF-16, Latin-1), a publication date in the future, a
language the extractor does not read, and no publication date (no ``--published`` and no
dateline in the text).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from hmc.errors import EvidenceError
from hmc.news.dates import PATTERNS
from hmc.news.folding import Folded
from hmc.news.items import LANGUAGES, Report

MAX_BYTES = 50 * 1024 * 1024
MANIFEST = "manifest.csv"
_SKIPPED = {"script", "style", "noscript", "template", "head", "svg"}
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "article",
    "section",
    "title",
}
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")
_ENGLISH = re.compile(r"\b(?:the|and|of|in|to|said|was|were|on)\b", re.IGNORECASE)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skipping += tag in _SKIPPED
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in _SKIPPED and self._skipping > 0
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def text_of(source: str, format: str) -> str:
    """The text a reader sees in ``source`` (HTML's text, Markdown without its marks)."""
    if format == "html":
        parser = _Text()
        parser.feed(source)
        parser.close()
        text = "".join(parser.parts)
    elif format == "markdown":
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", source)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)", "", text)
        text = re.sub(r"(\*\*|__|`)(.+?)\1", r"\2", text)
    else:
        text = source
    text = re.sub(r"[ \t\r\f\v]+", " ", unescape(text) if format == "html" else text)
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip()


def decode(data: bytes, *, where: str) -> str:
    """``data`` as UTF-8 text; an EvidenceError saying what it looks like if it is not."""
    if len(data) > MAX_BYTES:
        raise EvidenceError(
            f"{where}: {len(data):,} bytes is more than the 50 MB a report may have", file=where
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EvidenceError(f"{where}: the text is UTF-16; save it as UTF-8", file=where)
    if b"\x00" in data[:65536] or sum(b < 9 or 13 < b < 32 for b in data[:65536]) > 8:
        raise EvidenceError(f"{where}: binary data, not the text of a report", file=where)
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = "Latin-1 or Windows-1252"
    try:
        if len(_ARABIC.findall(data.decode("cp1256"))) > len(data) // 10:
            guess = "Windows-1256 (Arabic)"
    except UnicodeDecodeError:
        guess = "an unknown encoding"
    raise EvidenceError(
        f"{where}: the text is not UTF-8 (it looks like {guess}); save it as UTF-8", file=where
    )


def language_of(text: str, *, where: str) -> str:
    """``ar`` or ``en`` by the letters and words of ``text``; an EvidenceError for another."""
    arabic, latin = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    if arabic > latin:
        return "ar"
    if latin and len(_ENGLISH.findall(text)) * 40 >= len(text.split()):
        return "en"
    raise EvidenceError(
        f"{where}: the report is not in a language the extractor reads (en, ar)", file=where
    )


_DATELINE_END = re.compile(r"\s[—–-]+\s|—|\n|\([^\W\d]\w*\)\s*[—–-]*\s*")
_DATED = re.compile(r"\s*(?:dated?:?\s*)?(?:\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{4})\s*[—–-]*\s*")
# A wire dateline: a place in capitals or in Arabic, maybe a country, a day without its
# year, the outlet, then a dash ("KIRKUK, Iraq, Feb 5 (Agency) -", «كركوك - »).
_WIRE = re.compile(
    r"\s*(?:[A-Z][A-Z'.]{2,}(?:[\s-][A-Z][A-Z'.]+)*|[\u0600-\u06ff]+(?:\s[\u0600-\u06ff]+){0,2})"
    r"(?:,\s*[A-Z][a-z]+)?(?:,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})"
    r"(?:,?\s*\d{4})?)?\s*(?:\([^()\n]{1,40}\))?\s*[—–-]+\s*"
)
_LAST_WORD = re.compile(r"""[.!?؟:;"'”’»)]$""")


def body_start(text: str) -> int:
    """Where the body of a report begins: after its headline and byline (short lines without
    a sentence's end) and its dateline ("BAGHDAD, January 24, 2024 — ", "KIRKUK, Feb 5
    (Agency) - ", «كركوك - »). A headline repeats the body; a dateline's place is where the
    report was filed, not where what it tells happened.

    >>> text = "Drone hits base\\n\\nERBIL, Feb 8 (Wire) - A drone hit the base on Monday."
    >>> text[body_start(text):]
    'A drone hit the base on Monday.'
    """
    start = 0
    for _ in range(3):
        end = text.find("\n", start)
        line = text[start:end].strip() if end >= 0 else ""
        if not line or len(line.split()) > 12 or _LAST_WORD.search(line):
            break
        start = end + 1
    while start < len(text) and text[start].isspace():
        start += 1
    return start + dateline_end(text[start:])


def dateline_end(text: str) -> int:
    """Where the dateline at the start of ``text`` ends, 0 if there is none."""
    wire = _WIRE.match(text) or _DATED.match(text)
    if wire is not None:
        return wire.end()
    end = _DATELINE_END.search(text, 0, 90)
    if end is None or dateline(text[: end.start()]) is None:
        return 0
    return end.end()


def dateline(text: str) -> date | None:
    """The date the opening lines give ("BAGHDAD, January 24, 2024 —", «بغداد - 24/1/2024»)."""
    head = Folded.of(text[:300])
    for pattern, resolve in PATTERNS[:3]:  # only dates with a year
        match = pattern.search(head.text)
        if match:
            return resolve(match, date.max, False)[0]
    return None


def read_report(
    path: Path, *, published: date | None = None, language: str | None = None,
    outlet: str | None = None, url: str | None = None, today: date | None = None,
    data: bytes | None = None, name: str | None = None,
) -> Report:  # fmt: skip
    """The report in ``path`` (or ``data``, named ``name``), checked and its text read."""
    where = name or str(path)
    if data is None:
        if path.stat().st_size > MAX_BYTES:
            raise EvidenceError(
                f"{where}: {path.stat().st_size:,} bytes is more than the 50 MB a report may have",
                file=where,
            )
        data = path.read_bytes()
    source = decode(data, where=where)
    suffix = Path(where).suffix.lower()
    format = (
        "html"
        if suffix in (".html", ".htm")
        else "markdown"
        if suffix in (".md", ".markdown")
        else "text"
    )
    text = text_of(source, format)
    if language is not None and language not in LANGUAGES:
        raise EvidenceError(f'{where}: the extractor reads en and ar, not "{language}"', file=where)
    day = published or dateline(text)
    if day is None:
        raise EvidenceError(
            f"{where}: no publication date: give --published YYYY-MM-DD (the text has no dateline)",
            file=where,
        )
    if day > (today or date.today()):
        raise EvidenceError(
            f"{where}: the publication date {day.isoformat()} is in the future", file=where
        )
    return Report(
        file=where, source=source, text=text, sha256=hashlib.sha256(data).hexdigest(),
        published=day, language=language or language_of(text, where=where),
        outlet=outlet, url=url, format=format,
    )  # fmt: skip


def read_reports(path: Path, *, today: date | None = None) -> list[Report]:
    """Every report of a folder or zip, as its manifest CSV lists them."""
    files: dict[str, bytes] = {}
    if path.is_dir():
        files = {
            p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()
        }
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                files = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
        except (zipfile.BadZipFile, OSError):
            raise EvidenceError(
                f"{path}: neither a folder nor a zip of reports", file=str(path)
            ) from None
    if MANIFEST not in files:
        raise EvidenceError(
            f"{path}: no {MANIFEST} (columns file,published,outlet,url,language)", file=str(path)
        )
    rows = csv.DictReader(io.StringIO(decode(files[MANIFEST], where=f"{path}/{MANIFEST}")))
    reports = []
    for number, row in enumerate(rows, start=2):
        where = f"{path}/{MANIFEST}, row {number}"
        file = (row.get("file") or "").strip()
        if file not in files:
            raise EvidenceError(
                f'{where}: file: "{file}" is not in {path}', file=str(path), row=number
            )
        published = _day(row.get("published"), where=where)
        reports.append(read_report(
            path / file, published=published, language=(row.get("language") or None),
            outlet=row.get("outlet") or None, url=row.get("url") or None, today=today,
            data=files[file], name=f"{path}/{file}",
        ))  # fmt: skip
    return reports


def _day(text: str | None, *, where: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise EvidenceError(f'{where}: published: "{text}" is not a day (YYYY-MM-DD)') from None
