"""Attacks the sign-in must resist: skipped or replayed stages, stale tabs, open redirects,
session fixation, enumeration by timing, secrets in the audit log or the URL."""

import pytest
from django.test import Client
from django.urls import reverse

from kiosque.accounts.flows import credentials, stages
from kiosque.accounts.tests.conftest import PASSWORD, interleaved_medians, login, post_stage
from kiosque.audit.models import AuditEvent

FORCED = "/connexion/nouveau-mot-de-passe/"
CHOSEN = {"new_password1": "Mon-Choix-Perso-7", "new_password2": "Mon-Choix-Perso-7"}


def test_later_stage_url_without_a_login_goes_to_the_login_page(client, db):
    response = client.get(FORCED)
    assert response.status_code == 302
    assert response.url == "/connexion/"
    assert client.post(FORCED, CHOSEN).url == "/connexion/"


def test_a_stage_cannot_be_skipped(client, user, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    credentials.force_password_change(user, "reviewer")
    login(client, "ndupont")
    # The password change is not open while the second factor is pending.
    assert stages.serving(_request_for(client), stages.Stage.PASSWORD_CHANGE) is None
    with pytest.raises(stages.StageError):
        _complete_in(client, stages.Stage.PASSWORD_CHANGE)
    assert "_auth_user_id" not in client.session


def test_the_temporary_password_alone_cannot_set_the_permanent_one(client, user, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)
    response = login(client, "ndupont", "Temporaire-Mdp-42")
    assert response.url == reverse("mfa:second_factor")
    nonce = client.session["_kiosque_login"]["nonce"]
    assert client.get(FORCED).url == reverse("mfa:second_factor")
    response = client.post(FORCED, {**CHOSEN, "stage": nonce})
    assert response.url == reverse("mfa:second_factor")
    user.refresh_from_db()
    assert user.check_password("Temporaire-Mdp-42")
    assert user.must_change_password
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(actor=user, action="password.changed").exists()


def test_a_passed_stage_cannot_be_replayed(client, user, settings):
    credentials.force_password_change(user, "reviewer")
    login(client, "ndupont")
    nonce = client.session["_kiosque_login"]["nonce"]
    response = client.post(FORCED, {**CHOSEN, "stage": nonce})
    assert response.url == settings.LOGIN_REDIRECT_URL
    other = {"new_password1": "Tout-Autre-Mdp-9", "new_password2": "Tout-Autre-Mdp-9"}
    replay = client.post(FORCED, {**other, "stage": nonce})
    assert replay.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mon-Choix-Perso-7")


def test_a_stale_tab_cannot_act_on_another_login(client, user, make_user):
    victim = make_user("victime")
    credentials.force_password_change(user, "reviewer")
    credentials.force_password_change(victim, "reviewer")
    login(client, "ndupont")
    stale_nonce = client.session["_kiosque_login"]["nonce"]
    login(client, "victime")  # a second tab starts another login in the same session
    response = client.post(FORCED, {**CHOSEN, "stage": stale_nonce})
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
    assert post_stage(client, FORCED, CHOSEN).status_code == 302
    victim.refresh_from_db()
    assert victim.check_password("Mon-Choix-Perso-7")


def test_a_stage_expires_after_thirty_minutes(client, user, clock):
    credentials.force_password_change(user, "reviewer")
    login(client, "ndupont")
    clock.advance(minutes=31)
    assert client.get(FORCED).url == "/connexion/"


def test_session_key_changes_at_every_stage_transition(client, user):
    credentials.force_password_change(user, "reviewer")
    client.get("/connexion/")
    keys = [client.session.session_key]
    login(client, "ndupont")
    keys.append(client.session.session_key)
    post_stage(client, FORCED, CHOSEN)
    keys.append(client.session.session_key)
    assert len(set(keys)) == 3


def test_open_redirect_in_next_is_ignored(client, user, settings):
    response = login(client, "ndupont", next="https://evil.example/voler")
    assert response.url == settings.LOGIN_REDIRECT_URL
    page = Client().get("/connexion/?next=//evil.example/").content.decode()
    login_form = page[page.index('action="/connexion/"') : page.index("</form>")]
    assert "evil.example" not in login_form


def test_passwords_never_reach_the_audit_log(client, user):
    login(client, "ndupont", "Mauvais-Secret-1")
    login(client, "ndupont", PASSWORD)
    dump = " ".join(str(event.context) for event in AuditEvent.objects.all())
    assert "Mauvais-Secret-1" not in dump and PASSWORD not in dump


def test_reset_page_without_the_token_in_its_url_and_referrer_policy(client, user):
    client.post("/mot-de-passe-oublie/", {"email": user.email})
    from kiosque.mail.models import OutboxMessage

    text = OutboxMessage.objects.get().text_body
    path = "/" + text.split("http://127.0.0.1:8000/", 1)[1].split()[0]
    token = path.rstrip("/").rsplit("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 302 and token not in response.url
    page = client.get(response.url)
    assert token not in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"


def test_unknown_login_takes_as_long_as_a_wrong_password(client, user, settings):
    """The real argon2 cost: medians over 21 tries each, within a factor of 2."""
    settings.KIOSQUE_ARGON2_MEMORY_KIB = 19 * 1024
    settings.KIOSQUE_ARGON2_TIME_COST = 2
    settings.KIOSQUE_LOGIN_DELAY_AFTER = 1000
    settings.KIOSQUE_LOGIN_IP_DELAY_AFTER = 1000
    settings.KIOSQUE_RATE_LIMITS = {"login.account": "1000/24h", "login.ip": "1000/24h"}
    credentials.set_password(user, PASSWORD)  # hash with the real parameters

    known, unknown = interleaved_medians(
        lambda: login(client, "ndupont", "Mauvais-Secret-1"),
        lambda: login(client, "personne", "Mauvais-Secret-1"),
    )
    assert 0.5 < known / unknown < 2.0, (known, unknown)


def _request_for(client):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=client.session.session_key)
    return request


def _complete_in(client, stage):
    return stages.complete(_request_for(client), stage, method="totp")
