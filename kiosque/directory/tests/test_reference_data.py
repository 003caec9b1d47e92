import pytest

from kiosque.directory.models import Civility, Departement, Profession, Specialty, Title
from kiosque.directory.reference import load_reference_data

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_nos_tables():
    medecin = Profession.objects.get(code="10")
    assert medecin.label == "Médecin"
    assert medecin.has_rpps and medecin.requires_specialty and medecin.is_health
    assert set(Profession.objects.values_list("code", flat=True)) >= {
        "10", "21", "26", "28", "31", "32", "40", "50", "60", "69", "70", "80", "86", "91",
        "92", "93", "94", "95", "96", "98", "NS",
    }  # fmt: skip
    non_health = Profession.objects.get(code="NS")
    assert not non_health.is_health and not non_health.has_rpps
    assert Specialty.objects.get(code="SM36").label == "Oncologie, option médicale"
    assert Specialty.objects.get(code="SM36").profession == medecin
    assert Specialty.objects.filter(code__startswith="SM").count() == 72
    assert dict(Civility.objects.values_list("code", "label")) == {"M": "Monsieur", "MME": "Madame"}
    assert Title.objects.get(code="DR").label == "Docteur"
    assert Title.objects.get(code="PR").label == "Professeur"


def test_departements():
    assert Departement.objects.count() == 101
    assert str(Departement.objects.get(code="37")) == "37 - Indre-et-Loire"
    assert {"2A", "2B", "971", "976"} <= set(Departement.objects.values_list("code", flat=True))


def test_loading_again_changes_nothing():
    before = Specialty.objects.count()
    counts = load_reference_data()
    assert counts["specialties"] == before
    assert counts["departement"] == 101
