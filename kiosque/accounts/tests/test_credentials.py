from datetime import timedelta

from django.test import Client

from kiosque.accounts.flows import credentials
from kiosque.accounts.models import PasswordChangeReason
from kiosque.accounts.tests.conftest import PASSWORD, login, signed_in_client


def test_temporary_password_sets_reason_and_expiry(user, clock):
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)
    user.refresh_from_db()
    assert user.must_change_password
    assert user.must_change_reason == PasswordChangeReason.TEMPORARY
    assert user.temporary_password_expires_at == clock.current + timedelta(days=7)


def test_expired_temporary_password_is_refused_with_a_french_message(client, user, clock):
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)
    clock.advance(days=7, seconds=1)
    response = login(client, "ndupont", "Temporaire-Mdp-42")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Votre mot de passe temporaire a expiré le" in page
    assert "_kiosque_login" not in client.session


def test_temporary_password_only_opens_the_forced_change(client, user):
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)
    login(client, "ndupont", "Temporaire-Mdp-42")
    assert client.get("/compte/historique/").status_code == 302
    assert client.get("/compte/mot-de-passe/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_lock_refuses_sign_in_and_ends_sessions(client, user):
    other = Client()
    signed_in_client(other, user)
    credentials.lock(user, "Usage suspect")
    assert other.get("/compte/historique/").status_code == 302
    page = login(client, "ndupont", PASSWORD).content.decode()
    assert "Ce compte est verrouillé" in page
    credentials.unlock(user)
    assert login(client, "ndupont", PASSWORD).status_code == 302


def test_lock_until_a_date_expires(client, user, clock):
    credentials.lock(user, "Vérification", until=clock.current + timedelta(hours=1))
    assert "verrouillé jusqu" in login(client, "ndupont").content.decode()
    clock.advance(hours=1, seconds=1)
    assert login(client, "ndupont").status_code == 302


def test_wrong_password_on_a_locked_account_says_only_wrong_credentials(client, user):
    credentials.lock(user, "Usage suspect")
    page = login(client, "ndupont", "Mauvais-Secret-1").content.decode()
    assert "Identifiant ou mot de passe incorrect." in page
    assert "verrouillé" not in page
