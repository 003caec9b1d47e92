"""Helpers of the second-factor tests."""

import re
import time
from dataclasses import asdict

from django.test import Client
from django.utils import timezone

from kiosque.accounts.flows import stages
from kiosque.core import crypto
from kiosque.mfa import totp
from kiosque.mfa.models import TOTPDevice

PASSWORD = "Correct-Horse-42!"
CODE_IN_MAIL = re.compile(r"Votre code d'authentification unique est : (\d{6})\.")
STAGE_URL = "/connexion/second-facteur/"


def add_device(user, name="MyTOTP", secret=None) -> tuple[TOTPDevice, str]:
    secret = secret or totp.new_secret()
    device = TOTPDevice.objects.create(
        user=user, name=name, encrypted_secret=crypto.encrypt(secret), created_at=timezone.now()
    )
    return device, secret


def open_second_factor_stage(client: Client, user) -> None:
    """Put `client` where the password stage leaves it: the second factor is the open stage.

    The session is written as stages.begin() writes it, without a test-only view.
    """
    session = client.session
    state = stages.LoginState(
        user_id=user.pk, pending=[str(stages.Stage.SECOND_FACTOR)], methods=["password"]
    )
    session[stages.SESSION_KEY] = asdict(state)
    session.save()


def post_stage(client, **data):
    return client.post(STAGE_URL, data)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def code_from(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = CODE_IN_MAIL.search(body)
    assert match, body
    return match.group(1)


def current_totp(secret: str, for_time: float | None = None) -> str:
    return totp.code_at_step(secret, totp.time_step(for_time or time.time()))


def enrol_passkey(client, authenticator, name="Clé USB", **create_kwargs):
    """Enrol `authenticator` for the user signed in on `client`; the enrol answer."""
    options = client.post("/compte/second-facteur/cle-d-acces/options/").json()["publicKey"]
    credential = authenticator.create(options, **create_kwargs)
    return client.post(
        "/compte/second-facteur/cle-d-acces/ajouter/", {"name": name, "credential": credential}
    )


def passkey_sign_in(client, authenticator, *, next_url="", **get_kwargs):
    """A passwordless sign-in from the login page; the JSON answer's response."""
    options = client.post("/connexion/cle-d-acces/options/").json()["publicKey"]
    credential = authenticator.get(options, **get_kwargs)
    return client.post("/connexion/cle-d-acces/", {"credential": credential, "next": next_url})


def passkey_second_factor(client, authenticator, **get_kwargs):
    options = client.post("/connexion/second-facteur/cle-d-acces/options/").json()["publicKey"]
    credential = authenticator.get(options, **get_kwargs)
    return client.post("/connexion/second-facteur/cle-d-acces/", {"credential": credential})
