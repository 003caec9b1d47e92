"""Step-up: a signed-in session asked for a stronger means by an application (the OIDC
side is in kiosque/oidc/tests/conformance/test_kiosque_step_up.py)."""

from dataclasses import asdict

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from kiosque.mfa import levels
from kiosque.mfa.flows import step_up
from kiosque.mfa.tests.helpers import add_device, current_totp, enrol_passkey
from kiosque.mfa.tests.soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db

URL = "/connexion/authentification-renforcee/"
NEXT = "/oidc/authorize/?client_id=dcc&scope=openid"


def _signed_in(client, user, methods=("password", "mail_code")):
    if "_auth_user_id" not in client.session:
        client.force_login(user)
    session = client.session
    session["_kiosque_amr"] = list(methods)
    session.save()


def _asked(client, user, level, application="DCC"):
    """The session as the authorization endpoint leaves it (step_up.begin)."""
    session = client.session
    state = step_up.StepUp(user_id=user.pk, level=level, next_url=NEXT, application=application)
    session[step_up.SESSION_KEY] = asdict(state)
    session.save()


def _level(client):
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    return levels.session_level(request), levels.session_amr(request)


def test_a_passkey_raises_the_session_to_passkey(client, user):
    client.force_login(user)
    authenticator = SoftAuthenticator()
    enrol_passkey(client, authenticator)
    _signed_in(client, user)
    _asked(client, user, levels.PASSKEY)
    page = client.get(URL).content.decode()
    assert "Une authentification plus forte est demandée" in page
    assert "DCC demande un moyen" in page
    key_before = client.session.session_key
    options = client.post(f"{URL}cle-d-acces/options/").json()["publicKey"]
    answer = client.post(f"{URL}cle-d-acces/", {"credential": authenticator.get(options)})
    assert answer.json() == {"redirect": NEXT}
    assert client.session["_kiosque_amr"] == ["password", "mail_code", "passkey"]
    assert _level(client) == (levels.PASSKEY, ["pwd", "otp", "hwk", "user", "mfa"])
    assert client.session.session_key != key_before
    assert step_up.SESSION_KEY not in client.session  # once


def test_only_the_means_reaching_the_level_are_offered(client, user):
    add_device(user)
    client.force_login(user)
    enrol_passkey(client, SoftAuthenticator())
    _signed_in(client, user)
    _asked(client, user, levels.TOTP)
    page = client.get(URL).content.decode()
    assert "Choisissez votre second facteur" in page
    assert 'value="passkey"' in page and 'value="totp"' in page
    assert 'value="mail_code"' not in page


def test_totp_does_not_reach_passkey(client, user):
    _device, secret = add_device(user)
    _signed_in(client, user)
    _asked(client, user, levels.PASSKEY)
    page = client.get(URL)
    assert page.status_code == 403
    assert "Gestionnaire 2ndFA" in page.content.decode()
    refused = client.post(URL, {"action": "verify", "method": "totp", "code": current_totp(secret)})
    assert refused.status_code == 403
    assert _level(client)[0] == levels.MAIL_CODE


def test_a_wrong_totp_code_leaves_the_level(client, user):
    add_device(user)
    _signed_in(client, user)
    _asked(client, user, levels.TOTP)
    client.get(URL)
    answer = client.post(URL, {"action": "verify", "method": "totp", "code": "000000"})
    assert answer.status_code == 200
    assert _level(client)[0] == levels.MAIL_CODE


def test_another_accounts_step_up_is_ignored(client, user, make_user):
    _device, secret = add_device(user)
    _signed_in(client, user)
    _asked(client, make_user(), levels.TOTP)
    assert client.get(URL)["Location"] == "/applications/"
    client.post(URL, {"action": "verify", "method": "totp", "code": current_totp(secret)})
    assert _level(client)[0] == levels.MAIL_CODE


def test_the_passkey_endpoints_need_a_step_up_asked_for(client, user):
    client.force_login(user)
    enrol_passkey(client, SoftAuthenticator())
    _signed_in(client, user)
    assert client.post(f"{URL}cle-d-acces/options/").status_code == 403
    assert client.post(f"{URL}cle-d-acces/", {"credential": "{}"}).status_code == 403
