"""`kiosque rotate-oidc-client-secret`: a new 256-bit secret, printed once; the old one dies."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_rotation_prints_a_new_secret_once_and_the_old_one_stops_working(make_client):
    client, old = make_client()
    out = io.StringIO()
    call_command("rotate_oidc_client_secret", client.client_id, stdout=out)
    new = re.search(r"secret : (\S+)", out.getvalue()).group(1)
    assert new != old and len(new) >= 43
    client.refresh_from_db()
    assert new not in client.client_secret_hash
    assert client.check_client_secret(new)
    assert not client.check_client_secret(old)
    assert client.secret_rotated_at is not None


def test_an_unknown_client_or_a_client_without_secret_is_refused(make_client):
    with pytest.raises(CommandError):
        call_command("rotate_oidc_client_secret", "nobody", stdout=io.StringIO())
    public, _ = make_client(auth_method="none")
    with pytest.raises(CommandError):
        call_command("rotate_oidc_client_secret", public.client_id, stdout=io.StringIO())
