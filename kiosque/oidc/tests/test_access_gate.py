"""No code for an application the user has not been granted; a French page instead."""

import pytest

from kiosque.oidc.models import AuthorizationCode
from kiosque.oidc.tests.conftest import authorize, redirect_params

pytestmark = pytest.mark.django_db(transaction=True)


def test_user_without_access_gets_the_request_page_and_no_code(
    provider, make_user, make_client, signed_in
):
    client, _secret = make_client()
    user = make_user()
    response = authorize(signed_in(user), provider, client)
    assert response.status_code == 403
    assert "Vous n'avez pas encore accès à cette application" in response.text
    assert "Demander l" in response.text
    assert "code=" not in response.headers.get("Location", "")
    assert not AuthorizationCode.objects.exists()


def test_prompt_none_without_access_is_access_denied(provider, make_user, make_client, signed_in):
    client, _secret = make_client()
    params = redirect_params(
        authorize(signed_in(make_user()), provider, client, extra={"prompt": "none"})
    )
    assert params["error"] == "access_denied"


def test_deactivated_user_gets_no_code(provider, make_user, make_client, grant, signed_in):
    client, _secret = make_client()
    user = make_user()
    grant(user, client)
    browser = signed_in(user)
    user.is_active = False
    user.save()
    response = authorize(browser, provider, client)
    assert "code=" not in response.headers.get("Location", "")
