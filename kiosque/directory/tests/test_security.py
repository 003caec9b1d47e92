"""Hostile input in the autocomplete and the imports: never a 500, never an injection."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosque.directory.imports.finess import import_finess
from kiosque.directory.models import Establishment
from kiosque.directory.services.search import search_establishments

from .conftest import write

pytestmark = pytest.mark.django_db

URL = "/annuaire/etablissements/"

HOSTILE = [
    "' OR 1=1 --",
    "dre'; DROP TABLE directory_establishment; --",
    '" UNION SELECT finess FROM directory_establishment --',
    "%",
    "_%_",
    "\\",
    "dre\x00ux",
    "\x01\x02\x1b[31m",
    "\u202edre\u202c",  # right-to-left override
    "\u200fhopital\u200e",
    "🏥 hôpital 🚑",
    "ﬁnesse",
    "Ｄｒｅｕｘ",  # full-width
    "a" * 10_000,
    "dre " * 3000,
    "<script>alert(1)</script>",
]


def test_a_nul_character_is_refused(client, finess_sample):
    response = client.get(URL, {"q": "dre\x00ux"})
    assert response.status_code == 400
    assert Establishment.objects.count() == 200


@pytest.mark.parametrize("query", [q for q in HOSTILE if "\x00" not in q])
def test_hostile_queries_never_fail(client, finess_sample, query):
    response = client.get(URL, {"q": query})
    assert response.status_code in (200, 400)
    assert "results" in response.json()
    assert Establishment.objects.count() == 200


def test_sql_fragments_are_plain_text(finess_sample):
    assert search_establishments("zz' OR 'a'='a") == []
    assert search_establishments("%") == []


def test_unicode_lookalikes_are_folded(finess_sample):
    assert [e.finess for e in search_establishments("Ｄｒｅｕｘ airbp")] == ["280503848"]


def test_results_are_json_escaped(client, make_establishment):
    make_establishment(finess="370000481", name="<script>alert(1)</script> Clinique")
    response = client.get(URL, {"q": "clinique"})
    assert b"<" not in response.content and b">" not in response.content
    assert response.json()["results"][0]["name"].startswith("<script>")


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=80, deadline=None
)
@given(st.text(max_size=300))
def test_any_text_searches_without_error(db, text):
    search_establishments(text)


def test_import_refuses_nul_characters_without_crashing(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"finess;etalab\nstructureet;280503848\x00;x\n")
    report = import_finess(path)
    assert report.rejected_count == 1
    assert "nul" in report.rejections[0].reason


def test_import_of_binary_garbage_reports_lines(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(1, 256)) * 4)
    report = import_finess(path)
    assert report.created == 0
    assert report.rejected_count >= 1


def test_sql_in_an_imported_name_is_stored_as_text(tmp_path):
    from .test_import_finess import HEADER, structure

    name = "X' OR '1'='1' -- DROP TABLE directory_establishment"
    report = import_finess(write(tmp_path, "f.csv", HEADER + structure(name=name)))
    assert report.rejected_count == 0, report.rejections
    assert Establishment.objects.get().name == name
