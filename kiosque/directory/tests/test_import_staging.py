"""Re-imports give the same rows and a search index in step with the establishments: the
set-based (staged) path on PostgreSQL and the batched one elsewhere must agree."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from kiosque.directory.imports.annuaire import import_annuaire
from kiosque.directory.imports.finess import import_finess
from kiosque.directory.models import (
    AnnuaireActivity,
    AnnuairePerson,
    Establishment,
    EstablishmentToken,
)
from kiosque.directory.samples import ANNUAIRE_SAMPLE, FINESS_SAMPLE, annuaire_header
from kiosque.directory.services.indexing import tokens_for

from .conftest import write
from .test_import_annuaire import row
from .test_import_finess import HEADER, structure

pytestmark = pytest.mark.django_db


def establishments() -> dict:
    return {e.pk: model_to_dict(e) for e in Establishment.objects.all()}


def tokens_in_table() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for token, finess in EstablishmentToken.objects.values_list("token", "establishment_id"):
        found.setdefault(finess, set()).add(token)
    return found


def assert_tokens_match_establishments():
    assert tokens_in_table() == {e.pk: tokens_for(e) for e in Establishment.objects.all()}
    # No token twice for one establishment.
    assert EstablishmentToken.objects.count() == sum(map(len, tokens_in_table().values()))


def people() -> tuple[list, list]:
    persons = list(
        AnnuairePerson.objects.order_by("pk").values(
            *(f.name for f in AnnuairePerson._meta.concrete_fields if f.name != "import_run")
        )
    )
    activities = list(
        AnnuaireActivity.objects.order_by("person_id", "key").values(
            *(
                f.attname
                for f in AnnuaireActivity._meta.concrete_fields
                if f.name not in ("id", "import_run")
            )
        )
    )
    return persons, activities


def test_finess_reimport_gives_the_same_rows_and_tokens():
    import_finess(FINESS_SAMPLE)
    first, first_tokens = establishments(), tokens_in_table()
    assert_tokens_match_establishments()
    report = import_finess(FINESS_SAMPLE)
    assert (report.created, report.updated, report.geolocated) == (0, 200, 189)
    assert establishments() == first
    assert tokens_in_table() == first_tokens


def test_finess_tokens_follow_a_rename_and_new_sites(tmp_path):
    import_finess(FINESS_SAMPLE)
    text = HEADER + structure(name="Maison médicale des Œillets", routing="28100 DREUX")
    text += structure(finess="370000481", name="Clinique nouvelle", routing="37000 TOURS")
    report = import_finess(write(tmp_path, "f.csv", text, "utf-8"))
    assert (report.created, report.updated) == (1, 1)
    assert_tokens_match_establishments()
    assert "oeillets" in tokens_for(Establishment.objects.get(pk="280503848"))


def test_finess_last_line_of_a_site_wins_and_coordinates_are_kept(tmp_path):
    geo = "geolocalisation;280503848;590000.5;6820000.1;IGN;2024-01-01\n"
    import_finess(write(tmp_path, "a.csv", HEADER + structure(name="Premier") + geo))
    # Same site twice, no geolocation line: the last line wins, the coordinates stay.
    text = HEADER + structure(name="Deuxième") + structure(name="Troisième")
    report = import_finess(write(tmp_path, "b.csv", text))
    assert (report.created, report.updated, report.rejected_count) == (0, 1, 0)
    site = Establishment.objects.get()
    assert (site.name, site.coord_x, site.coord_y, site.coord_source) == (
        "Troisième", 590000.5, 6820000.1, "IGN",
    )  # fmt: skip
    # A geolocation line alone updates a site imported earlier.
    moved = "geolocalisation;280503848;1.5;2.5;GPS;2024-02-01\n"
    report = import_finess(write(tmp_path, "c.csv", HEADER + moved))
    assert report.geolocated == 1
    site.refresh_from_db()
    assert (site.name, site.coord_x, site.coord_y, site.coord_source) == (
        "Troisième", 1.5, 2.5, "GPS",
    )  # fmt: skip
    assert_tokens_match_establishments()


def test_finess_rejected_lines_keep_their_numbers_between_valid_ones(tmp_path):
    text = (
        HEADER
        + structure()
        + "geolocalisation;280503848;590000.5;6820000.1;src;2024-01-01\n"
        + structure(finess="280503847")  # bad key, after a geolocation line
        + structure(finess="370000481", routing="37000 TOURS")
    )
    report = import_finess(write(tmp_path, "f.csv", text))
    assert (report.created, report.geolocated, report.rejected_count) == (2, 1, 1)
    assert [r.line for r in report.rejections] == [4]
    assert_tokens_match_establishments()


def test_annuaire_reimport_gives_the_same_rows():
    import_annuaire(ANNUAIRE_SAMPLE)
    first = people()
    report = import_annuaire(ANNUAIRE_SAMPLE)
    assert (report.created, report.updated, report.activities) == (0, 45, 57)
    assert people() == first


def test_annuaire_rows_of_one_person_apart_in_the_file(tmp_path):
    header = annuaire_header() + "\n"
    text = (
        header
        + row(site="280503848")
        + row(rpps="12345678903", last="LEGRAND")
        + row(site="370000481", site_name="CHU", **{"Code type savoir-faire": ""})
        + row(last="DUPONT-MARTIN", site="450000088", site_name="CHR")
    )
    report = import_annuaire(write(tmp_path, "a.txt", text, "utf-8"))
    assert (report.created, report.updated, report.activities) == (2, 0, 4)
    person = AnnuairePerson.objects.get(identifier="10000000009")
    # The last row wins; the specialty is that of the last row giving one.
    assert (person.last_name, person.specialty_code) == ("DUPONT-MARTIN", "SM36")
    assert sorted(person.activities.values_list("finess_site", flat=True)) == [
        "280503848", "370000481", "450000088",
    ]  # fmt: skip


def test_annuaire_reimport_drops_only_the_activities_no_longer_listed(tmp_path):
    header = annuaire_header() + "\n"
    both = row() + row(site="370000481", site_name="CHU")
    import_annuaire(write(tmp_path, "a.txt", header + both + row(rpps="12345678903"), "utf-8"))
    report = import_annuaire(
        write(tmp_path, "b.txt", header + row(site="370000481", site_name="CHU"), "utf-8")
    )
    assert (report.created, report.updated, report.activities) == (0, 1, 1)
    assert list(
        AnnuaireActivity.objects.filter(person__identifier="10000000009").values_list(
            "finess_site", flat=True
        )
    ) == ["370000481"]
    # Without --prune, the professional absent from the file keeps their activity.
    assert AnnuaireActivity.objects.filter(person__identifier="12345678903").count() == 1


def test_first_finess_import_restores_the_token_foreign_key_and_indexes():
    # PostgreSQL's bulk path sets the foreign key and indexes aside on a first load; on
    # SQLite nothing is set aside, and the schema must come out the same either way.
    def schema():
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(
                cursor, "directory_establishmenttoken"
            )
        return sorted(
            (tuple(c["columns"]), bool(c["foreign_key"]), bool(c["index"]), bool(c["unique"]))
            for c in constraints.values()
        )

    before = schema()
    assert any(foreign_key for _columns, foreign_key, _index, _unique in before)
    import_finess(FINESS_SAMPLE)  # empty token table: indexes and foreign key set aside
    assert schema() == before
    assert_tokens_match_establishments()
