"""Reading news reports: formats, a manifest, the dateline, and every input refused."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hmc.cli.app import app
from hmc.errors import EvidenceError
from hmc.news import reading
from hmc.news.reading import read_report, read_reports

DATA = Path(__file__).parent / "data" / "news"
FIELDS = {
    "type", "category", "date", "date_from", "date_to", "date_text", "place", "governorate",
    "actor", "target", "party", "killed", "wounded", "count", "count_qualifier", "span",
    "extractor",
}  # fmt: skip


def test_html_is_read_as_text_without_its_scripts() -> None:
    report = read_report(DATA / "page.html")
    assert report.format == "html" and report.published == date(2024, 1, 22)
    assert "document.write" not in report.text and "color:red" not in report.text
    assert "A drone attack targeted Harir base" in report.text and "<p>" in report.source


def test_the_dateline_gives_the_day_and_without_one_the_error_names_the_file(
    tmp_path: Path,
) -> None:
    assert read_report(DATA / "isis-ar.txt").published == date(2024, 1, 24)
    with pytest.raises(EvidenceError, match=r"claim-ar\.txt: no publication date"):
        read_report(DATA / "claim-ar.txt")


def _refused(tmp_path: Path, data: bytes, **options: object) -> str:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    with pytest.raises(EvidenceError) as raised:
        read_report(path, **options)  # type: ignore[arg-type]
    assert str(path) in raised.value.message
    return raised.value.message


def test_bad_inputs_are_refused_saying_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = date(2024, 1, 25)
    arabic = "قصفت الطائرات الأمريكية مواقع في بابل يوم الثلاثاء".encode("cp1256")
    assert "Windows-1256" in _refused(tmp_path, arabic, published=day)
    assert "binary data" in _refused(
        tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", published=day
    )
    assert "UTF-16" in _refused(tmp_path, "Text".encode("utf-16"), published=day)
    future = _refused(tmp_path, b"The Pentagon said.", published=date(2099, 1, 1))
    assert "2099-01-01 is in the future" in future
    french = "Les forces ont dit que la situation est calme dans la province."
    assert "not in a language the extractor reads" in _refused(
        tmp_path, french.encode(), published=day
    )
    assert '"fr"' in _refused(tmp_path, b"The Pentagon said.", published=day, language="fr")
    monkeypatch.setattr(reading, "MAX_BYTES", 10)
    assert "more than the 50 MB" in _refused(tmp_path, b"The Pentagon said it.", published=day)


def test_a_zip_with_a_manifest(tmp_path: Path) -> None:
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("manifest.csv", "file,published,outlet,url,language\n"
                        "a.txt,2024-01-25,Wire,https://example.org/a,ar\n")  # fmt: skip
        zipped.write(DATA / "claim-ar.txt", "a.txt")
    (report,) = read_reports(archive)
    assert (report.published, report.outlet, report.language) == (date(2024, 1, 25), "Wire", "ar")
    assert len(report.sha256) == 64
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "manifest.csv").write_text("file,published,outlet,url,language\nb.txt,,,,\n")
    with pytest.raises(EvidenceError, match=r"row 2: file: \"b.txt\" is not in"):
        read_reports(folder)


def test_the_cli_prints_the_document_and_items_as_json() -> None:
    result = CliRunner().invoke(
        app, ["news", "extract", str(DATA / "strike.txt"), "--published", "2024-01-24", "--json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["document"]["published"] == "2024-01-24" and shown["document"]["language"] == "en"
    assert [set(item) for item in shown["items"]] == [FIELDS] * 3
    strike = shown["items"][0]
    assert strike["extractor"] == {"name": "hmc-rules", "version": "1"}
    start, end = strike["span"]
    assert shown["document"]["text"][start:end].startswith("US aircraft carried out strikes")


def test_the_cli_names_the_file_of_a_bad_report(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("تقرير".encode("cp1256") * 20)
    result = CliRunner().invoke(app, ["news", "extract", str(path), "--published", "2024-01-24"])
    assert result.exit_code == 1
    assert "old.txt" in result.output and "Windows-1256" in result.output
