"""The message catalogue: every message in both languages, every key the pages use in it,
plural forms from CLDR; and the Arabic of the shipped Iraq configuration."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.plurals import get_plural
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine
from typer.testing import CliRunner

from conftest import sign_in
from hmc.app import create_app
from hmc.cli import app as cli
from hmc.framework.config import load_config
from hmc.framework.schemas import CommissionConfig
from hmc.locale import LANGUAGES, catalog, counted, translate
from hmc.settings import get_settings
from hmc.storage import get_engine

SRC = Path(__file__).resolve().parents[1] / "src" / "hmc"
TEMPLATES = SRC / "web" / "templates"
IRAQ = SRC / "commissions" / "hmc-iraq-2024.toml"
TEXTS = ("name", "description", "label", "rubric", "rationale")

# Keys the templates compose from a value (``t("state_" ~ r.state)``) rather than name.
COMPOSED = {
    *(f"state_{s}" for s in ("drafting", "released", "signed")),
    *(f"confidence_{c}" for c in ("low", "medium", "high")),
    *(f"evidence_{k}" for k in ("event", "import", "document", "url")),
    *(f"object_{k}" for k in ("round", "item", "rating", "submission", "joint_rating")),
    *(f"reason_{k}" for k in ("no_later_than", "not_before", "date_reached", "awaiting_date")),
    *(f"reason_conditions_{k}" for k in ("unknown", "held", "not_met")),
    *("object_signature", "met", "not_met", "held", "not_held", "sign_in_expired"),
    *("not_opened", "not_saved", "changed_meanwhile", "choose_level", "choose_joint"),
    *("not_submitted", "not_signed", "not_amended", "kappa", "exact_agreement"),
}


def _texts(lang: str) -> dict[str, tuple[str, ...]]:
    """Each message id of a catalogue, with its text (one per plural form)."""
    found = {}
    for message in catalog(lang):
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found[key] = tuple(strings)
    return found


SPEAKERS = [  # what names messages: the pages' and the report's templates, the commands
    *TEMPLATES.glob("*.html"),
    *(SRC / "report" / "templates").glob("*.html"),
    *(SRC / "cli").glob("*.py"),
    SRC / "report" / "charts.py",
]


def _used_keys() -> set[str]:
    """Every message key the templates and commands name literally, and the composed ones."""
    keys = set(COMPOSED)
    for speaker in SPEAKERS:
        text = speaker.read_text(encoding="utf-8")
        named = r"[\"']([a-z_]+)[\"']\s*[,)]"  # a whole key, not the start of a composed one
        keys |= set(re.findall(rf"\b(?:t|tn|_words)\(\s*(?:lang,\s*)?{named}", text))
        keys |= set(re.findall(rf"\btranslate\([a-z_\[\]0-9]+, {named}", text))
    return keys


def test_every_message_has_its_arabic() -> None:
    english, arabic = _texts("en"), _texts("ar")
    assert set(english) == set(arabic)
    missing = sorted(k for k, forms in arabic.items() if not all(forms))
    assert not missing, f"messages without their Arabic: {missing}"
    untranslated = sorted(k for k in english if arabic[k][-1] == english[k][-1])
    assert untranslated == [], untranslated


def test_every_key_the_pages_use_is_in_the_catalogue() -> None:
    unknown = _used_keys() - set(_texts("en"))
    assert not unknown, f"templates use keys the catalogue lacks: {sorted(unknown)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_are_cldr_rules_as_babel_writes_them(lang: str) -> None:
    assert catalog(lang).plural_forms == get_plural(lang).plural_forms
    counted_ids = [m.id for m in catalog(lang) if isinstance(m.id, tuple)]
    assert counted_ids and all(len(m.string) == catalog(lang).num_plurals for m in catalog(lang)
                               if isinstance(m.id, tuple))  # fmt: skip


def test_arabic_counts_take_six_forms_and_numbers_are_grouped() -> None:
    said = [counted("ar", "days_before", n) for n in (0, 1, 2, 3, 11, 100, 101, 1234, 1200)]
    assert said == [
        "قبل هذا التاريخ بـ0 يوم",
        "قبل هذا التاريخ بيوم واحد",
        "قبل هذا التاريخ بيومين",
        "قبل هذا التاريخ بـ3 أيام",
        "قبل هذا التاريخ بـ11 يومًا",
        "قبل هذا التاريخ بـ100 يوم",
        "قبل هذا التاريخ بـ101 يوم",
        "قبل هذا التاريخ بـ1,234 يومًا",
        "قبل هذا التاريخ بـ1,200 يوم",
    ]
    assert counted("en", "days_before", 1234) == "1,234 days before this date"
    assert translate("xx", "phases") == "Phases and gates"  # an unknown language: English


def _missing_arabic(config: CommissionConfig) -> list[str]:
    """Where a text of the configuration has no Arabic beside it (``area[1].name``)."""
    missing = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, list):
            for n, item in enumerate(node):
                walk(item, f"{where}[{n}]")
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                value = getattr(node, name)
                if name in TEXTS and value and not getattr(node, f"{name}_ar"):
                    missing.append(f"{where}.{name}".lstrip("."))
                walk(value, f"{where}.{name}")
            if hasattr(node, "governorates"):
                unnamed = [g for g in node.governorate_names if g not in node.governorates_ar]
                missing.extend(f"{where}.governorates_ar.{g}" for g in unnamed)

    walk(config, "")
    return missing


def test_every_text_of_the_iraq_configuration_has_its_arabic() -> None:
    config, _ = load_config(IRAQ)
    assert _missing_arabic(config) == []
    assert config.area[1].name_ar == "إقليم كوردستان"
    assert config.area[0].governorates_ar["ninewa"] == "نينوى"


def test_the_check_finds_a_missing_arabic_text(tmp_path: Path) -> None:
    text = IRAQ.read_text(encoding="utf-8").replace('name_ar = "التدريب"\n', "", 1)
    edited = tmp_path / "edited.toml"
    edited.write_text(text, encoding="utf-8")
    config, _ = load_config(edited)
    assert _missing_arabic(config) == ["indicator[10].name"]


@pytest.fixture
def client(demo_sessions: Engine) -> Iterator[TestClient]:
    get_engine.cache_clear()  # the app's engine: the demo's copy
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        sign_in(test_client)
        yield test_client


def test_the_dashboard_shows_the_configuration_in_arabic(client: TestClient) -> None:
    html = client.get("/commissions/hmc-iraq-2024", params={"lang": "ar"}).text
    assert "اللجنة العسكرية العليا بين الولايات المتحدة والعراق" in html
    assert "إقليم كوردستان" in html and "مكافحة الإرهاب" in html
    assert "Kurdistan Region" not in html
    english = client.get("/commissions/hmc-iraq-2024").text
    assert "Kurdistan Region" in english and "إقليم كوردستان" not in english


def test_the_commands_speak_arabic(demo_copy: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["--lang", "ar", "timeline"])
    assert shown.exit_code == 0, shown.output
    assert "متى يمكن أن تبدأ كل مرحلة" in shown.output and "الحساسية" in shown.output
    assert "When each phase can begin" not in shown.output
    scenarios = runner.invoke(cli, ["--lang", "ar", "scenario"]).output
    assert "كما هو مُعدّ" in scenarios and "الشروط وحدها" in scenarios
    assert "Conditions only" not in scenarios
    monkeypatch.setenv("HMC_LANG", "ar")
    get_settings.cache_clear()
    status = runner.invoke(cli, ["status"])
    assert status.exit_code == 0, status.output
    assert "المؤشرات على المستوى الوطني" in status.output and "إقليم كوردستان" in status.output
    assert "Indicators, nationwide" not in status.output
    english = runner.invoke(cli, ["--lang", "en", "status"]).output
    assert "Indicators, nationwide" in english and "المؤشرات" not in english
    monkeypatch.setenv("HMC_LANG", "fr")
    get_settings.cache_clear()
    wrong = runner.invoke(cli, ["status"])
    assert wrong.exit_code == 1 and 'HMC_LANG: "fr" is not one of en, ar' in wrong.output
    get_settings.cache_clear()


def _chart(html: str, chart_id: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html)
    assert found, chart_id
    spec: dict[str, Any] = json.loads(found.group(1))
    return spec


def test_the_timeline_page_in_arabic(client: TestClient) -> None:
    html = client.get("/commissions/hmc-iraq-2024/timeline", params={"lang": "ar"}).text
    start = html.index('id="scenarios"')
    scenarios = html[start : html.index("</table>", start)]
    assert "كما هو مُعدّ" in scenarios and "الشروط وحدها" in scenarios
    assert "As configured" not in html and "Conditions only" not in html
    binding = html[html.index('class="binding"') :]
    assert "إقليم كوردستان" in binding and "الاستخبارات والاستطلاع" in binding
    assert "Kurdistan Region" not in html
    curve = _chart(html, "curve-1")["layer"][0]["encoding"]
    assert curve["y"]["title"] == "احتمال بدء المرحلة" and curve["x"]["title"] == "التاريخ"
    assert curve["color"]["title"] == "المنطقة"
    assert {"العراق الاتحادي", "إقليم كوردستان"} <= set(curve["color"]["scale"]["domain"])
    fan = _chart(html, "fan-1")["layer"][0]["encoding"]
    assert fan["x"]["title"] == "الأسبوع" and fan["y"]["title"] == "القيمة الأسبوعية"
    english = client.get("/commissions/hmc-iraq-2024/timeline").text
    assert _chart(english, "curve-1")["layer"][0]["encoding"]["y"]["title"] == (
        "Chance the phase has begun"
    )
