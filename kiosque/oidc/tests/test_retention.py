"""Codes and tokens are purged a day after they expired, not before."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kiosque.oidc.flows import retention
from kiosque.oidc.models import AuthorizationCode, SignIn, Token

pytestmark = pytest.mark.django_db


def test_expired_codes_and_tokens_go_after_a_day(make_user, make_client):
    client, _secret = make_client()
    user = make_user()
    now = timezone.now()
    sign_in = SignIn.objects.create(user=user, amr=[], acr="x", auth_time=now)
    old, recent = now - timedelta(days=2), now - timedelta(hours=2)
    for number, expires in enumerate((old, recent)):
        AuthorizationCode.objects.create(
            code_hash=f"c{number}", client=client, sign_in=sign_in, redirect_uri="x",
            scope="openid", expires_at=expires,
        )  # fmt: skip
    issued = {"client": client, "user": user, "scope": "openid", "expires_at": old}
    Token.objects.create(
        access_token_hash="a1", refresh_token_hash="r1", refresh_expires_at=old, **issued
    )
    # Its refresh token still lives: kept.
    Token.objects.create(
        access_token_hash="a2", refresh_token_hash="r2", refresh_expires_at=now, **issued
    )
    Token.objects.create(client=client, access_token_hash="a3", scope="openid", expires_at=old)
    assert retention.purge(now) == 3
    assert list(AuthorizationCode.objects.values_list("code_hash", flat=True)) == ["c1"]
    assert list(Token.objects.values_list("access_token_hash", flat=True)) == ["a2"]
