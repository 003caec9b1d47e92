from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from kiosque.accounts.models import UserSession
from kiosque.accounts.tests.conftest import signed_in_client
from kiosque.audit.models import AuditEvent


def test_idle_for_four_hours_signs_out_with_a_french_message(client, user, clock):
    signed_in_client(client, user)
    clock.advance(hours=3, minutes=59)
    assert client.get("/compte/historique/").status_code == 200  # activity resets the idle time
    clock.advance(hours=3, minutes=59)
    assert client.get("/compte/historique/").status_code == 200
    clock.advance(hours=4, seconds=1)
    response = client.get("/compte/historique/", follow=True)
    page = response.content.decode()
    assert "Vous avez été déconnecté après 4 heures d&#x27;inactivité." in page
    assert "Veuillez vous authentifier" in page
    assert not UserSession.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="logout", context__reason="timeout_idle").exists()


def test_twelve_hours_sign_out_in_any_case(client, user, clock):
    signed_in_client(client, user)
    for _ in range(6):
        clock.advance(hours=2)
        assert client.get("/compte/historique/").status_code == 200
    clock.advance(minutes=1)
    page = client.get("/compte/historique/", follow=True).content.decode()
    assert "une session dure au plus 12 heures" in page


def test_timeouts_are_settings(client, user, clock, settings):
    settings.KIOSQUE_SESSION_IDLE_SECONDS = 600
    signed_in_client(client, user)
    clock.advance(minutes=11)
    assert client.get("/compte/historique/").status_code == 302


def test_the_idle_message_follows_the_setting(client, user, clock, settings):
    settings.KIOSQUE_SESSION_IDLE_SECONDS = 45
    signed_in_client(client, user)
    clock.advance(seconds=46)
    page = client.get("/compte/historique/", follow=True).content.decode()
    assert "Vous avez été déconnecté après 45 secondes d&#x27;inactivité." in page


def test_the_idle_message_names_hours_and_minutes(client, user, clock, settings):
    settings.KIOSQUE_SESSION_IDLE_SECONDS = 5400
    signed_in_client(client, user)
    clock.advance(hours=1, minutes=31)
    page = client.get("/compte/historique/", follow=True).content.decode()
    assert "après 1 heure et 30 minutes d&#x27;inactivité." in page


def test_the_absolute_limit_message_follows_its_setting(client, user, clock, settings):
    settings.KIOSQUE_SESSION_ABSOLUTE_SECONDS = 1800
    signed_in_client(client, user)
    clock.advance(minutes=31)
    page = client.get("/compte/historique/", follow=True).content.decode()
    assert "une session dure au plus 30 minutes." in page


def test_logout_is_a_post_that_ends_the_session_server_side(client, user):
    signed_in_client(client, user)
    key = client.session.session_key
    assert client.get("/deconnexion/").status_code == 405
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get("/compte/historique/").status_code == 302


def test_logout_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/deconnexion/").status_code == 403
    assert client.get("/compte/historique/").status_code == 200


def test_header_shows_the_signed_in_menu(client, user):
    signed_in_client(client, user)
    page = client.get("/", follow=True).content.decode()
    for text in [
        "Vos applications",
        "Mot de passe",
        "Historique des connexions",
        "Déconnexion",
        "Connecté en tant que DUPONT Nathalie",
    ]:
        assert text in page
    assert 'action="/deconnexion/"' in page
    assert "csrfmiddlewaretoken" in page


def test_sessions_page_lists_and_ends_another_session(client, user):
    other = Client()
    signed_in_client(other, user)
    signed_in_client(client, user)
    page = client.get("/compte/sessions/").content.decode()
    assert "Sessions actives" in page
    assert "Cette session" in page
    other_row = UserSession.objects.exclude(session_key=client.session.session_key).get()
    response = client.post(f"/compte/sessions/{other_row.pk}/fermer/")
    assert response.status_code == 302
    assert other.get("/compte/historique/").status_code == 302
    assert client.get("/compte/historique/").status_code == 200


def test_cannot_end_someone_elses_session(client, user, make_user):
    intruder = make_user("intrus")
    victim_client = Client()
    signed_in_client(victim_client, user)
    signed_in_client(client, intruder)
    row = UserSession.objects.get(user=user)
    assert client.post(f"/compte/sessions/{row.pk}/fermer/").status_code == 404
    assert victim_client.get("/compte/historique/").status_code == 200


def test_end_all_other_sessions(client, user):
    others = [Client(), Client()]
    for other in others:
        signed_in_client(other, user)
    signed_in_client(client, user)
    client.post("/compte/sessions/autres/fermer/")
    assert UserSession.objects.filter(user=user).count() == 1
    assert all(o.get("/compte/historique/").status_code == 302 for o in others)


def test_session_cookie_flags(client, user, settings):
    response = client.post(
        "/connexion/", {"username": user.username, "password": "Ancien-Secret-2025"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_session_cookie_ends_with_the_browser_and_the_row_at_the_absolute_limit(
    client, user, settings
):
    """No Max-Age nor Expires (Django's default is a 14-day cookie, Max-Age=1209600): the
    browser forgets the session when it closes; the stored session expires at the 12 h limit."""
    response = client.post(
        "/connexion/", {"username": user.username, "password": "Ancien-Secret-2025"}
    )
    header = response.cookies[settings.SESSION_COOKIE_NAME].OutputString()
    assert "Max-Age" not in header and "expires" not in header.lower(), header
    row = Session.objects.get(session_key=response.cookies[settings.SESSION_COOKIE_NAME].value)
    lifetime = (row.expire_date - timezone.now()).total_seconds()
    assert 12 * 3600 - 60 < lifetime <= 12 * 3600


class _UntouchableUser:
    def __getattr__(self, name):
        raise AssertionError(f"request.user.{name} read without a session")


def test_a_request_without_a_session_cookie_never_resolves_the_user(rf):
    """No session key, nobody signed in: the timeout check neither loads the session nor
    resolves request.user (the cost of every cookieless request: discovery, JWKS, probes)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from kiosque.accounts.middleware import SessionTimeoutMiddleware

    request = rf.get("/.well-known/openid-configuration")
    request.session = SessionStore()
    request.user = _UntouchableUser()
    response = SessionTimeoutMiddleware(lambda request: HttpResponse("ok"))(request)
    assert response.content == b"ok"
    assert not request.session.accessed
