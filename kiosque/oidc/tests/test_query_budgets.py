"""Query budgets of the hot read paths, counted with a real token; and no raw code or token
in any column of the provider's tables."""

import base64

import pytest
from django.db import connection
from django.test import Client as DjangoClient

from kiosque.oidc.models import AuthorizationCode, Client, SignIn, Token
from kiosque.oidc.tests.conftest import REDIRECT_URI, in_process_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(settings, tmp_path, make_user, make_client, grant):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    settings.KIOSQUE_BASE_URL = "http://testserver"
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    code = in_process_code(client, user, scope="openid profile email", nonce="n")
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    auth = {"HTTP_AUTHORIZATION": f"Basic {basic}"}
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    tokens = DjangoClient().post("/oidc/token/", exchange, **auth).json()
    return code, tokens, auth


def test_userinfo_reads_at_most_two_queries_and_writes_nothing(
    issued, django_assert_max_num_queries
):
    _code, tokens, _auth = issued
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    with django_assert_max_num_queries(2) as captured:
        response = DjangoClient().get("/oidc/userinfo/", **bearer)
    assert response.status_code == 200
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in captured.captured_queries)


def test_introspection_reads_at_most_two_queries_and_writes_nothing(
    issued, django_assert_max_num_queries
):
    _code, tokens, auth = issued
    with django_assert_max_num_queries(2) as captured:
        response = DjangoClient().post(
            "/oidc/introspect/", {"token": tokens["access_token"]}, **auth
        )
    assert response.json()["active"] is True
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in captured.captured_queries)


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


def _statements(captured) -> list[str]:
    sqls = [q["sql"].lstrip() for q in captured.captured_queries]
    return [sql for sql in sqls if not sql.upper().startswith(TRANSACTION_CONTROL)]


def test_code_exchange_takes_four_statements(issued, django_assert_max_num_queries):
    """The code (with its sign-in, user and grant), its claim, the token and the audit event:
    the client comes from the client registry (issue 17: at most 8)."""
    _code, _tokens, auth = issued
    client = Client.objects.get()
    code = in_process_code(client, Token.objects.first().user, scope="openid profile email")
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    with django_assert_max_num_queries(4):
        response = DjangoClient().post("/oidc/token/", exchange, **auth)
    assert response.status_code == 200


def test_refresh_takes_four_statements_in_one_transaction(issued, django_assert_max_num_queries):
    """The refresh token (with its client, user, sign-in and grant), the new token, the old
    one's claim, the audit event: the client comes from the client registry (issue 17: at
    most 6)."""
    _code, tokens, auth = issued
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    # + the transaction's own SAVEPOINT and RELEASE (a test runs inside a transaction)
    with django_assert_max_num_queries(6) as captured:
        response = DjangoClient().post("/oidc/token/", refresh, **auth)
    assert response.status_code == 200
    assert len(_statements(captured)) <= 4
    sqls = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    # The new tokens and the old one's claim are in the transaction (the audit event after it).
    release = next(i for i, sql in enumerate(sqls) if sql.startswith("RELEASE SAVEPOINT"))
    writes = [i for i, sql in enumerate(sqls) if '"OIDC_TOKEN"' in sql and sql[:6] != "SELECT"]
    assert sqls[0].startswith("SAVEPOINT")
    assert len(writes) == 2 and max(writes) < release


def test_client_credentials_takes_two_statements(
    settings, tmp_path, make_client, django_assert_max_num_queries
):
    """The token and the audit event issue 17 requires for every issuance: the client comes
    from the client registry, read from the database by the first request only."""
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    client, secret = make_client(grant_types=["client_credentials"])
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    grant = {"grant_type": "client_credentials", "scope": "openid"}
    auth = {"HTTP_AUTHORIZATION": f"Basic {basic}"}
    with django_assert_max_num_queries(3):
        assert DjangoClient().post("/oidc/token/", grant, **auth).status_code == 200
    with django_assert_max_num_queries(2) as captured:
        response = DjangoClient().post("/oidc/token/", grant, **auth)
    assert response.status_code == 200
    assert all(q["sql"].lstrip().upper().startswith("INSERT") for q in captured.captured_queries)


def test_no_raw_code_or_token_in_any_column_of_the_provider_tables(issued):
    code, tokens, auth = issued
    refreshed = (
        DjangoClient()
        .post(
            "/oidc/token/",
            {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            **auth,
        )
        .json()
    )
    secrets = [code, tokens["access_token"], tokens["refresh_token"], tokens["id_token"]]
    secrets += [refreshed["access_token"], refreshed["refresh_token"]]
    dumped = []
    with connection.cursor() as cursor:
        for model in (AuthorizationCode, Token, Client, SignIn):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            dumped.extend(str(value) for row in cursor.fetchall() for value in row)
    text = "\n".join(dumped)
    assert Token.objects.count() == 2
    for value in secrets:
        assert value not in text
