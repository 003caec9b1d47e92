from django.contrib.auth.hashers import identify_hasher

from kiosque.accounts.tests.conftest import PASSWORD, login


def _params(user):
    user.refresh_from_db()
    return identify_hasher(user.password).decode(user.password)


def test_hash_is_argon2id_with_the_configured_parameters(user, settings):
    params = _params(user)
    assert params["algorithm"] == "argon2"
    assert user.password.startswith("argon2$argon2id$")
    assert params["memory_cost"] == settings.KIOSQUE_ARGON2_MEMORY_KIB
    assert params["time_cost"] == settings.KIOSQUE_ARGON2_TIME_COST


def test_hash_is_upgraded_on_login_when_parameters_change(client, user, settings):
    before = _params(user)
    changed_at = user.password_changed_at
    settings.KIOSQUE_ARGON2_TIME_COST = 3
    settings.KIOSQUE_ARGON2_MEMORY_KIB = 128
    assert login(client, "ndupont", PASSWORD).status_code == 302
    after = _params(user)
    assert (before["time_cost"], before["memory_cost"]) == (1, 64)
    assert (after["time_cost"], after["memory_cost"]) == (3, 128)
    assert user.check_password(PASSWORD)
    # A rehash is not a password change: no new history row, expiry unchanged.
    assert user.password_changed_at == changed_at
    assert user.password_history.count() == 1


def test_wrong_password_does_not_rehash(client, user, settings):
    stored = user.password
    settings.KIOSQUE_ARGON2_TIME_COST = 3
    login(client, "ndupont", "Mauvais-Secret-1")
    user.refresh_from_db()
    assert user.password == stored
