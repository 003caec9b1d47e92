"""Account management: search, overview, confirmed and audited actions."""

import re

import pytest
from django.contrib.auth import authenticate

from kiosque.accounts.models import ConnectionAttempt, UserSession
from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.backoffice.tests.factories import make_user
from kiosque.mail.models import OutboxMessage
from kiosque.mfa.models import Passkey, TOTPDevice
from kiosque.professionals.models import ProfessionalProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(db):
    user = make_user(
        "ndupont",
        first_name="Nathalie",
        last_name="Dupont",
        email="nathalie@exemple.fr",
        password="Ancien-mot2passe!",
    )
    ProfessionalProfile.objects.create(user=user, profession_id="10", rpps="10000000009")
    return user


def act(client, user, action, reason="Demande de l'utilisateur", **extra):
    return client.post(
        f"/gestion/comptes/{user.pk}/{action}/", {"reason": reason, "confirm": "on", **extra}
    )


@pytest.mark.parametrize("query", ["ndupont", "Nathalie", "nathalie@exemple", "1000000"])
def test_search(reviewer_client, account, query):
    make_user("pmartin", first_name="Paul", last_name="Martin")
    response = reviewer_client.get("/gestion/comptes/", {"q": query})
    assert list(response.context["accounts"]) == [account]


def test_overview_shows_profile_factors_sessions_history(reviewer_client, account):
    TOTPDevice.objects.create(
        user=account, name="MyTOTP", encrypted_secret="x", created_at="2025-02-04T15:37:05Z"
    )
    UserSession.objects.create(user=account, session_key="k" * 32, user_agent="Firefox")
    ConnectionAttempt.objects.create(user=account, outcome="success", browser="Firefox")
    page = reviewer_client.get(f"/gestion/comptes/{account.pk}/").content.decode()
    for text in ("10000000009", "MyTOTP", "Firefox", "Connexion réussie", "Journal d"):
        assert text in page


def test_confirmation_step_changes_nothing(reviewer_client, account):
    page = reviewer_client.get(f"/gestion/comptes/{account.pk}/desactiver/")
    assert page.status_code == 200 and "Je confirme cette action" in page.content.decode()
    response = reviewer_client.post(
        f"/gestion/comptes/{account.pk}/desactiver/", {"reason": "Départ"}
    )
    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in response.content.decode()
    account.refresh_from_db()
    assert account.is_active


def test_lock_and_unlock(reviewer_client, reviewer, account):
    assert act(reviewer_client, account, "verrouiller", "Usage suspect").status_code == 302
    account.refresh_from_db()
    assert account.is_locked and account.lock_reason == "Usage suspect"
    act(reviewer_client, account, "deverrouiller", "Vérifié par téléphone")
    account.refresh_from_db()
    assert not account.is_locked
    traces = AuditEvent.objects.filter(action=AuditAction.REVIEWER_ACTION, actor=reviewer)
    assert [e.context["action"] for e in traces.order_by("id")] == ["lock", "unlock"]
    assert traces.order_by("id").last().context["reason"] == "Vérifié par téléphone"


def test_missing_reason_is_refused(reviewer_client, account):
    response = act(reviewer_client, account, "verrouiller", reason="")
    assert response.status_code == 400
    assert "Saisissez le motif de cette action." in response.content.decode()
    account.refresh_from_db()
    assert not account.is_locked


def test_resend_credentials_revokes_old_password(
    reviewer_client, account, smtp_server, deliver_outbox
):
    act(reviewer_client, account, "renvoyer-identifiants")
    account.refresh_from_db()
    assert not account.check_password("Ancien-mot2passe!")
    assert account.must_change_password
    assert AuditEvent.objects.filter(action=AuditAction.CREDENTIALS_SENT).exists()
    assert deliver_outbox() == 1
    text = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    assert "Identifiant : ndupont" in text and "ancien mot de passe ne fonctionne plus" in text
    password = re.search(r"Mot de passe temporaire : (\S+)", text).group(1)
    assert account.check_password(password)
    assert password not in OutboxMessage.objects.get().text_body


def test_reset_second_factors(reviewer_client, account):
    TOTPDevice.objects.create(
        user=account, name="MyTOTP", encrypted_secret="x", created_at="2025-02-04T15:37:05Z"
    )
    Passkey.objects.create(
        user=account,
        name="Clé du bureau",
        credential_id=b"credential",
        public_key=b"key",
        user_handle=b"handle",
        created_at="2025-02-04T15:37:05Z",
    )
    page = reviewer_client.get(f"/gestion/comptes/{account.pk}/").content.decode()
    assert "Clé du bureau" in page
    act(reviewer_client, account, "reinitialiser-second-facteur")
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert not Passkey.objects.filter(user=account).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_RESET).exists()


def test_force_password_change(reviewer_client, account):
    act(reviewer_client, account, "imposer-changement-mot-de-passe")
    account.refresh_from_db()
    assert account.must_change_password and account.must_change_reason == "reviewer"


def test_deactivate_keeps_data_and_refuses_login_then_reactivate(reviewer_client, account):
    act(reviewer_client, account, "desactiver", "Départ de l'établissement")
    account.refresh_from_db()
    assert not account.is_active and account.deactivated_at
    assert ProfessionalProfile.objects.filter(user=account).exists()
    assert authenticate(username="ndupont", password="Ancien-mot2passe!") is None
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DEACTIVATED).exists()
    act(reviewer_client, account, "reactiver", "Retour")
    account.refresh_from_db()
    assert account.is_active and account.deactivated_at is None
    assert authenticate(username="ndupont", password="Ancien-mot2passe!") == account


def test_action_not_applicable_is_refused(reviewer_client, account):
    response = act(reviewer_client, account, "reactiver")
    assert response.status_code == 302
    page = reviewer_client.get(response.url).content.decode()
    assert "ne s&#x27;applique pas" in page


def test_reviewer_cannot_act_on_own_account(reviewer_client, reviewer):
    act(reviewer_client, reviewer, "desactiver")
    reviewer.refresh_from_db()
    assert reviewer.is_active


def test_unknown_action_is_404(reviewer_client, account):
    assert act(reviewer_client, account, "supprimer").status_code == 404
