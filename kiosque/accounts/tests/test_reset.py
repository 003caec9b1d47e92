import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from kiosque.accounts.models import PasswordResetToken
from kiosque.accounts.tests.conftest import (
    NEW_PASSWORD,
    PASSWORD,
    interleaved_medians,
    login,
    signed_in_client,
    without_csrf,
)
from kiosque.mail.models import OutboxMessage

LINK = re.compile(r"https?://\S+/mot-de-passe/reinitialiser/([\w-]+)/")


def ask(client, email):
    return client.post("/mot-de-passe-oublie/", {"email": email})


def last_link(email):
    message = OutboxMessage.objects.filter(to=[email]).order_by("-id").first()
    return LINK.search(message.text_body).group(0) if message else None


def follow_link(client, link):
    path = "/" + link.split("/", 3)[3]
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == "/mot-de-passe/reinitialiser/"
    return response


def submit(client, password=NEW_PASSWORD):
    return client.post(
        "/mot-de-passe/reinitialiser/", {"new_password1": password, "new_password2": password}
    )


def test_request_page_has_the_guide_texts(client, db):
    page = client.get("/mot-de-passe-oublie/").content.decode()
    assert "Merci de saisir votre adresse mail" in page
    assert "Mot de passe oublié ?" in page
    assert "Envoyez-moi un lien" in page


def test_full_reset_through_the_mailbox(client, user, smtp_server, deliver_outbox, clock):
    response = ask(client, "nathalie.DUPONT@exemple.fr")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Un mail de confirmation vous a été envoyé" in page
    assert "Un message a été envoyé à votre adresse mail." in page
    valid_until = clock.current.astimezone(ZoneInfo("Europe/Paris")) + timedelta(hours=24)
    assert valid_until.strftime("ce lien est valide jusqu'au %d/%m/%Y à %H:%M.") in page
    assert deliver_outbox(now=clock.current + timedelta(minutes=5)) == 1
    mail = smtp_server.messages[0]
    assert mail["Subject"] == "[Kiosque] Mise à jour de mot de passe"
    body = mail.get_content()
    assert body.startswith("Bonjour,")
    assert "Cliquez sur ce lien pour réinitialiser votre mot de passe : http://" in body
    link = LINK.search(body).group(0)
    assert link.startswith("http://127.0.0.1:8000/")  # KIOSQUE_BASE_URL, not the Host header
    token = LINK.search(body).group(1)
    assert not PasswordResetToken.objects.filter(token_hash=token).exists()  # only a hash

    follow_link(client, link)
    page = client.get("/mot-de-passe/reinitialiser/").content.decode()
    assert "Changez votre mot de passe" in page
    assert token not in page
    response = submit(client)
    assert response.status_code == 200
    assert "réinitialisé avec succès" in response.content.decode()
    assert "_auth_user_id" not in client.session  # a reset never signs in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert deliver_outbox(now=clock.current + timedelta(minutes=5)) == 1
    done = smtp_server.messages[1]
    assert done["Subject"] == "[Kiosque] Confirmation de mise à jour de mot de passe"
    assert (
        "Bonjour,\n\nVotre mot de passe a été réinitialisé avec succès."
        in done.get_content().replace("\r\n", "\n")
    )


def test_reset_then_login_still_needs_the_second_factor(client, user, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    ask(client, user.email)
    follow_link(client, last_link(user.email))
    submit(client)
    response = login(client, "ndupont", NEW_PASSWORD)
    assert response.url == reverse("mfa:second_factor")
    assert "_auth_user_id" not in client.session


def test_link_is_single_use(client, user):
    ask(client, user.email)
    link = last_link(user.email)
    follow_link(client, link)
    submit(client)
    other = Client()
    follow_link(other, link)
    response = other.get("/mot-de-passe/reinitialiser/")
    assert response.status_code == 400
    assert "Lien invalide ou expiré" in response.content.decode()
    assert submit(other, "Encore-Autre-2027").status_code == 400


def test_link_expires_after_24_hours(client, user, clock):
    ask(client, user.email)
    link = last_link(user.email)
    clock.advance(hours=24, seconds=1)
    follow_link(client, link)
    assert client.get("/mot-de-passe/reinitialiser/").status_code == 400


def test_link_still_valid_just_before_expiry(client, user, clock):
    ask(client, user.email)
    link = last_link(user.email)
    clock.advance(hours=23, minutes=59)
    follow_link(client, link)
    assert client.get("/mot-de-passe/reinitialiser/").status_code == 200


def test_newer_link_invalidates_the_older(client, user):
    ask(client, user.email)
    first = last_link(user.email)
    ask(client, user.email)
    second = last_link(user.email)
    assert first != second
    follow_link(client, first)
    assert client.get("/mot-de-passe/reinitialiser/").status_code == 400
    follow_link(client, second)
    assert client.get("/mot-de-passe/reinitialiser/").status_code == 200


def test_password_change_invalidates_the_link(client, user):
    ask(client, user.email)
    link = last_link(user.email)
    other = Client()
    signed_in_client(other, user)
    other.post(
        "/compte/mot-de-passe/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    follow_link(client, link)
    assert client.get("/mot-de-passe/reinitialiser/").status_code == 400


def test_new_password_follows_the_policy(client, user):
    ask(client, user.email)
    follow_link(client, last_link(user.email))
    response = submit(client, "court")
    page = response.content.decode()
    assert "Le mot de passe doit contenir au moins 12 caractères." in page
    assert "Ce mot de passe a déjà été utilisé" in submit(client, PASSWORD).content.decode()
    assert submit(client, NEW_PASSWORD).status_code == 200


def test_reset_ends_every_session(client, user):
    other = Client()
    signed_in_client(other, user)
    ask(client, user.email)
    follow_link(client, last_link(user.email))
    submit(client)
    assert other.get("/compte/historique/").status_code == 302


def test_token_less_page_without_token_is_refused(client, db):
    assert client.get("/mot-de-passe/reinitialiser/").status_code == 400


def test_unknown_and_known_addresses_get_the_same_answer(client, user, clock):
    known = ask(Client(), user.email)
    unknown = ask(Client(), "personne@exemple.fr")
    assert (known.status_code, known.url, known.content) == (
        unknown.status_code,
        unknown.url,
        unknown.content,
    )
    a, b = Client(), Client()
    ask(a, user.email)
    ask(b, "personne@exemple.fr")
    page_a = a.get("/mot-de-passe-oublie/envoye/")
    page_b = b.get("/mot-de-passe-oublie/envoye/")
    assert page_a.status_code == page_b.status_code == 200
    assert without_csrf(page_a.content) == without_csrf(page_b.content)
    assert OutboxMessage.objects.filter(to=["personne@exemple.fr"]).count() == 0


def test_timing_is_comparable_for_known_and_unknown_addresses(client, user, settings):
    settings.KIOSQUE_RATE_LIMITS = {"password_reset.email": "1000/1h"}

    known, unknown = interleaved_medians(
        lambda: ask(client, user.email), lambda: ask(client, "personne@exemple.fr")
    )
    assert 0.5 < known / unknown < 2.0, (known, unknown)


def test_too_many_requests_for_one_address_send_nothing_more(client, user, settings):
    settings.KIOSQUE_RATE_LIMITS = {"password_reset.email": "2/1h"}
    for _ in range(4):
        response = ask(client, user.email)
        assert response.status_code == 302
    assert OutboxMessage.objects.filter(to=[user.email]).count() == 2
