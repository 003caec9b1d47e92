"""Hostile input on every form (issue 10, item 7): whatever is posted, the answer is 2xx, 3xx or
4xx with French text, never a 5xx; stored text renders escaped. Bounded examples: fast."""

import html
import itertools

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kiosque.mfa.tests.helpers import open_second_factor_stage
from tests.resilience.actors import make_user, signed_in

FUZZ = hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_addresses = itertools.count(1)

hostile_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "a" * 5000,
            "𝕂𝕚𝕠𝕤𝕢𝕦𝕖",
            "../../etc/passwd",
            "{{ settings.SECRET_KEY }}",
            "%s%s%n",
            "\u202e\u200b",
            "999999999999999999999999",
            "-1",
            "31/02/2020",
        ]
    ),
)


def fresh_client() -> Client:
    n = next(_addresses)
    return Client(REMOTE_ADDR=f"10.77.{n // 250}.{n % 250 + 1}", raise_request_exception=False)


def check(response):
    assert response.status_code < 500, response.status_code
    if response.status_code in (200, 400, 403, 429) and "text/html" in response.get(
        "Content-Type", ""
    ):
        raw = response.content.decode()
        assert '<html lang="fr">' in raw
        assert "<script>alert(" not in raw  # typed text is always escaped


def form(*names):
    return st.fixed_dictionaries(dict.fromkeys(names, hostile_text))


@pytest.mark.django_db
@FUZZ
@given(data=form("username", "password", "next"))
def test_login_form(data):
    check(fresh_client().post("/connexion/", data))


@pytest.mark.django_db
@FUZZ
@given(data=form("email"))
def test_reset_and_forgotten_login_forms(data):
    check(fresh_client().post("/mot-de-passe-oublie/", data))
    check(fresh_client().post("/identifiant-oublie/", data))


@pytest.mark.django_db
@FUZZ
@given(data=form("code", "method", "action"))
def test_second_factor_form(data):
    client = fresh_client()
    open_second_factor_stage(client, make_user())
    check(client.get("/connexion/second-facteur/"))
    check(client.post("/connexion/second-facteur/", data))


@pytest.mark.django_db
@FUZZ
@given(data=form("new_password1", "new_password2", "old_password"))
def test_password_forms(data):
    client = signed_in(make_user(), raise_request_exception=False)
    check(client.post("/compte/mot-de-passe/", data))
    check(fresh_client().post("/mot-de-passe/reinitialiser/", data))


IDENTITY_FIELDS = (
    "profession", "specialty", "rpps", "adeli", "cpx_number", "title", "civility",
    "last_name", "birth_name", "first_name", "birth_date",
)  # fmt: skip
CONTACT_FIELDS = (
    "phone_professional", "phone_mobile", "email_auth", "email_auth_confirmation",
    "email_communication",
)  # fmt: skip
ESTABLISHMENT_FIELDS = (
    "etab1_query", "etab1_finess", "etab1_function", "etab1_service", "etab1_country",
    "etab1_postal_code", "etab1_city", "etab2_query", "etab2_finess", "etab2_country",
)  # fmt: skip


@pytest.mark.django_db
@FUZZ
@given(
    identity=form(*IDENTITY_FIELDS),
    contacts=form(*CONTACT_FIELDS),
    establishment=form(*ESTABLISHMENT_FIELDS),
    summary=form("captcha", "interests"),
)
def test_registration_steps(identity, contacts, establishment, summary):
    client = fresh_client()
    check(client.post("/inscription/", {"accept": "on"}))
    check(client.post("/inscription/identite/", identity))
    check(client.post("/inscription/contacts/", contacts))
    check(client.post("/inscription/etablissement/", establishment))
    check(client.post("/inscription/centres-interet/", {"interests": summary["interests"]}))
    check(client.post("/inscription/recapitulatif/", summary))
    check(client.get("/annuaire/etablissements/", {"q": identity["last_name"]}))


@pytest.mark.django_db
@FUZZ
@given(answers=form("telephone-professionnel", "statut", "confirmation", "message"))
def test_access_request_form(dcc, answers):
    user = make_user()
    check(
        signed_in(user, raise_request_exception=False).post("/applications/dcc/demande/", answers)
    )


@pytest.mark.django_db
@FUZZ
@given(
    decision=form("request_id", "decision", "reason_code", "reason_text", "question"),
    refusal=form("reason", "message", "roles"),
)
def test_back_office_and_referent_decision_forms(people, decision, refusal):
    reviewer = signed_in(people.reviewer, raise_request_exception=False)
    check(reviewer.post(f"/gestion/demandes/{people.registration.pk}/decision/", decision))
    check(reviewer.get("/gestion/", {"q": decision["question"], "status": decision["decision"]}))
    referent = signed_in(people.referent, raise_request_exception=False)
    pk = people.access_request.pk
    check(referent.post(f"/applications/referent/demandes/{pk}/refuser/", refusal))
    check(referent.post(f"/applications/referent/demandes/{pk}/completer/", refusal))
    check(referent.post(f"/applications/referent/acces/{people.grant.pk}/roles/", refusal))


@pytest.mark.django_db
@FUZZ
@given(params=form("response_type", "client_id", "redirect_uri", "scope", "state", "nonce"))
def test_oidc_endpoints(people, make_oidc_client, params):
    client_row, secret = make_oidc_client()
    browser = signed_in(people.user, methods=("password", "totp"), raise_request_exception=False)
    check(browser.get("/oidc/authorize/", params))
    token = fresh_client().post(
        "/oidc/token/",
        {
            "grant_type": params["response_type"],
            "code": params["state"],
            "redirect_uri": params["redirect_uri"],
        },
    )
    assert token.status_code < 500
    check(
        fresh_client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {params['nonce']}"[:500])
    )
    check(browser.get("/oidc/logout/", {"post_logout_redirect_uri": params["redirect_uri"]}))


HOSTILE_NAME = "<script>alert(1)</script>"


@pytest.mark.django_db
def test_stored_text_renders_escaped(people):
    """Text typed by applicants and referents is shown escaped to reviewers and users."""
    from kiosque.backoffice.tests.factories import make_registration

    registration = make_registration(last_name=HOSTILE_NAME, first_name=HOSTILE_NAME)
    reviewer = signed_in(people.reviewer)
    for path in ("/gestion/", f"/gestion/demandes/{registration.pk}/"):
        body = reviewer.get(path).content.decode()
        assert HOSTILE_NAME not in body
    referent = signed_in(people.referent)
    pk = people.access_request.pk
    referent.post(f"/applications/referent/demandes/{pk}/refuser/", {"reason": HOSTILE_NAME})
    for client, path in (
        (signed_in(people.user), "/applications/"),
        (referent, f"/applications/referent/demandes/{pk}/"),
    ):
        body = client.get(path).content.decode()
        assert HOSTILE_NAME not in body


@pytest.mark.django_db
def test_a_null_byte_anywhere_answers_a_french_400(people):
    """PostgreSQL refuses NUL in queries: such input is turned away before any lookup."""
    client = signed_in(people.user, raise_request_exception=False)
    answers = [
        client.post("/inscription/identite/", {"profession": "\x00"}),
        client.get("/oidc/authorize/", {"client_id": "\x00"}),
        client.get("/mot-de-passe/reinitialiser/ab%00cd/"),
        Client(raise_request_exception=False).get("/connexion/", {"next": "a\x00"}),
    ]
    for response in answers:
        assert response.status_code == 400
        assert "caractère interdit" in html.unescape(response.content.decode())
