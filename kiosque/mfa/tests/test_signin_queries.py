"""Query budgets of the sign-in with a TOTP code, request by request (docs/benchmarks.md,
"Sign-in at the hashing limit"): a budget exceeded is a lost saving (a second session write,
a user read again, one more audit or history write)."""

import pyotp
import pytest
from django.test import Client

from kiosque.mfa.tests.helpers import PASSWORD, STAGE_URL, add_device

pytestmark = pytest.mark.django_db

# At most this many queries per request.
LOGIN_PAGE = 0
# Account, limits, then the session row written once (a key never saved needs no cycling).
PASSWORD_POST = 6
# Answers with the code page (no redirect, no second GET): session, account, TOTP devices,
# the session saved; no passkey read (the mailed code already makes "choose another" true).
CHOOSE_POST = 6
# Session, account, TOTP devices (no passkey read: an accepted code draws no page), the TOTP
# attempt counter (one upsert), the step claim, mfa.verified; then one transaction (its two
# statements) holding Django's login() (new key, old row read and deleted, last_login), the
# session ledger, the connection history and login.succeeded; the session saved once.
TOTP_POST = 21


def test_each_request_of_the_sign_in_stays_within_its_query_budget(
    user, django_assert_max_num_queries
):
    _device, secret = add_device(user)
    browser = Client()
    with django_assert_max_num_queries(LOGIN_PAGE):
        assert browser.get("/connexion/").status_code == 200
    form = {"username": user.username, "password": PASSWORD}
    with django_assert_max_num_queries(PASSWORD_POST):
        assert browser.post("/connexion/", form).url == STAGE_URL
    with django_assert_max_num_queries(CHOOSE_POST):
        chosen = browser.post(STAGE_URL, {"action": "choose", "method": "totp"})
    assert chosen.status_code == 200
    assert 'autocomplete="one-time-code"' in chosen.content.decode()
    code = pyotp.TOTP(secret).now()
    with django_assert_max_num_queries(TOTP_POST):
        done = browser.post(STAGE_URL, {"action": "verify", "method": "totp", "code": code})
    assert done.url.startswith("/applications/")
    assert browser.session["_kiosque_amr"] == ["password", "totp"]


def test_the_password_writes_the_session_row_once(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_device(user)
    browser = Client()
    browser.get("/connexion/")
    with CaptureQueriesContext(connection) as queries:
        browser.post("/connexion/", {"username": user.username, "password": PASSWORD})
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # A key never saved before: the row is inserted with the login state, never rewritten.
    assert len(writes) == 1 and writes[0].startswith("INSERT"), writes


@pytest.mark.django_db(transaction=True)
def test_the_sign_in_writes_are_one_transaction(user):
    """Django's login() and what user_logged_in writes (ledger, history, audit) commit
    together: one commit, and no session opened with half of its records."""
    from django.contrib.auth.signals import user_logged_in
    from django.db import connection

    _device, secret = add_device(user)
    browser = Client()
    browser.post("/connexion/", {"username": user.username, "password": PASSWORD})
    browser.post(STAGE_URL, {"action": "choose", "method": "totp"})
    seen = []

    def observe(sender, **kwargs):
        seen.append(connection.in_atomic_block)

    user_logged_in.connect(observe)
    try:
        code = pyotp.TOTP(secret).now()
        browser.post(STAGE_URL, {"action": "verify", "method": "totp", "code": code})
    finally:
        user_logged_in.disconnect(observe)
    assert seen == [True]
