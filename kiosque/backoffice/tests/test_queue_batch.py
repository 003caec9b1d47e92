"""The review queue computes duplicates and evidence for the whole page at once: what it shows
must be what the one-request computations give, row by row, for a mix of rows."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kiosque.accounts import roles
from kiosque.accounts.models import ConnectionAttempt
from kiosque.backoffice.flows import bulk, evidence
from kiosque.backoffice.flows.duplicates import find_duplicates, find_duplicates_for
from kiosque.backoffice.tests.factories import (
    FINESS_TOURS,
    make_annuaire_person,
    make_registration,
    make_user,
)
from kiosque.core import crypto
from kiosque.mfa.models import TOTPDevice
from kiosque.professionals.models import ProfessionalEstablishment, ProfessionalProfile
from kiosque.registration.models import RegistrationStatus

pytestmark = pytest.mark.django_db

SAME_RPPS = "même N° RPPS"
SAME_EMAIL = "même mail pour l'authentification"
SAME_NAME = "mêmes nom, prénom et date de naissance"
DUPLICATE = "doublon probable : à examiner une par une"
DISCORDANT = "discordance avec l'Annuaire Santé : à examiner une par une"


def person(rpps, first_name, last_name, birth_date, **fields):
    """A pending request of its own identity (no shared RPPS, e-mail or birth date)."""
    return make_registration(
        rpps=rpps,
        first_name=first_name,
        last_name=last_name,
        birth_name=fields.pop("birth_name", last_name),
        birth_date=birth_date,
        email_auth=fields.pop("email_auth", f"{first_name}.{last_name}@exemple.fr".lower()),
        **fields,
    )


def account(username, email, first_name, last_name, **profile):
    user = make_user(username, email=email, first_name=first_name, last_name=last_name)
    if profile:
        ProfessionalProfile.objects.create(user=user, profession_id="10", **profile)
    return user


@pytest.fixture
def mix():
    """Rows duplicated by each rule (with requests, with accounts, with each other), clean rows
    with concordant, discordant, unknown or missing Annuaire Santé entries."""
    rows = {}
    # Older requests and accounts the page rows may duplicate.
    approved = person(
        "11111111111", "Paul", "Martin", date(1980, 1, 1), status=RegistrationStatus.APPROVED
    )
    rejected = person("22222222222", "Anne", "Leroy", date(1981, 2, 2), email_auth="ALE@x.fr")
    rejected.status = RegistrationStatus.REJECTED
    rejected.save()
    by_email = account("cmoreau", "Claire.Moreau@Exemple.fr", "Claire", "Moreau")
    by_rpps = account("jbernard", "jb@x.fr", "Jean", "Bernard", rpps="33333333333")
    by_name = account(
        "lpetit", "lp@x.fr", "Léa", "Petit", birth_name="Roux", birth_date=date(1990, 5, 5)
    )
    # The page.
    make_annuaire_person("44444444444", last_name="SIMON", first_name="LUC")
    rows["clean"] = person("44444444444", "Luc", "Simon", date(1970, 3, 3))
    rows["rpps_request"] = person("11111111111", "Pierre", "Durand", date(1971, 4, 4))
    # Several duplicates of both kinds and by several rules, in the order the rules run.
    rows["multi"] = person(
        "11111111111", "Léa", "Petit", date(1990, 5, 5), email_auth="JB@X.FR", birth_name="Petit"
    )
    rows["email_request"] = person("", "Alain", "Lefevre", date(1972, 5, 5), email_auth="ale@X.FR")
    rows["email_account"] = person(
        "", "Claire", "Moreau", date(1973, 6, 6), email_auth="claire.moreau@exemple.fr"
    )
    rows["rpps_account"] = person("33333333333", "Marc", "Blanc", date(1974, 7, 7))
    rows["name_account"] = person("", "Lea", "ROUX", date(1990, 5, 5))
    rows["name_request"] = person("", "Paul", "Dupuis", date(1980, 1, 1), birth_name="MARTIN")
    rows["pair_a"] = person("", "Eva", "Garnier", date(1975, 8, 8), email_auth="eva@pair.fr")
    rows["pair_b"] = person("", "Éva", "Garnier", date(1975, 8, 8), email_auth="EVA@pair.fr")
    rows["no_rpps"] = person("", "Hugo", "Faure", date(1976, 9, 9), profession_id="60")
    rows["unknown_rpps"] = person("55555555555", "Inès", "Roche", date(1977, 10, 10))
    make_annuaire_person("66666666666", last_name="NOEL", first_name="ROSE", sites=(FINESS_TOURS,))
    rows["discordant"] = person("66666666666", "Rose", "Noel", date(1978, 11, 11))
    rows["flagged"] = person("", "Yves", "Colin", date(1979, 12, 12), probable_duplicate=True)
    rows["info"] = person(
        "", "Zoé", "Vidal", date(1969, 1, 2), status=RegistrationStatus.INFO_REQUESTED
    )
    rows["decided"] = person(
        "", "Théo", "Mercier", date(1968, 2, 3), status=RegistrationStatus.REJECTED
    )
    others = {"approved": approved, "rejected": rejected}
    others |= {"by_email": by_email, "by_rpps": by_rpps, "by_name": by_name}
    return rows, others


def shown(duplicates):
    return [(d.kind, d.url, d.reasons) for d in duplicates]


def request_url(registration):
    return f"/gestion/demandes/{registration.pk}/"


def account_url(user):
    return f"/gestion/comptes/{user.pk}/"


def test_duplicates_by_each_rule(mix):
    rows, others = mix
    expected = {
        "clean": [],
        "rpps_request": [
            ("request", request_url(rows["multi"]), [SAME_RPPS]),
            ("request", request_url(others["approved"]), [SAME_RPPS]),
        ],
        "multi": [
            ("request", request_url(rows["rpps_request"]), [SAME_RPPS]),
            ("request", request_url(others["approved"]), [SAME_RPPS]),
            ("account", account_url(others["by_rpps"]), [SAME_EMAIL]),
            ("account", account_url(others["by_name"]), [SAME_NAME]),
        ],
        "email_request": [("request", request_url(others["rejected"]), [SAME_EMAIL])],
        "email_account": [("account", account_url(others["by_email"]), [SAME_EMAIL])],
        "rpps_account": [("account", account_url(others["by_rpps"]), [SAME_RPPS])],
        "name_account": [("account", account_url(others["by_name"]), [SAME_NAME])],
        "name_request": [("request", request_url(others["approved"]), [SAME_NAME])],
        "pair_a": [("request", request_url(rows["pair_b"]), [SAME_EMAIL, SAME_NAME])],
        "pair_b": [("request", request_url(rows["pair_a"]), [SAME_EMAIL, SAME_NAME])],
        "no_rpps": [],
        "unknown_rpps": [],
        "discordant": [],
        "flagged": [],
        "info": [],
        "decided": [],
    }
    assert {name: shown(find_duplicates(row)) for name, row in rows.items()} == expected


def test_page_batch_gives_the_same_duplicates_and_evidence_as_one_by_one(mix):
    rows, _others = mix
    registrations = list(rows.values())
    batch = find_duplicates_for(registrations)
    for registration in registrations:
        assert shown(batch[registration.pk]) == shown(find_duplicates(registration))
    gathered = evidence.gather_many(registrations)
    for registration in registrations:
        assert gathered[registration.pk] == evidence.gather(registration)
    assert bulk.ineligibilities(registrations) == {
        registration.pk: bulk.ineligibility(registration) for registration in registrations
    }


def test_queue_shows_the_same_points_of_attention(mix, reviewer_client):
    rows, _others = mix
    page = reviewer_client.get("/gestion/?status=all")
    blockers = {row["registration"].pk: row["bulk_blocker"] for row in page.context["rows"]}
    expected = {
        "clean": "",
        "rpps_request": DUPLICATE,
        "multi": DUPLICATE,
        "email_request": DUPLICATE,
        "email_account": DUPLICATE,
        "rpps_account": DUPLICATE,
        "name_account": DUPLICATE,
        "name_request": DUPLICATE,
        "pair_a": DUPLICATE,
        "pair_b": DUPLICATE,
        "no_rpps": "",
        "unknown_rpps": DISCORDANT,
        "discordant": DISCORDANT,
        "flagged": DUPLICATE,
        "info": "",
        "decided": "déjà traitée",
    }
    assert {name: blockers[row.pk] for name, row in rows.items()} == expected
    html = page.content.decode()
    assert f'name="requests" value="{rows["clean"].pk}"' in html
    assert f'name="requests" value="{rows["pair_a"].pk}"' not in html


def test_evidence_without_annuaire_is_unknown_not_discordant():
    registration = person("77777777777", "Lina", "Morel", date(1985, 1, 1))
    (point,) = evidence.gather_many([registration])[registration.pk].points
    assert point.verdict == evidence.Verdict.UNKNOWN


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/gestion/?status=all").status_code == 200
    return len(captured.captured_queries)


def test_queue_queries_do_not_grow_with_rows(mix, reviewer_client):
    queue_queries(reviewer_client)  # the first request after login also touches the session
    first = queue_queries(reviewer_client)
    for number in range(4):
        make_annuaire_person(f"8888888888{number}", last_name=f"NOM{number}")
        person(f"8888888888{number}", "Nathalie", f"Nom{number}", date(1960, 1, 1 + number))
    assert queue_queries(reviewer_client) == first


def test_account_list_does_not_grow_with_rows(reviewer_client):
    def listing_queries():
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get("/gestion/comptes/").status_code == 200
        return len(captured.captured_queries)

    account("a1", "a1@x.fr", "Ana", "Un", rpps="90000000001")
    listing_queries()  # the first request after login also touches the session
    first = listing_queries()
    for number in range(2, 6):
        account(f"a{number}", f"a{number}@x.fr", "Ana", "Deux", rpps=f"9000000000{number}")
    make_user("nopro", email="nopro@x.fr").groups.add(
        Group.objects.get_or_create(name=roles.APPLICATION_REFERENTS)[0]
    )
    assert listing_queries() == first


def test_account_detail_does_not_grow_with_rows(reviewer_client):
    user = account("ddetail", "d@x.fr", "Dan", "Detail", rpps="90000000009")
    url = f"/gestion/comptes/{user.pk}/"

    def add_rows(count, start):
        for position in range(start, start + count):
            ProfessionalEstablishment.objects.create(
                profile=user.professional_profile, position=position, name=f"Site {position}"
            )
            TOTPDevice.objects.create(
                user=user,
                name=f"Téléphone {position}",
                encrypted_secret=crypto.encrypt("JBSWY3DPEHPK3PXP"),
                created_at=timezone.now(),
            )
            ConnectionAttempt.objects.create(user=user, outcome="success", second_factor="totp")

    def detail_queries():
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(url).status_code == 200
        return len(captured.captured_queries)

    add_rows(1, 1)
    detail_queries()  # the first request after login also touches the session
    first = detail_queries()
    add_rows(4, 2)
    assert detail_queries() == first
