"""Attacks the portal must resist (issue 10, item 8). Figures: docs/reliability.md."""

import re
import statistics
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from kiosque.accounts.flows import stages
from kiosque.mfa.flows.mail_code import LOGIN_CODES
from kiosque.mfa.verification import ResendRefused
from tests.resilience import urls
from tests.resilience.actors import PASSWORD, make_user, signed_in

STAGE = "/connexion/second-facteur/"


def login(client, username, password=PASSWORD, **extra):
    return client.post("/connexion/", {"username": username, "password": password, **extra})


def text(response) -> str:
    import html

    return html.unescape(response.content.decode())


# --- brute force ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_throttled(settings):
    """One address trying one password on many accounts: the address is locked."""
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_RATE_LIMITS = {"login.ip": "30/24h"}
    accounts = [make_user() for _ in range(35)]
    sprayer = Client(REMOTE_ADDR="10.8.0.1")
    answers = [login(sprayer, a.username, "Printemps-2025!").status_code for a in accounts]
    assert answers[:30] == [200] * 30 and set(answers[30:]) == {429}
    # Even the right password of an account is refused from that address now...
    assert login(sprayer, accounts[0].username).status_code == 429
    # ...while the account itself is not locked for its owner elsewhere.
    assert login(Client(REMOTE_ADDR="10.8.0.2"), accounts[0].username).status_code == 302


@pytest.mark.django_db
def test_password_spraying_from_many_addresses_is_bounded_per_account(settings):
    """A botnet (one address per try) still has LOCK_AFTER tries per account per period."""
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_RATE_LIMITS = {"login.account": "20/24h"}
    victims = [make_user() for _ in range(3)]
    address = iter(range(1, 10_000))
    for victim in victims:
        for _ in range(20):
            n = next(address)
            login(
                Client(REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}"), victim.username, "Faux-1!aA"
            )
        right = login(Client(REMOTE_ADDR="10.9.250.1"), victim.username)
        assert right.status_code == 429
        assert "temporairement verrouillé" in text(right)


def sign_in_attempt(client) -> str:
    return client.session[stages.SESSION_KEY]["attempt_id"]


@pytest.mark.django_db
def test_mail_code_guessing_budget(settings):
    """5 tries per code, then the code is dead even for the right value; 5 codes per 15 min."""
    user = make_user()
    client = Client(REMOTE_ADDR="10.10.0.1")
    assert login(client, user.username).status_code == 302
    assert client.get(STAGE).status_code == 200  # sends the first code
    right_code = None
    current = LOGIN_CODES.latest(user, sign_in_attempt(client))  # codes belong to the attempt
    for guess in range(1_000_000):
        code = f"{guess:06d}"
        if LOGIN_CODES.code_hash(user.pk, code) == current.code_hash:
            right_code = code
            break
    wrong = "000000" if right_code != "000000" else "000001"
    for _ in range(5):
        answer = client.post(STAGE, {"action": "verify", "code": wrong, "method": "mail_code"})
        assert answer.status_code == 200
    refused = client.post(STAGE, {"action": "verify", "code": right_code, "method": "mail_code"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    current.refresh_from_db()
    assert current.attempts == 5 and current.used_at is None

    start = timezone.now() + timedelta(seconds=61)
    issued = 0
    with pytest.raises(ResendRefused) as refusal:
        for step in range(10):
            LOGIN_CODES.issue(user, now=start + timedelta(seconds=61 * step))
            issued += 1
    assert issued <= 4 and refusal.value.too_many  # 1 sent by the page + 4 = 5 per 15 minutes


def test_mail_code_success_odds_per_hour_are_small():
    """The figure of docs/reliability.md: at most 5 tries x 5 codes per 15 minutes."""
    tries_per_hour = (
        LOGIN_CODES.max_attempts * LOGIN_CODES.max_codes * (3600 // LOGIN_CODES.codes_window)
    )
    odds = 1 - (1 - 1 / 10**6) ** tries_per_hour
    assert tries_per_hour == 100
    assert odds < 1.0e-4


# --- sessions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_fixation_the_key_changes_at_each_stage(settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    user = make_user()
    client = Client(REMOTE_ADDR="10.11.0.1")
    client.get("/inscription/")
    session = client.session
    session["planted"] = "by-attacker"
    session.save()
    planted = session.session_key
    client.cookies[django_settings.SESSION_COOKIE_NAME] = planted
    assert login(client, user.username).status_code == 302
    after_password = client.session.session_key
    assert after_password != planted
    client.get(STAGE)
    code = None
    current = LOGIN_CODES.latest(user, sign_in_attempt(client))  # codes belong to the attempt
    for guess in range(1_000_000):
        if LOGIN_CODES.code_hash(user.pk, f"{guess:06d}") == current.code_hash:
            code = f"{guess:06d}"
            break
    done = client.post(STAGE, {"action": "verify", "code": code, "method": "mail_code"})
    assert done.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)
    assert client.session.session_key not in (planted, after_password)
    # The planted key opens nothing.
    attacker = Client()
    attacker.cookies[django_settings.SESSION_COOKIE_NAME] = planted
    assert attacker.get("/applications/").status_code == 302


# --- CSRF and clickjacking on every URL ----------------------------------------------------------


def _values(people) -> dict:
    return {
        "pk": people.registration.pk,
        "slug": "dcc",
        "token": "jeton",
        "action": "verrouiller",
    }


@pytest.mark.django_db
def test_every_post_without_csrf_token_is_refused(people):
    reviewer = people.reviewer
    reviewer.is_staff = reviewer.is_superuser = True
    reviewer.save()
    client = signed_in(reviewer, enforce_csrf_checks=True)
    checked = 0
    for name, route in urls.walk():
        path = urls.concrete(route, _values(people))
        response = client.post(path, {"x": "1"})
        if name in urls.CSRF_EXEMPT:
            assert response.status_code != 403 or "Formulaire expiré" not in text(response), name
            continue
        assert response.status_code == 403, (name, path, response.status_code)
        assert "Formulaire expiré" in text(response), (name, path)
        checked += 1
    assert checked > 60


@pytest.mark.django_db
def test_every_page_refuses_to_be_framed(people):
    reviewer = people.reviewer
    reviewer.is_staff = reviewer.is_superuser = True
    reviewer.save()
    client = signed_in(reviewer)
    for name, route in urls.walk():
        path = urls.concrete(route, _values(people))
        response = client.get(path)
        assert response.status_code < 500, (name, path)
        assert response.headers.get("X-Frame-Options") == "DENY", (name, path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], (name, path)


# --- open redirects ------------------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    " //evil.example",
]


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_next_never_leaves_the_site(settings, target):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    user = make_user()
    client = Client(REMOTE_ADDR="10.12.0.1")
    page = client.get("/connexion/", {"next": target})
    for value in re.findall(r'name="next" value="([^"]*)"', text(page)):
        assert url_has_allowed_host_and_scheme(value, {"testserver"}), value
    response = login(client, user.username, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/applications/"
    again = client.get("/connexion/", {"next": target})
    assert again["Location"] == "/applications/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE_NEXT[:3])
def test_logout_never_redirects_off_site(target):
    client = signed_in(make_user())
    response = client.post(f"/deconnexion/?next={target}", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/connexion/"


@pytest.mark.django_db
def test_oidc_redirect_uris_must_be_registered_exactly(make_oidc_client):
    client_row, _secret = make_oidc_client()
    user = make_user()
    from kiosque.portal.models import AccessGrant

    AccessGrant.objects.create(
        user=user, application=client_row.application, granted_at=timezone.now()
    )
    browser = signed_in(user, methods=("password", "totp"))
    for redirect_uri in [
        "https://evil.example/callback",
        "http://127.0.0.1:8765/callback/../../evil",
        "http://127.0.0.1:8765/callback?x=https://evil.example",
        "http://127.0.0.1:8765.evil.example/callback",
        "http://127.0.0.1:8765/callbackx",
    ]:
        response = browser.get(
            "/oidc/authorize/",
            {
                "response_type": "code",
                "client_id": client_row.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid",
                "state": "s",
            },
        )
        assert response.status_code in (200, 400), (redirect_uri, response.status_code)
        assert "evil" not in response.headers.get("Location", ""), redirect_uri


@pytest.mark.django_db
def test_oidc_logout_ignores_an_unregistered_post_logout_uri(make_oidc_client):
    client_row, _secret = make_oidc_client()
    browser = signed_in(make_user())
    response = browser.get(
        "/oidc/logout/",
        {
            "client_id": client_row.client_id,
            "post_logout_redirect_uri": "https://evil.example/bye",
        },
    )
    assert response.status_code < 500
    assert "evil.example" not in response.headers.get("Location", "")


# --- host header injection -----------------------------------------------------------------------


@pytest.mark.django_db
def test_links_in_emails_use_the_base_url_not_the_host_header(
    settings, smtp_server, deliver_outbox
):
    settings.KIOSQUE_BASE_URL = "https://kiosque.example.fr"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]  # even a too-wide ALLOWED_HOSTS
    settings.USE_X_FORWARDED_HOST = True
    user = make_user()
    client = Client(REMOTE_ADDR="10.13.0.1", HTTP_HOST="evil.example")
    headers = {"X-Forwarded-Host": "evil.example"}
    assert (
        client.post("/mot-de-passe-oublie/", {"email": user.email}, headers=headers).status_code
        == 302
    )
    assert (
        client.post("/identifiant-oublie/", {"email": user.email}, headers=headers).status_code
        == 302
    )
    assert deliver_outbox() == 2
    for message in smtp_server.messages:
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "evil.example" not in message.as_string()
        assert "https://kiosque.example.fr/" in body


# --- account enumeration -------------------------------------------------------------------------

VOLATILE = re.compile(
    r'(name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"|value="[^"]*@exemple\.fr"|'
    r'value="(?:inconnu|pro)\w*")'
)


def normalised(response) -> str:
    return VOLATILE.sub("", response.content.decode())


@pytest.mark.django_db
def test_login_reset_and_forgotten_login_answer_alike_for_unknown_accounts(settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    known = make_user()
    pairs = {
        "login": lambda c, who: c.post(
            "/connexion/", {"username": who, "password": "Faux-1!aAbcd"}
        ),
        "reset": lambda c, who: c.post("/mot-de-passe-oublie/", {"email": who}, follow=True),
        "forgotten": lambda c, who: c.post("/identifiant-oublie/", {"email": who}, follow=True),
    }
    for name, send in pairs.items():
        as_known = send(
            Client(REMOTE_ADDR="10.14.0.1"), known.username if name == "login" else known.email
        )
        as_unknown = send(
            Client(REMOTE_ADDR="10.14.0.2"),
            "inconnu" if name == "login" else "inconnu@exemple.fr",
        )
        assert as_known.status_code == as_unknown.status_code, name
        assert normalised(as_known) == normalised(as_unknown), name


TIMING_TRIES = 25
TIMING_BOUND_MS = 15.0


@pytest.mark.django_db
def test_login_timing_does_not_tell_known_from_unknown_accounts(settings):
    """Real argon2 cost: an unknown login hashes the typed password too. The median times of
    25 tries each must differ by less than 15 ms (docs/reliability.md gives the measure)."""
    settings.PASSWORD_HASHERS = ["kiosque.accounts.hashers.KiosqueArgon2PasswordHasher"]
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_RATE_LIMITS = {"login.account": "10000/24h", "login.ip": "10000/24h"}
    settings.KIOSQUE_LOGIN_DELAY_AFTER = 10_000
    settings.KIOSQUE_LOGIN_IP_DELAY_AFTER = 10_000
    known = make_user()
    client = Client(REMOTE_ADDR="10.15.0.1")
    timings = {"known": [], "unknown": []}
    login(client, known.username, "Faux-1!aAbcd")  # warm-up
    for attempt in range(TIMING_TRIES):
        for kind in ("known", "unknown") if attempt % 2 else ("unknown", "known"):
            who = known.username if kind == "known" else f"inconnu{attempt}"
            started = time.perf_counter()
            assert login(client, who, "Faux-1!aAbcd").status_code == 200
            timings[kind].append((time.perf_counter() - started) * 1000)
    gap = abs(statistics.median(timings["known"]) - statistics.median(timings["unknown"]))
    assert gap < TIMING_BOUND_MS, (gap, statistics.median(timings["known"]))


# --- privilege escalation and IDOR ---------------------------------------------------------------


def _role_paths(people):
    values = _values(people)
    backoffice, referent = [], []
    for name, route in urls.walk():
        if name.startswith("backoffice:") and name != "backoffice:correction":
            if name == "backoffice:account_detail" or name == "backoffice:account_action":
                values = {**values, "pk": people.user.pk}
            else:
                values = {**values, "pk": people.registration.pk}
            backoffice.append((name, urls.concrete(route, values)))
        elif name.startswith("portal:referent"):
            pk = (
                people.grant.pk
                if "grant" in name
                and "request" not in name
                or name
                in (
                    "portal:referent_roles",
                    "portal:referent_revoke",
                )
                else people.access_request.pk
            )
            referent.append((name, urls.concrete(route, {**values, "pk": pk})))
    return backoffice, referent


@pytest.mark.django_db
def test_back_office_and_referent_pages_as_every_role(people):
    backoffice, referent = _role_paths(people)
    assert len(backoffice) >= 8 and len(referent) >= 8
    clients = people.clients()
    for role, client in clients.items():
        for name, path in backoffice + referent:
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                status = response.status_code
                assert status < 500, (role, name, method, status)
                if role == "anonymous":
                    assert status in (302, 405) and (
                        status == 405 or response["Location"].startswith("/connexion/")
                    ), (role, name, method, status)
                elif (
                    name.startswith("backoffice:")
                    and role != "reviewer"
                    or name.startswith("portal:referent")
                    and role in ("user", "reviewer")
                ):
                    assert status in (403, 405), (role, name, method, status)
                elif name.startswith("portal:referent") and role == "referent_other_app":
                    is_list = name in ("portal:referent_queue", "portal:referent_grants")
                    assert status in ((200,) if is_list else (403, 404, 405)), (role, name, status)


@pytest.mark.django_db
def test_a_referent_of_another_application_sees_nothing_of_the_dcc(people):
    client = people.clients()["referent_other_app"]
    for page in ("/applications/referent/", "/applications/referent/acces/"):
        body = text(client.get(page))
        assert people.user.last_name not in body and people.other_user.last_name not in body


@pytest.mark.django_db
def test_objects_of_another_user_are_out_of_reach(people):
    """IDOR: sessions and second-factor devices named by id in URLs belong to their owner."""
    from django.contrib.sessions.models import Session

    from kiosque.accounts.models import UserSession
    from kiosque.mfa.tests.helpers import add_device

    victim_client = signed_in(people.other_user)
    victim_client.get("/compte/sessions/")
    victim_session = UserSession.objects.filter(user=people.other_user).first()
    device, _secret = add_device(people.other_user)
    attacker = people.clients()["user"]
    attempts = []
    if victim_session is not None:
        attempts.append(f"/compte/sessions/{victim_session.pk}/fermer/")
    attempts.append(f"/compte/second-facteur/{device.pk}/supprimer/")
    for path in attempts:
        response = attacker.post(path, {"password": PASSWORD})
        assert response.status_code in (302, 403, 404), (path, response.status_code)
    device.refresh_from_db()
    assert Session.objects.filter(session_key=victim_client.session.session_key).exists()
    assert victim_client.get("/applications/").status_code == 200


@pytest.mark.django_db
def test_access_request_reply_belongs_to_its_author(people):
    attacker = people.clients()["user"]
    # people.user owns the DCC request; other_user has none: the page names no one else's data.
    other = signed_in(people.other_user)
    response = other.get("/applications/dcc/demande/complement/")
    assert response.status_code in (302, 403, 404, 405)
    assert attacker.get("/applications/dcc/demande/complement/").status_code < 500
