"""What the registration form must resist: oversized and malformed input, markup and SQL
fragments, invisible characters, forged posts, forged or replayed captcha solutions. Never a
500, always escaped output."""

import base64
from datetime import timedelta

import altcha
import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kiosque.registration import captcha
from kiosque.registration.forms import IdentityForm
from kiosque.registration.models import RegistrationRequest, UsedChallenge
from kiosque.registration.tests.conftest import (
    IDENTITY,
    STEP_DATA,
    STEP_URLS,
    Wizard,
    solved_captcha,
)

CONTROL = "Ce champ contient des caractères invisibles ou de contrôle : retirez-les."
NOT_A_NAME = "Saisissez uniquement des lettres, des espaces, des tirets (-) ou des apostrophes (')."

AGAIN = "Attendez qu'elle soit refaite (« Vérifié »), puis envoyez à nouveau votre demande."


@pytest.fixture
def at_identity(wizard):
    wizard.complete("conditions")
    return wizard


def name_errors(wizard, value):
    response = wizard.post("identity", last_name=value)
    assert response.status_code == 200
    return response.context["form"].errors["last_name"]


def test_ten_thousand_characters_name(at_identity):
    assert name_errors(at_identity, "A" * 10_000) == [
        "Assurez-vous que cette valeur comporte au plus 100 caractères (actuellement 10000)."
    ]


@pytest.mark.parametrize("value", ["DU\x07PONT", "DUPONT\x1f", "DU\x1bPONT"])
def test_control_characters_refused(at_identity, value):
    assert name_errors(at_identity, value) == [CONTROL]


def test_a_nul_character_is_refused_before_any_lookup(at_identity):
    # PostgreSQL cannot hold NUL: the request is refused as a whole, in French.
    response = at_identity.post("identity", last_name="DU\x00PONT")
    assert response.status_code == 400
    assert "caractère interdit" in response.content.decode()


@pytest.mark.parametrize("value", ["\u200fDUPONT", "DU\u202ePONT", "DU\u200bPONT"])
def test_right_to_left_and_invisible_marks_refused(at_identity, value):
    assert name_errors(at_identity, value) == [CONTROL]


@pytest.mark.parametrize(
    "value", ["DUPONT 😀", "<b>DUPONT</b>", "DUPONT'; DROP TABLE x;--", "DUPONT2", "-"]
)
def test_names_are_letters_only(at_identity, value):
    assert name_errors(at_identity, value) == [NOT_A_NAME]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Le Bihan-Kérouac", "Le Bihan-Kérouac"),
        ("N’Diaye", "N'Diaye"),
        ("  Zoë   Ämélie ", "Zoë Ämélie"),
        ("Œdipe Lætitia", "Œdipe Lætitia"),
        ("E\u0301lodie", "Élodie"),
    ],
)
def test_real_names_accepted_and_normalised(at_identity, typed, kept):
    assert at_identity.post("identity", first_name=typed).status_code == 302
    form = at_identity.client.get(STEP_URLS["identity"]).context["form"]
    assert form.cleaned_data["first_name"] == kept


@pytest.mark.parametrize(
    ("value", "letter"),
    [("DUРONT", "Р"), ("Ωμέγα", "Ω"), ("Núñez", "ú"), ("Łukasz", "Ł"), ("ｄupont", "ｄ")],
)
def test_names_are_latin_letters_with_french_diacritics(at_identity, value, letter):
    response = at_identity.post("identity", last_name=value)
    assert response.status_code == 200
    assert response.context["form"].errors["last_name"] == [
        f"La lettre « {letter} » n'est pas acceptée : saisissez le nom en lettres latines, "
        "avec les accents du français (é, è, ê, ë, à, â, ç, î, ï, ô, ö, ù, û, ü, ÿ, æ, œ)."
    ]
    page = response.content.decode()
    assert f'value="{value}"' in page  # what was typed is kept
    field = page[page.index('name="last_name"') - 2000 : page.index('name="birth_name"')]
    assert "n&#x27;est pas acceptée" in field  # shown with the last-name field


def test_control_character_in_free_text_refused(wizard):
    wizard.complete("conditions", "identity", "contacts")
    response = wizard.post("establishment", etab1_service="Onco\x08logie")
    assert response.context["form"].errors["etab1_service"] == [CONTROL]


def test_markup_and_sql_stored_as_typed_and_escaped(wizard, captcha_test_mode):
    service = "<script>alert('x')</script>'; DROP TABLE registration_registrationrequest;--"
    wizard.complete(establishment={"etab1_service": service, "etab1_function": "Chef 🩺"})
    page = wizard.client.get(STEP_URLS["summary"]).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Chef 🩺" in page
    assert wizard.submit().status_code == 302
    place = RegistrationRequest.objects.get().establishments.get()
    assert place.service == service
    assert place.function == "Chef 🩺"


@pytest.mark.parametrize(
    "changes",
    [
        {"profession": "<script>"},
        {"profession": "9" * 500},
        {"specialty": "' OR 1=1 --"},
        {"title": "x" * 10_000},
        {"birth_date": "99/99/99999999"},
        {"rpps": "1" * 10_000},
    ],
)
def test_malformed_identity_is_an_error_not_a_crash(at_identity, changes):
    response = at_identity.post("identity", **changes)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize(
    "changes",
    [
        {"etab1_finess": "' OR 1=1 --"},
        {"etab1_finess": "9" * 10_000},
        {"etab1_query": "x" * 10_000, "etab1_finess": "", "action": "search-1"},
        {"etab1_query": "%_\\' OR 1=1", "etab1_finess": "", "action": "search-1"},
        {"etab1_not_listed": "on", "etab1_departement": "<b>"},
        {"action": "search-9"},
    ],
)
def test_malformed_establishment_is_not_a_crash(wizard, changes):
    wizard.complete("conditions", "identity", "contacts")
    response = wizard.post("establishment", **changes)
    assert response.status_code in (200, 302)


def test_search_query_rendered_escaped(wizard):
    wizard.complete("conditions", "identity", "contacts")
    response = wizard.post(
        "establishment", etab1_query="<script>x</script>", etab1_finess="", action="search-1"
    )
    page = response.content.decode()
    assert "<script>x" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_oversized_contacts(wizard):
    wizard.complete("conditions", "identity")
    long_mail = "a" * 300 + "@example.fr"
    response = wizard.post(
        "contacts", email_auth=long_mail, email_auth_confirmation=long_mail, phone_mobile="6" * 500
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email_auth" in errors
    assert "phone_mobile" in errors


@pytest.mark.parametrize(
    "garbage",
    ["x" * 5000, "not base64 !", base64.b64encode(b"[1, 2]").decode(), "e30="],
)
def test_malformed_captcha_solution(wizard, garbage):
    wizard.complete()
    response = wizard.client.post(STEP_URLS["summary"], {"captcha": garbage})
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [FAILED]
    assert not RegistrationRequest.objects.exists()


# The captcha (ALTCHA proof of work): forged, altered, replayed or expired solutions ---------

FAILED = "La vérification anti-robot a échoué. " + AGAIN


def _solve(challenge: altcha.Challenge) -> str:
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def _own_challenge(**changes) -> altcha.Challenge:
    return altcha.Challenge.from_dict(captcha.challenge(**changes))


def _errors(wizard, payload):
    response = wizard.submit(captcha=payload)
    assert response.status_code == 200
    assert not RegistrationRequest.objects.exists()
    return response.context["form"].errors["captcha"]


def test_captcha_missing(wizard):
    wizard.complete()
    response = wizard.client.post(STEP_URLS["summary"], {})
    assert response.context["form"].errors["captcha"][0].startswith("Attendez la fin")
    assert not RegistrationRequest.objects.exists()


def test_captcha_signed_with_another_key(wizard, cheap_captcha):
    wizard.complete()
    forged = altcha.create_challenge(
        algorithm=captcha.ALGORITHM,
        cost=1,
        expires_at=timezone.now() + timedelta(minutes=5),
        hmac_secret="not-the-sites-key",
    )
    assert _errors(wizard, _solve(forged)) == [FAILED]


def test_captcha_unsigned(wizard, cheap_captcha):
    wizard.complete()
    unsigned = altcha.create_challenge(
        algorithm=captcha.ALGORITHM, cost=1, expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert _errors(wizard, _solve(unsigned)) == [FAILED]


def test_captcha_with_altered_parameters(wizard, settings):
    settings.KIOSQUE_CAPTCHA_COST = 50
    wizard.complete()
    challenge = _own_challenge()
    challenge.parameters.cost = 1  # cheaper work, same signature
    challenge.parameters.expires_at += 86400  # and a longer life
    assert _errors(wizard, _solve(challenge)) == [FAILED]


def test_captcha_with_a_wrong_solution(wizard, cheap_captcha):
    wizard.complete()
    challenge = _own_challenge()
    solution = altcha.solve_challenge(challenge)
    solution.counter += 1
    assert _errors(wizard, altcha.Payload(challenge, solution).to_base64()) == [FAILED]


def test_captcha_signed_without_expiry_is_refused(wizard, cheap_captcha, settings):
    wizard.complete()
    eternal = altcha.create_challenge(
        algorithm=captcha.ALGORITHM, cost=1, hmac_secret=settings.KIOSQUE_CAPTCHA_HMAC_KEY
    )
    assert _errors(wizard, _solve(eternal)) == [FAILED]


def test_captcha_expired(wizard, cheap_captcha, settings):
    wizard.complete()
    issued = timezone.now() - timedelta(seconds=settings.KIOSQUE_CAPTCHA_SECONDS + 1)
    assert _errors(wizard, _solve(_own_challenge(now=issued))) == [
        "La vérification anti-robot a expiré. " + AGAIN
    ]


def test_captcha_key_comes_from_the_settings(wizard, cheap_captcha, settings):
    wizard.complete()
    payload = solved_captcha(wizard.client)
    settings.KIOSQUE_CAPTCHA_HMAC_KEY = "a-new-key-" + "k" * 40
    assert _errors(wizard, payload) == [FAILED]


def test_captcha_replayed(wizard, cheap_captcha, client):
    wizard.complete()
    payload = solved_captcha(wizard.client)
    assert wizard.submit(captcha=payload).status_code == 302
    other = Wizard(Client(REMOTE_ADDR="10.66.0.9"))
    other.complete(
        contacts={
            "email_auth": "autre.personne@example.fr",
            "email_auth_confirmation": "autre.personne@example.fr",
        }
    )
    response = other.submit(captcha=payload)
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [
        "Cette vérification anti-robot a déjà servi. " + AGAIN
    ]
    assert RegistrationRequest.objects.count() == 1


def test_used_challenges_are_purged_once_expired(wizard, cheap_captcha, settings):
    wizard.complete()
    issued = timezone.now() - timedelta(seconds=settings.KIOSQUE_CAPTCHA_SECONDS - 2)
    captcha.verify(_solve(_own_challenge(now=issued)))
    assert UsedChallenge.objects.count() == 1
    captcha.verify(
        _solve(_own_challenge()), now=timezone.now() + timedelta(seconds=3)
    )  # the first one has expired by then
    assert UsedChallenge.objects.count() == 1


def test_captcha_challenge_endpoint(client, settings):
    response = client.get("/inscription/recapitulatif/verification/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    issued = response.json()
    assert issued["signature"]
    assert issued["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    expires = issued["parameters"]["expiresAt"] - timezone.now().timestamp()
    assert settings.KIOSQUE_CAPTCHA_SECONDS - 5 < expires <= settings.KIOSQUE_CAPTCHA_SECONDS
    assert client.get("/inscription/recapitulatif/verification/").json() != issued
    assert client.post("/inscription/recapitulatif/verification/").status_code == 405


def test_csrf_enforced(establishments):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.66.0.1")
    response = client.post(STEP_URLS["conditions"], {"accept": "on"})
    assert response.status_code == 403
    page = client.get(STEP_URLS["conditions"])
    token = page.context["csrf_token"]
    response = client.post(
        STEP_URLS["conditions"], {"accept": "on", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302


def test_csrf_enforced_on_the_final_submission(establishments, captcha_test_mode):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.66.0.2")
    for step in ("conditions", "identity", "contacts", "establishment", "interests"):
        token = str(client.get(STEP_URLS[step]).context["csrf_token"])
        response = client.post(STEP_URLS[step], {**STEP_DATA[step], "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    response = client.post(STEP_URLS["summary"], {"captcha": "PASSED"})
    assert response.status_code == 403
    assert not RegistrationRequest.objects.exists()


def test_only_get_and_post(client):
    assert client.put(STEP_URLS["conditions"]).status_code == 405
    assert client.post("/inscription/merci/").status_code == 405


def test_pages_have_no_inline_script_or_style(wizard):
    wizard.complete()
    for url in (*STEP_URLS.values(), "/inscription/conditions/"):
        page = wizard.client.get(url).content.decode()
        assert "style=" not in page
        assert "<script>" not in page
        assert "onclick" not in page


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    last_name=st.text(max_size=120),
    first_name=st.text(max_size=120),
    birth_date=st.text(max_size=20),
    rpps=st.text(max_size=20),
)
def test_identity_form_never_crashes(db, last_name, first_name, birth_date, rpps):
    form = IdentityForm(
        {
            **IDENTITY,
            "last_name": last_name,
            "first_name": first_name,
            "birth_date": birth_date,
            "rpps": rpps,
        }
    )
    if form.is_valid():
        for value in (form.cleaned_data["last_name"], form.cleaned_data["first_name"]):
            assert value == " ".join(value.split())
            assert "<" not in value
