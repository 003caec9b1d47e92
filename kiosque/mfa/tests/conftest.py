"""Fixtures of the second-factor tests: users, a login waiting at the second-factor stage."""

import pytest
from django.contrib.auth import get_user_model

from kiosque.mfa.tests.helpers import PASSWORD, open_second_factor_stage


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(username=None, *, email=None, is_staff=False, password=PASSWORD):
        n = next(counter)
        username = username or f"user{n}"
        return get_user_model().objects.create_user(
            username=username,
            email=f"{username}@example.fr" if email is None else email,
            password=password,
            first_name="Nathalie",
            last_name="Petit",
            is_staff=is_staff,
        )

    return make


@pytest.fixture
def user(make_user):
    return make_user("ndupont")


@pytest.fixture
def staged_client(client, user):
    open_second_factor_stage(client, user)
    return client


@pytest.fixture(autouse=True)
def _passkey_relying_party(settings):
    from kiosque.mfa.tests.soft_authenticator import ORIGIN, RP_ID

    settings.KIOSQUE_PASSKEY_RP_ID = RP_ID
    settings.KIOSQUE_PASSKEY_ORIGINS = [ORIGIN]
