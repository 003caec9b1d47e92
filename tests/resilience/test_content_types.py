"""ASVS 13.1.5 / 13.2.5: a body of an unexpected Content-Type is refused (415), never a 5xx;
the JSON GET endpoints ignore a Content-Type they have no body to read for."""

import json

import pytest
from django.test import Client

from tests.resilience.test_headers import assert_security_headers

FORM_POSTS = ["/connexion/", "/inscription/", "/deconnexion/", "/mot-de-passe-oublie/"]
OAUTH_POSTS = ["/oidc/token/", "/oidc/introspect/", "/oidc/revoke/", "/oidc/userinfo/"]
WRONG_BODIES = [
    ("application/json", b'{"grant_type": "client_credentials", "username": "x"}'),
    ("application/xml", b"<grant_type>client_credentials</grant_type>"),
    ("text/plain", b"grant_type=client_credentials"),
    ("application/octet-stream", b"\x00\x01\x02"),
    ("", b"grant_type=client_credentials"),  # no Content-Type at all
    ("application/x-www-form-urlencodedx", b"grant_type=client_credentials"),
]


def post_raw(client, path, content_type, body):
    extra = {"CONTENT_TYPE": content_type} if content_type else {}
    return client.generic("POST", path, body, **extra)


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORM_POSTS + OAUTH_POSTS)
def test_a_body_of_an_unexpected_type_is_refused_with_415(path):
    for content_type, body in WRONG_BODIES:
        response = post_raw(Client(), path, content_type, body)
        assert response.status_code == 415, (path, content_type, response.status_code)
        assert "application/x-www-form-urlencoded" in response["Accept-Post"]
        assert_security_headers(response, f"{path} {content_type}")
        if path.startswith("/oidc/"):
            assert response.json()["error"] == "invalid_request"
        else:
            assert "Format de requête refusé" in response.content.decode()


@pytest.mark.django_db
def test_form_encodings_still_reach_the_views(make_user, make_oidc_client):
    from tests.resilience.actors import PASSWORD

    user = make_user()
    signed = Client().post("/connexion/", {"username": user.username, "password": PASSWORD})
    assert signed.status_code == 302  # multipart (the test client's default)
    urlencoded = Client().generic(
        "POST",
        "/connexion/",
        f"username={user.username}&password={PASSWORD}",
        CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert urlencoded.status_code == 302
    client, secret = make_oidc_client()
    token = Client().generic(
        "POST",
        "/oidc/token/",
        "grant_type=nonsense",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(client.client_id, secret),
    )
    assert token.status_code == 400 and token.json()["error"] == "unsupported_grant_type"


def basic(client_id, secret):
    import base64

    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORM_POSTS + OAUTH_POSTS)
def test_malformed_form_bodies_answer_4xx_never_5xx(path):
    bodies = [
        ("multipart/form-data", b"--x\r\nnot a part\r\n"),  # no boundary parameter
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: nonsense\r\n\r\n"),
        ("application/x-www-form-urlencoded; charset=no-such-charset", b"a=%FF%FE&b=\xff"),
        ("application/x-www-form-urlencoded", b"%%%%&&&===" * 50),
    ]
    for content_type, body in bodies:
        response = post_raw(Client(), path, content_type, body)
        assert 400 <= response.status_code < 500 or response.status_code in (200, 302), (
            path,
            content_type,
            response.status_code,
        )


@pytest.mark.django_db
def test_json_get_endpoints_ignore_a_content_type_and_answer_json(make_user):
    from kiosque.directory.models import Establishment
    from kiosque.directory.services.indexing import save_establishment

    save_establishment(
        Establishment(finess="280000134", name="CH DE DREUX", city="DREUX", postal_code="28100")
    )
    for path in ("/annuaire/etablissements/?q=DREUX", "/dev/mailbox.json"):
        for content_type in ("application/xml", "text/plain", "multipart/form-data"):
            response = Client().get(path, CONTENT_TYPE=content_type)
            assert response.status_code == 200, (path, content_type)
            assert response["Content-Type"].startswith("application/json")
            json.loads(response.content)
    userinfo = Client().get("/oidc/userinfo/", CONTENT_TYPE="application/xml")
    assert userinfo.status_code == 401  # no token: refused, whatever the type


def test_over_a_real_server_too(cluster):
    """Through gunicorn: raw bodies and types as a client could send them."""
    import requests

    for path in OAUTH_POSTS + ["/connexion/"]:
        for content_type, body in WRONG_BODIES:
            headers = {"Content-Type": content_type} if content_type else {}
            response = requests.post(cluster.a + path, data=body, headers=headers, timeout=30)
            assert response.status_code == 415, (path, content_type, response.status_code)
        broken = requests.post(
            cluster.b + path,
            data=b"--x\r\nnot a part\r\n",
            headers={"Content-Type": "multipart/form-data"},
            timeout=30,
        )
        assert 400 <= broken.status_code < 500, (path, broken.status_code)
