import itertools
import re
import statistics
import time

import pytest

from kiosque.accounts.models import User

PASSWORD = "Ancien-Secret-2025"
NEW_PASSWORD = "Nouveau-Secret-2026"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _accounts_settings(settings):
    # Cheap argon2 parameters for speed (tests of the real cost set their own).
    settings.KIOSQUE_ARGON2_MEMORY_KIB = 64
    settings.KIOSQUE_ARGON2_TIME_COST = 1
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_LOGIN_DELAY_SECONDS = 2


@pytest.fixture
def make_user(db):
    def make(username=None, password=PASSWORD, **fields):
        n = next(_numbers)
        username = username or f"ndupont{n}"
        fields.setdefault("email", f"{username}@exemple.fr")
        fields.setdefault("first_name", "Nathalie")
        fields.setdefault("last_name", "Dupont")
        return User.objects.create_user(username=username, password=password, **fields)

    return make


@pytest.fixture
def user(make_user):
    return make_user("ndupont", email="Nathalie.Dupont@exemple.fr")


def login(client, identifier, password=PASSWORD, headers=None, **extra):
    data = {"username": identifier, "password": password, **extra}
    return client.post("/connexion/", data, headers=headers or {})


def signed_in_client(client, user, password=PASSWORD):
    response = login(client, user.username, password)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def post_stage(client, url, data):
    """POST a stage form as the browser would (with the nonce of the rendered form)."""
    nonce = client.session["_kiosque_login"]["nonce"]
    return client.post(url, {**data, "stage": nonce})


def without_csrf(content: bytes) -> str:
    """A page body without its per-client CSRF tokens (for comparing two answers)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def interleaved_medians(first, second, rounds=21) -> tuple[float, float]:
    """Median durations of two calls measured alternately, so that the load of a shared
    machine weighs on both alike (the first, warm-up round is not counted)."""
    timings = {first: [], second: []}
    for n in range(rounds + 1):
        for call in (first, second) if n % 2 else (second, first):
            start = time.perf_counter()
            call()
            if n:
                timings[call].append(time.perf_counter() - start)
    return statistics.median(timings[first]), statistics.median(timings[second])
