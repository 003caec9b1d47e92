"""The code page's "choose another second factor" button, now that a code posted or a method
chosen reads only the chosen method: it is still drawn exactly when another method is offered,
whichever method that is (a passkey, the TOTP application, the mailed code)."""

import pytest
from django.utils import timezone

from kiosque.mfa.models import Passkey
from kiosque.mfa.tests.helpers import STAGE_URL, add_device, open_second_factor_stage

pytestmark = pytest.mark.django_db

CHANGE = 'value="change"'


def add_passkey(user):
    return Passkey.objects.create(
        user=user,
        name="Clé USB",
        credential_id=b"cred-" + str(user.pk).encode(),
        public_key=b"key",
        user_handle=b"handle",
        created_at=timezone.now(),
    )


def code_page_after_choosing(client, user, method="totp") -> str:
    open_second_factor_stage(client, user)
    answer = client.post(STAGE_URL, {"action": "choose", "method": method})
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.parametrize(
    ("email", "passkey", "offered_another"),
    [
        ("", False, False),  # TOTP alone: no choice to go back to
        ("", True, True),  # TOTP and a passkey
        (None, False, True),  # TOTP and the mailed code
        (None, True, True),
    ],
)
def test_choose_another_is_offered_exactly_when_another_method_is(
    client, make_user, email, passkey, offered_another
):
    user = make_user(email=email)
    add_device(user)
    if passkey:
        add_passkey(user)
    html = code_page_after_choosing(client, user)
    assert 'autocomplete="one-time-code"' in html
    assert (CHANGE in html) is offered_another
    wrong = client.post(STAGE_URL, {"action": "verify", "method": "totp", "code": "000000"})
    assert wrong.status_code == 200 and (CHANGE in wrong.content.decode()) is offered_another


def test_a_method_not_offered_is_not_chosen(client, make_user):
    user = make_user(email="")
    add_device(user)
    add_passkey(user)
    open_second_factor_stage(client, user)
    answer = client.post(STAGE_URL, {"action": "choose", "method": "mail_code"})
    html = answer.content.decode()
    assert answer.status_code == 200 and "Choisissez votre second facteur" in html
    assert 'value="mail_code"' not in html


def test_choosing_totp_reads_no_passkey_when_the_mailed_code_is_offered_too(client, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user()
    add_device(user)
    open_second_factor_stage(client, user)
    with CaptureQueriesContext(connection) as queries:
        client.post(STAGE_URL, {"action": "choose", "method": "totp"})
    assert not [q for q in queries.captured_queries if "mfa_passkey" in q["sql"]]


def test_a_passkey_chosen_after_the_totp_opens_the_passkey_page(client, make_user):
    user = make_user(email="")
    add_device(user)
    add_passkey(user)
    code_page_after_choosing(client, user, "totp")
    answer = client.post(STAGE_URL, {"action": "choose", "method": "passkey"})
    html = answer.content.decode()
    assert answer.status_code == 200 and 'autocomplete="one-time-code"' not in html
    assert "<h1>Clé d'accès</h1>" in html
