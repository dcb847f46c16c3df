import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from municipalities.models import Municipality, NeighbourPair, Region
from municipalities.reference import DEFAULT_DIRECTORY, load_reference_data

pytestmark = pytest.mark.django_db


def neighbours(code):
    return set(Municipality.objects.get(code=code).neighbour_codes())


def test_denmark_has_98_municipalities_in_5_regions():
    assert Region.objects.count() == 5
    assert Municipality.objects.count() == 98
    counts = {r.name: r.municipalities.count() for r in Region.objects.all()}
    assert counts == {
        "Region Hovedstaden": 29,
        "Region Sjælland": 17,
        "Region Syddanmark": 22,
        "Region Midtjylland": 19,
        "Region Nordjylland": 11,
    }


def test_official_names_and_codes():
    assert Municipality.objects.get(code=101).name == "Københavns Kommune"
    assert Municipality.objects.get(code=400).name == "Bornholms Regionskommune"
    assert Municipality.objects.get(code=169).short_name == "Høje-Taastrup"
    assert Municipality.objects.get(code=825).region.name == "Region Nordjylland"


def test_known_border_pairs():
    assert neighbours(851) >= {810, 849, 846, 840, 820}  # Aalborg
    assert neighbours(147) == {101}  # Frederiksberg borders only København
    assert neighbours(540) == {580}  # Sønderborg borders only Aabenraa
    assert {461, 410} not in [set(p) for p in NeighbourPair.objects.values_list("a", "b")]


def test_border_and_nearby_counts():
    assert NeighbourPair.objects.filter(kind="border").count() == 186
    assert NeighbourPair.objects.filter(kind="nearby").count() == 20


def test_neighbour_relation_is_symmetric():
    for municipality in Municipality.objects.all():
        for code in municipality.neighbour_codes():
            assert municipality.code in neighbours(code)


def test_every_municipality_has_a_map_shape():
    assert not Municipality.objects.filter(outline__geometry={}).exists()
    assert not Municipality.objects.filter(outline=None).exists()


def test_loading_twice_changes_nothing():
    summary = load_reference_data()
    assert summary.changed == 0
    assert Municipality.objects.count() == 98


def test_incomplete_data_is_refused_with_a_clear_message(tmp_path):
    for name in ["regions.csv", "municipalities.csv", "adjacency.csv", "municipalities.geojson"]:
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    lines = (tmp_path / "municipalities.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "municipalities.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="97 municipalities; Denmark has 98"):
        call_command("load_reference", directory=str(tmp_path))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="regions.csv is missing"):
        call_command("load_reference", directory=str(tmp_path))
