from django.test import Client

from kiosque.accounts.tests.conftest import without_csrf
from kiosque.mail.models import OutboxMessage


def ask(client, email):
    return client.post("/identifiant-oublie/", {"email": email})


def test_login_is_sent_to_the_authentication_email(client, user, smtp_server, deliver_outbox):
    page = client.get("/identifiant-oublie/").content.decode()
    assert "oublié mon identifiant" in page
    response = ask(client, "NATHALIE.dupont@exemple.fr")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Un message contenant votre identifiant a été envoyé à votre adresse mail." in page
    assert deliver_outbox() == 1
    mail = smtp_server.messages[0]
    assert mail["Subject"] == "[Kiosque] Votre identifiant"
    assert mail["To"] == user.email
    assert "Votre identifiant de connexion est : ndupont" in mail.get_content()


def test_unknown_address_gets_the_same_answer_and_no_mail(user):
    known, unknown = Client(), Client()
    a = ask(known, user.email)
    b = ask(unknown, "inconnu@exemple.fr")
    assert (a.status_code, a.url, a.content) == (b.status_code, b.url, b.content)
    assert without_csrf(known.get(a.url).content) == without_csrf(unknown.get(b.url).content)
    assert OutboxMessage.objects.filter(to=["inconnu@exemple.fr"]).count() == 0
    assert OutboxMessage.objects.filter(to=[user.email]).count() == 1


def test_invalid_address_gets_a_french_message(client, db):
    page = ask(client, "pas-une-adresse").content.decode()
    assert "Saisissez une adresse mail valide" in page
    assert 'value="pas-une-adresse"' in page
