"""The sign-out's hook (accounts/signout.py): another app says where the browser goes next."""

import pytest
from django.contrib.sessions.models import Session

from kiosque.accounts import signout
from kiosque.accounts.tests.conftest import signed_in_client

IDP_LOGOUT = "https://idp.example/logout?id_token_hint=t"


@pytest.fixture
def receivers():
    """Connects receivers of `redirect_requested` for one test; each notes who was asked."""
    asked, uids = [], []

    def connect(answer):
        def receiver(sender, request, **kwargs):
            asked.append((answer, request.user.get_username()))
            return answer

        uids.append(f"test.signout.{len(uids)}")
        signout.redirect_requested.connect(receiver, weak=False, dispatch_uid=uids[-1])

    yield connect, asked
    for uid in uids:
        signout.redirect_requested.disconnect(dispatch_uid=uid)


def test_the_sign_out_goes_to_the_first_url_a_receiver_returns(client, user, receivers):
    connect, asked = receivers
    connect("")
    connect(IDP_LOGOUT)
    connect("https://other.example/")
    signed_in_client(client, user)
    key = client.session.session_key
    response = client.post("/deconnexion/")
    assert response.headers["Location"] == IDP_LOGOUT
    # Asked while the session still held the sign-in; then the session ended.
    assert [who for _answer, who in asked] == [user.username] * 3
    assert not Session.objects.filter(session_key=key).exists()


def test_with_no_url_returned_the_sign_out_goes_to_the_sign_in_page(client, user, receivers):
    connect, asked = receivers
    connect("")
    signed_in_client(client, user)
    assert client.post("/deconnexion/").headers["Location"] == "/connexion/"
    assert asked == [("", user.username)]
