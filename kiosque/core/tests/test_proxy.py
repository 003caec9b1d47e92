import pytest

from kiosque.core.proxy import client_address, trusted_networks


@pytest.fixture
def networks(settings):
    settings.KIOSQUE_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    return trusted_networks()


def test_untrusted_peer_keeps_its_own_address(networks):
    assert client_address("203.0.113.5", "198.51.100.1", networks) == "203.0.113.5"


def test_trusted_proxy_gives_the_right_most_untrusted_hop(networks):
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.9", networks) == "203.0.113.9"
    assert client_address("127.0.0.1", "203.0.113.9, 10.1.2.3", networks) == "203.0.113.9"


def test_forged_left_most_entries_are_ignored(networks):
    forged = "1.2.3.4, 203.0.113.9"
    assert client_address("127.0.0.1", forged, networks) == "203.0.113.9"


def test_garbage_or_missing_header_falls_back_to_the_peer(networks):
    assert client_address("127.0.0.1", "not-an-ip", networks) == "127.0.0.1"
    assert client_address("127.0.0.1", "", networks) == "127.0.0.1"


def test_no_trusted_proxy_configured_changes_nothing(settings):
    settings.KIOSQUE_TRUSTED_PROXIES = []
    assert client_address("127.0.0.1", "203.0.113.9", trusted_networks()) == "127.0.0.1"


@pytest.mark.django_db
def test_rate_limits_and_audit_see_the_client_behind_the_proxy(client, settings):
    from kiosque.audit.models import AuditAction, AuditEvent

    settings.KIOSQUE_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = True
    client.post(
        settings.LOGIN_URL,
        {"username": "nobody", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id")
    assert event.ip_address == "203.0.113.77"
