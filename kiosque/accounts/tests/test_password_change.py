from django.test import Client

from kiosque.accounts.models import UserSession
from kiosque.accounts.tests.conftest import NEW_PASSWORD, PASSWORD, login, signed_in_client
from kiosque.audit.models import AuditEvent


def change(client, old=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/compte/mot-de-passe/",
        {"old_password": old, "new_password1": new, "new_password2": confirm or new},
    )


def test_change_requires_sign_in(client, db):
    response = client.get("/compte/mot-de-passe/")
    assert response.status_code == 302
    assert response.url.startswith("/connexion/?next=")


def test_change_needs_the_current_password(client, user):
    signed_in_client(client, user)
    response = change(client, old="Pas-Le-Bon-123")
    page = response.content.decode()
    assert "Le mot de passe actuel est incorrect." in page
    assert NEW_PASSWORD not in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_confirmation_must_match(client, user):
    signed_in_client(client, user)
    page = change(client, confirm="Autre-Chose-2026").content.decode()
    assert "Les deux mots de passe saisis ne sont pas identiques." in page


def test_change_keeps_this_session_and_ends_the_others(client, user, smtp_server, deliver_outbox):
    other = Client()
    signed_in_client(other, user)
    signed_in_client(client, user)
    assert UserSession.objects.filter(user=user).count() == 2
    response = change(client)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/compte/historique/").status_code == 200
    assert other.get("/compte/historique/").status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="password.changed", actor=user).exists()
    assert deliver_outbox() == 1
    message = smtp_server.messages[0]
    assert message["Subject"] == "[Kiosque] Confirmation de mise à jour de mot de passe"
    assert message["To"] == user.email
    assert "Votre mot de passe a été modifié avec succès." in message.get_content()


def test_session_row_follows_the_cycled_key(client, user):
    signed_in_client(client, user)
    change(client)
    row = UserSession.objects.get(user=user)
    assert row.session_key == client.session.session_key


def test_new_password_works_at_next_login(client, user):
    signed_in_client(client, user)
    change(client)
    client.post("/deconnexion/")
    assert login(client, user.username, NEW_PASSWORD).status_code == 302


def test_wrong_current_password_is_throttled(client, user, settings):
    settings.KIOSQUE_LOGIN_DELAY_AFTER = 2
    signed_in_client(client, user)
    change(client, old="Pas-Le-Bon-123")
    change(client, old="Pas-Le-Bon-123")
    response = change(client)
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans" in response.content.decode()
