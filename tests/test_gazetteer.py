"""The Iraq gazetteer: governorates found by any spelling that conflict data uses."""

from __future__ import annotations

import pytest

from hmc.domain.gazetteer import fold
from hmc.errors import ConfigError, EvidenceError
from hmc.gazetteers import load_gazetteer

IRAQ = load_gazetteer("iraq")


def test_nineteen_governorates_with_display_names() -> None:
    assert len(IRAQ.names) == 19
    assert IRAQ.names["salah-al-din"] == "Salah al-Din"
    assert IRAQ.names["halabja"] == "Halabja"
    assert load_gazetteer("iraq") is IRAQ  # read once


@pytest.mark.parametrize(
    ("spelling", "slug"),
    [
        # ESOC spellings
        ("Babylon", "babil"),
        ("Basrah", "basra"),
        ("Dahuk", "dohuk"),
        ("Kerbala", "karbala"),
        ("Missan", "maysan"),
        ("Qadissiya", "qadisiyah"),
        ("Tameem", "kirkuk"),
        ("Thi-Qar", "dhi-qar"),
        ("Wassit", "wasit"),
        ("Salah al-Din", "salah-al-din"),
        # other spellings
        ("Nineveh", "ninewa"),
        ("Ninawa", "ninewa"),
        ("Ninevah", "ninewa"),
        ("Salahuddin", "salah-al-din"),
        ("Salahaddin", "salah-al-din"),
        ("Salah ad Din", "salah-al-din"),
        ("Saladin", "salah-al-din"),
        ("Arbil", "erbil"),
        ("Irbil", "erbil"),
        ("Duhok", "dohuk"),
        ("Sulaimaniya", "sulaymaniyah"),
        ("Sulaymaniya", "sulaymaniyah"),
        ("Slemani", "sulaymaniyah"),
        ("Misan", "maysan"),
        ("Ta'mim", "kirkuk"),
        ("At-Ta'mim", "kirkuk"),
        # folding: case, hyphens, spaces, a leading article, the slug itself
        ("Al-Anbar", "anbar"),
        ("al anbar", "anbar"),
        ("AS-SULAYMANIYAH", "sulaymaniyah"),
        ("An-Najaf", "najaf"),
        ("  Dhi  Qar ", "dhi-qar"),
        ("salah-al-din", "salah-al-din"),
        ("Halabja", "halabja"),
    ],
)
def test_aliases(spelling: str, slug: str) -> None:
    assert IRAQ.governorate(spelling) == slug


@pytest.mark.parametrize("name", ["Diwaniyah", "Mosul", "Kurdistan", "", "Al"])
def test_not_governorates(name: str) -> None:
    assert IRAQ.governorate(name) is None


@pytest.mark.parametrize(
    ("city", "slug"),
    [
        ("Ramadi", "anbar"),
        ("Ar Ramadi", "anbar"),
        ("Fallujah", "anbar"),
        ("Al Qaim", "anbar"),
        ("Al Habbaniyah", "anbar"),
        ("Mosul", "ninewa"),
        ("Tall Afar", "ninewa"),
        ("Hammam al Alil", "ninewa"),
        ("Baqubah", "diyala"),
        ("Ba`qubah", "diyala"),
        ("Muqudadiyah", "diyala"),
        ("Jalula", "diyala"),
        ("Samarra", "salah-al-din"),
        ("Balad SouthEast", "salah-al-din"),
        ("Tikrit East", "salah-al-din"),
        ("Ad Dawr", "salah-al-din"),
        ("Hawija", "kirkuk"),
        ("Abu Ghraib", "baghdad"),
        ("Latafiyah", "baghdad"),
        ("Iskandariyah", "babil"),
        ("Al Hillah", "babil"),
        ("Al Amarah", "maysan"),
        ("Diwaniyah", "qadisiyah"),
        ("Al Kut", "wasit"),
        ("Nasiriyah", "dhi-qar"),
        ("Samawah", "muthanna"),
        ("Az Zubayr", "basra"),
        # a city named like its governorate, or a governorate given as the city
        ("Baghdad", "baghdad"),
        ("Kirkuk", "kirkuk"),
        ("Karbala'", "karbala"),
        ("Salah ad Din", "salah-al-din"),
    ],
)
def test_cities(city: str, slug: str) -> None:
    assert IRAQ.governorate_of_city(city) == slug


def test_unknown_and_junk_cities() -> None:
    for city in ("Fadil", "Coalition Forces", "City", "Target", ""):
        assert IRAQ.governorate_of_city(city) is None


def test_truncated_cities_resolve_only_when_unambiguous() -> None:
    assert IRAQ.governorate_of_city("Baghd", truncated=True) == "baghdad"
    assert IRAQ.governorate_of_city("Baghd") is None  # exact matching unless told
    assert IRAQ.governorate_of_city("Balad S", truncated=True) == "salah-al-din"
    assert IRAQ.governorate_of_city("Tikrit Ea", truncated=True) == "salah-al-din"
    assert IRAQ.governorate_of_city("Sama", truncated=True) is None  # Samarra or Samawah
    assert IRAQ.governorate_of_city("Bag", truncated=True) is None  # too short to trust


def test_require_names_where_and_hints() -> None:
    assert IRAQ.require("Tameem", where="area north") == "kirkuk"
    with pytest.raises(EvidenceError) as caught:
        IRAQ.require("Ninewah", where="area north", row=4)
    assert caught.value.message == (
        'area north: "Ninewah" is not a governorate of Iraq (did you mean "Ninewa"?)'
    )
    assert caught.value.details == {"row": 4}
    with pytest.raises(EvidenceError) as caught:
        IRAQ.require("Kurdistan", where="area krg")
    assert caught.value.message == 'area krg: "Kurdistan" is not a governorate of Iraq'


def test_fold() -> None:
    assert fold("Al-Anbar", ("al",)) == "anbar"
    assert fold("Alanbar", ("al",)) == "alanbar"  # an article needs a separator
    assert fold("Şalāḥ ad-Dīn") == "salahaddin"


def test_unknown_country() -> None:
    known = r"\(known: iraq, syria\)"
    with pytest.raises(ConfigError, match=rf'no gazetteer for country "chad" {known}'):
        load_gazetteer("chad")
    with pytest.raises(ConfigError):
        load_gazetteer("../iraq")
