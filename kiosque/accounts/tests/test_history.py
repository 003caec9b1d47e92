from datetime import timedelta

from django.utils import timezone

from kiosque.accounts import useragent
from kiosque.accounts.flows import history
from kiosque.accounts.models import AttemptOutcome, ConnectionAttempt
from kiosque.accounts.tests.conftest import login, signed_in_client

FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86"
)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def test_user_agent_parser_knows_the_common_browsers():
    assert useragent.parse(FIREFOX_WIN) == useragent.UserAgent("Firefox 128", "Windows 10/11")
    assert useragent.parse(EDGE) == useragent.UserAgent("Edge 131", "Windows 10/11")
    assert useragent.parse(CHROME_MAC) == useragent.UserAgent("Chrome 131", "macOS")
    assert useragent.parse(SAFARI_IOS) == useragent.UserAgent("Safari 17", "iOS 17")
    assert useragent.parse(CHROME_ANDROID) == useragent.UserAgent("Chrome 131", "Android 14")
    assert useragent.parse("") == useragent.UserAgent("", "")
    assert useragent.parse("curl/8.0") == useragent.UserAgent("", "")


def test_history_shows_successes_and_failures_newest_first(client, user):
    login(client, "ndupont", "Mauvais-Secret-1", headers={"user-agent": EDGE})
    signed_in_client(client, user)
    page = client.get("/compte/historique/").content.decode()
    assert "Historique des connexions" in page
    assert page.index("Connexion réussie") < page.index("Mot de passe incorrect")
    assert "Edge 131" in page and "Windows 10/11" in page
    assert "127.0.0.1" in page


def test_dates_are_shown_in_paris_time(client, user):
    moment = timezone.datetime(2026, 1, 15, 9, 30, 5, tzinfo=timezone.UTC)
    ConnectionAttempt.objects.create(
        user=user, created_at=moment, outcome=AttemptOutcome.WRONG_CODE, second_factor="totp"
    )
    signed_in_client(client, user)
    page = client.get("/compte/historique/").content.decode()
    assert "15/01/2026 10:30:05" in page
    assert "Code incorrect" in page
    assert "Application d&#x27;authentification (TOTP)" in page


def test_history_is_paginated(client, user):
    now = timezone.now()
    ConnectionAttempt.objects.bulk_create(
        ConnectionAttempt(
            user=user, created_at=now - timedelta(minutes=n), outcome=AttemptOutcome.SUCCESS
        )
        for n in range(1, 46)
    )
    signed_in_client(client, user)
    first = client.get("/compte/historique/").content.decode()
    assert "Page 1 sur 3" in first
    third = client.get("/compte/historique/?page=3").content.decode()
    assert "Page 3 sur 3" in third
    assert third.count('class="history__row') == 6  # 46 rows: 20 + 20 + 6


def test_only_the_last_twelve_months_and_purge(user):
    old = ConnectionAttempt.objects.create(
        user=user,
        created_at=timezone.now() - timedelta(days=366),
        outcome=AttemptOutcome.SUCCESS,
    )
    recent = history.record_attempt(None, user, "wrong_code", second_factor="mail_code")
    assert list(history.for_user(user)) == [recent]
    assert history.purge() == 1
    assert not ConnectionAttempt.objects.filter(pk=old.pk).exists()


def test_other_users_history_is_not_shown(client, user, make_user):
    other = make_user("autre")
    history.record_attempt(None, other, AttemptOutcome.WRONG_PASSWORD)
    signed_in_client(client, user)
    assert "Mot de passe incorrect" not in client.get("/compte/historique/").content.decode()
