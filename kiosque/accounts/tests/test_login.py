from django.urls import reverse

from kiosque.accounts.flows import stages
from kiosque.accounts.models import AttemptOutcome, ConnectionAttempt
from kiosque.accounts.tests.conftest import PASSWORD, login, post_stage
from kiosque.audit.models import AuditEvent


def test_login_page_has_the_guide_labels_and_links(client, db):
    page = client.get("/connexion/").content.decode()
    assert "Veuillez vous authentifier" in page
    assert "Réinitialiser mon mot de passe" in page
    assert "Créer un compte" in page
    assert reverse("registration:start") in page
    assert reverse("accounts:password_reset") in page
    assert "J&#x27;ai oublié mon identifiant" in page or "J'ai oublié mon identifiant" in page


def test_login_with_the_login_signs_in(client, user, settings):
    response = login(client, "ndupont")
    assert response.status_code == 302
    assert response.url == settings.LOGIN_REDIRECT_URL
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_the_email_in_any_case_signs_in(client, user):
    response = login(client, "  NATHALIE.dupont@EXEMPLE.fr ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_name_is_case_insensitive(client, user):
    assert login(client, "NDupont").status_code == 302


def test_wrong_password_keeps_identifier_and_never_redisplays_password(client, user):
    response = login(client, "ndupont", "Mauvais-Secret-1")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in page
    assert 'value="ndupont"' in page
    assert "Mauvais-Secret-1" not in page
    assert "_auth_user_id" not in client.session


def test_empty_fields_get_french_messages_next_to_them(client, db):
    page = client.post("/connexion/", {"username": "", "password": ""}).content.decode()
    assert "Saisissez votre identifiant ou votre adresse mail." in page
    assert "Saisissez votre mot de passe." in page


def test_second_factor_stage_is_pending_after_password(client, user, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    response = login(client, "ndupont")
    assert response.status_code == 302
    assert response.url == reverse("mfa:second_factor")
    assert "_auth_user_id" not in client.session
    assert client.session[stages.SESSION_KEY]["pending"] == ["second_factor"]


def test_temporary_password_opens_the_second_factor_then_the_forced_change(client, user, settings):
    from kiosque.accounts.flows import credentials
    from kiosque.audit.models import AuditEvent
    from kiosque.audit.services import AuditAction
    from kiosque.mfa.tests.helpers import add_device, current_totp

    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    _device, secret = add_device(user)
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)
    response = login(client, "ndupont", "Temporaire-Mdp-42")
    assert response.url == reverse("mfa:second_factor")
    assert client.session[stages.SESSION_KEY]["pending"] == ["second_factor", "password_change"]
    client.post(response.url, {"action": "choose", "method": "totp"})
    response = client.post(
        reverse("mfa:second_factor"),
        {"action": "verify", "method": "totp", "code": current_totp(secret)},
    )
    assert response.url == reverse("accounts:password_change_required")
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Changez votre mot de passe" in page
    assert "mot de passe est temporaire" in page
    response = post_stage(
        client,
        response.url,
        {"new_password1": "Mon-Choix-Perso-7", "new_password2": "Mon-Choix-Perso-7"},
    )
    # Signed in at once: no second login with the new password.
    assert response.url == settings.LOGIN_REDIRECT_URL
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password("Mon-Choix-Perso-7")
    assert not user.must_change_password
    actions = list(
        AuditEvent.objects.filter(actor=user).order_by("id").values_list("action", flat=True)
    )
    assert actions.index(AuditAction.MFA_VERIFIED) < actions.index(AuditAction.PASSWORD_CHANGED)
    assert client.get(settings.LOGIN_REDIRECT_URL).status_code == 200


def test_forced_change_completes_sign_in_without_second_factor(client, user):
    from kiosque.accounts.flows import credentials

    credentials.force_password_change(user, "reviewer")
    response = login(client, "ndupont")
    assert response.url == reverse("accounts:password_change_required")
    page = client.get(response.url).content.decode()
    assert "L&#x27;équipe de la plateforme vous demande" in page
    response = post_stage(
        client,
        response.url,
        {"new_password1": "Mon-Choix-Perso-7", "new_password2": "Mon-Choix-Perso-7"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_successful_sign_in_is_recorded_in_history_and_audit(client, user):
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    login(client, "ndupont", headers={"user-agent": ua})
    attempt = ConnectionAttempt.objects.get(user=user)
    assert attempt.outcome == AttemptOutcome.SUCCESS
    assert attempt.browser == "Firefox 128"
    assert AuditEvent.objects.filter(action="login.succeeded", actor=user).exists()


def test_next_url_is_followed_when_local(client, user):
    response = login(client, "ndupont", next="/compte/historique/")
    assert response.url == "/compte/historique/"


def test_signed_in_user_visiting_login_goes_home(client, user, settings):
    login(client, "ndupont")
    assert client.get("/connexion/").status_code == 302


def test_deactivated_account_is_refused_after_right_password_only(client, user):
    user.is_active = False
    user.save()
    assert (
        "Identifiant ou mot de passe incorrect."
        in login(client, "ndupont", "Faux-Secret-123").content.decode()
    )
    page = login(client, "ndupont", PASSWORD).content.decode()
    assert "Ce compte est désactivé" in page
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_the_staged_sign_in(client, make_user, settings):
    response = client.get("/gestion/admin/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(settings.LOGIN_URL + "?next=")
    assert "%2Fgestion%2Fadmin%2F" in response.url
    staff = make_user("gestion", is_staff=True, is_superuser=True)
    response = login(client, staff.username, next="/gestion/admin/")
    assert response.url == "/gestion/admin/"
    assert client.get("/gestion/admin/").status_code == 200


def test_admin_login_form_cannot_be_posted_directly(client, make_user):
    staff = make_user("gestion", is_staff=True, is_superuser=True)
    response = client.post(
        "/gestion/admin/login/", {"username": staff.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_stages_are_the_declared_list_in_its_order(client, user, settings, monkeypatch):
    from kiosque.accounts.flows import credentials

    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    credentials.force_password_change(user, "reviewer")
    assert [stage.key for stage in stages.LOGIN_STAGES] == ["second_factor", "password_change"]
    assert stages.pending_for(user) == [stages.Stage.SECOND_FACTOR, stages.Stage.PASSWORD_CHANGE]
    # The list alone decides: reversed, the sign-in serves the stages reversed.
    monkeypatch.setattr(stages, "LOGIN_STAGES", tuple(reversed(stages.LOGIN_STAGES)))
    response = login(client, "ndupont")
    assert response.url == reverse("accounts:password_change_required")
    assert client.session[stages.SESSION_KEY]["pending"] == ["password_change", "second_factor"]
    # A stage that does not concern the account is not opened.
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    assert stages.pending_for(user) == [stages.Stage.PASSWORD_CHANGE]
