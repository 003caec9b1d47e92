"""The Annuaire Santé evidence of a request, point by point."""

import pytest

from kiosque.backoffice.flows.evidence import Verdict, gather
from kiosque.backoffice.tests.factories import (
    FINESS_TOURS,
    make_annuaire_person,
    make_registration,
)

pytestmark = pytest.mark.django_db


def verdicts(evidence):
    return {point.label: point.verdict for point in evidence.points}


def test_matching_sample_is_concordant_everywhere():
    make_annuaire_person()
    evidence = gather(make_registration())
    assert verdicts(evidence) == {
        "N° RPPS": Verdict.CONCORDANT,
        "Nom": Verdict.CONCORDANT,
        "Prénom": Verdict.CONCORDANT,
        "Profession": Verdict.CONCORDANT,
        "Exercice à l'établissement déclaré n° 1": Verdict.CONCORDANT,
    }
    assert not evidence.has_discordance


def test_birth_name_in_directory_counts_as_same_name():
    make_annuaire_person(last_name="Petit")
    assert verdicts(gather(make_registration()))["Nom"] == Verdict.CONCORDANT


def test_discordant_sample():
    make_annuaire_person(
        last_name="DURAND",
        first_name="Paul",
        profession_code="21",
        profession_label="Pharmacien",
        sites=(FINESS_TOURS,),
    )
    evidence = gather(make_registration())
    result = verdicts(evidence)
    assert result["Nom"] == result["Prénom"] == Verdict.DISCORDANT
    assert result["Profession"] == Verdict.DISCORDANT
    assert result["Exercice à l'établissement déclaré n° 1"] == Verdict.DISCORDANT
    assert evidence.has_discordance


def test_unknown_points():
    make_annuaire_person(profession_code="", sites=())
    registration = make_registration(
        establishments=[{"name": "Cabinet du Lac", "not_listed": True, "service": "Cabinet"}]
    )
    result = verdicts(gather(registration))
    assert result["Profession"] == Verdict.UNKNOWN
    assert result["Exercice à l'établissement déclaré n° 1"] == Verdict.UNKNOWN


def test_rpps_missing_from_imported_directory_is_discordant():
    make_annuaire_person(rpps="12345678903")
    evidence = gather(make_registration())
    assert verdicts(evidence) == {"N° RPPS": Verdict.DISCORDANT}
    assert "introuvable" in evidence.note


def test_directory_not_imported_is_unknown_not_discordant():
    evidence = gather(make_registration())
    assert verdicts(evidence) == {"N° RPPS": Verdict.UNKNOWN}
    assert not evidence.has_discordance


def test_no_rpps_no_comparison():
    evidence = gather(make_registration(rpps="", profession_id="60"))
    assert evidence.points == [] and "Aucun N° RPPS" in evidence.note


def test_detail_page_shows_evidence_table(reviewer_client):
    make_annuaire_person(first_name="Paul")
    registration = make_registration()
    page = reviewer_client.get(f"/gestion/demandes/{registration.pk}/").content.decode()
    assert "Comparaison avec l'Annuaire Santé" in page
    assert 'class="badge badge--discordant">discordant' in page
    assert 'class="badge badge--concordant">concordant' in page
    assert '<th scope="col">' in page and "<caption>" in page
