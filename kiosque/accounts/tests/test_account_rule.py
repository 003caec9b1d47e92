"""One rule for "may this account authenticate now" (accounts.backends): every account state
against every entry that signs someone in or acts for an account."""

import base64
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from kiosque.accounts import roles
from kiosque.accounts.flows import expiry, forgotten_login, reset
from kiosque.accounts.models import PasswordResetToken, User
from kiosque.accounts.tests.conftest import PASSWORD, login
from kiosque.mail.models import OutboxMessage
from kiosque.oidc.flows import clients, psc_login
from kiosque.oidc.tests.conftest import REDIRECT_URI, pkce_pair
from kiosque.oidc.tests.factories import professional
from kiosque.portal.flows import decide
from kiosque.portal.models import AccessGrant, AccessRequest, Application

pytestmark = pytest.mark.django_db


def _now():
    return timezone.now()


# Each state: the fields set on an account that was active, and whether it may authenticate.
STATES = {
    "active": ({}, True),
    "inactive": ({"is_active": False}, False),
    "deactivated": ({"deactivated_at": "now"}, False),  # is_active left True: the old gap
    "locked": ({"is_locked": True}, False),
    "locked_until_later": ({"is_locked": True, "locked_until": "+1h"}, False),
    "lock_ended": ({"is_locked": True, "locked_until": "-1h"}, True),
}


def _apply(user, state: str) -> None:
    """Put `user` in `state` directly in the database (no flow that would end sessions)."""
    fields = {}
    for name, value in STATES[state][0].items():
        if value == "now":
            value = _now()
        elif value == "+1h":
            value = _now() + timedelta(hours=1)
        elif value == "-1h":
            value = _now() - timedelta(hours=1)
        fields[name] = value
    User.objects.filter(pk=user.pk).update(**fields)
    user.refresh_from_db()


def _request_with_session():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


# --- the entries: each returns True when it let the account in ------------------------------


def password_sign_in(user, state, ctx):
    _apply(user, state)
    client = Client()
    response = login(client, user.username, PASSWORD)
    return response.status_code == 302 and "_auth_user_id" in client.session


def psc_sign_in(user, state, ctx):
    professional(user, rpps="10000000009")
    _apply(user, state)
    request = _request_with_session()
    response = psc_login.finish(request, {"SubjectNameID": "810000000009"}, "")
    return response != "unusable" and "_auth_user_id" in request.session


def login_stage(user, state, ctx):
    """A sign-in waiting at its second factor when the account changes."""
    from kiosque.mfa.tests.helpers import STAGE_URL, open_second_factor_stage

    client = Client()
    open_second_factor_stage(client, user)
    _apply(user, state)
    return client.get(STAGE_URL).status_code == 200


def reset_request(user, state, ctx):
    _apply(user, state)
    reset.request_reset(_request_with_session(), user.email)
    return PasswordResetToken.objects.filter(user=user).exists()


def reset_link(user, state, ctx):
    token = secrets.token_urlsafe(32)
    PasswordResetToken.objects.create(
        user=user, token_hash=reset.hash_token(token), expires_at=reset.valid_until()
    )
    _apply(user, state)
    request = _request_with_session()
    reset.remember_token(request, token)
    return reset.pending_token(request) is not None


def forgotten_login_mail(user, state, ctx):
    _apply(user, state)
    forgotten_login.send_login(_request_with_session(), user.email)
    return OutboxMessage.objects.filter(to__icontains=user.email).exists()


def expiry_reminder(user, state, ctx):
    User.objects.filter(pk=user.pk).update(password_changed_at=_now() - timedelta(days=120))
    _apply(user, state)
    return expiry.send_reminders() == 1


def open_session(user, state, ctx):
    """A session opened while the account could sign in, then its next request."""
    client = Client()
    client.force_login(user)
    _apply(user, state)
    response = client.get("/applications/")
    return response.status_code == 200 and "_auth_user_id" in client.session


def portal(user, state, ctx):
    from kiosque.portal.services.access import applications_for, has_access

    application = ctx["application"]
    _apply(user, state)
    return has_access(user, application) and bool(applications_for(user))


def _authorize(client, oidc_client, challenge):
    params = {
        "response_type": "code",
        "client_id": oidc_client.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "state": "s",
        "nonce": "n",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return client.get(f"/oidc/authorize/?{urlencode(params)}")


def _code(response) -> str | None:
    if response.status_code != 302:
        return None
    return parse_qs(urlsplit(response.url).query).get("code", [None])[0]


def _token(ctx, data):
    credentials = f"{ctx['oidc'].client_id}:{ctx['secret']}".encode()
    return Client().post(
        "/oidc/token/",
        data,
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(credentials).decode(),
    )


def _signed_in(user) -> Client:
    """A browser that passed the password and a mailed code (the applications' default level)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["_kiosque_amr"] = ["password", "mail_code"]
    session.save()
    return client


def _code_for(user, ctx):
    client = _signed_in(user)
    verifier, challenge = pkce_pair()
    return _code(_authorize(client, ctx["oidc"], challenge)), verifier


def _tokens_for(user, ctx) -> dict:
    code, verifier = _code_for(user, ctx)
    reply = _token(
        ctx,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
    )
    assert reply.status_code == 200, reply.content
    return reply.json()


def oidc_authorize(user, state, ctx):
    client = _signed_in(user)
    _apply(user, state)
    _verifier, challenge = pkce_pair()
    return _code(_authorize(client, ctx["oidc"], challenge)) is not None


def oidc_token(user, state, ctx):
    code, verifier = _code_for(user, ctx)
    _apply(user, state)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    return _token(ctx, data).status_code == 200


def oidc_refresh(user, state, ctx):
    tokens = _tokens_for(user, ctx)
    _apply(user, state)
    reply = _token(ctx, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    return reply.status_code == 200


def oidc_userinfo(user, state, ctx):
    tokens = _tokens_for(user, ctx)
    _apply(user, state)
    reply = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    return reply.status_code == 200


def referent_grant(user, state, ctx):
    application = ctx["application"]
    AccessGrant.objects.filter(user=user).delete()
    access_request = AccessRequest.objects.create(user=user, application=application)
    _apply(user, state)
    try:
        decide.grant(ctx["referent"], access_request, [])
    except ValidationError:
        return False
    return True


ENTRIES = [
    password_sign_in,
    psc_sign_in,
    login_stage,
    reset_request,
    reset_link,
    forgotten_login_mail,
    expiry_reminder,
    open_session,
    portal,
    oidc_authorize,
    oidc_token,
    oidc_refresh,
    oidc_userinfo,
    referent_grant,
]


@pytest.fixture
def ctx(settings, tmp_path, make_user):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    application = Application.objects.create(
        slug="dcc", name="DCC", launch_url="https://dcc.example.org/", requires_request=True
    )
    oidc, secret = clients.register(application, redirect_uris=[REDIRECT_URI])
    referent = make_user("referent")
    referent.groups.add(Group.objects.get_or_create(name=roles.APPLICATION_REFERENTS)[0])
    application.referents.add(referent)
    return {"application": application, "oidc": oidc, "secret": secret, "referent": referent}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.__name__)
def test_every_entry_applies_the_one_account_rule(entry, state, ctx, make_user):
    user = make_user()
    AccessGrant.objects.create(user=user, application=ctx["application"], granted_at=_now())
    assert entry(user, state, ctx) is STATES[state][1]
