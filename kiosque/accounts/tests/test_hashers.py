from django.contrib.auth.hashers import check_password, identify_hasher, make_password

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


def test_one_password_hash_at_a_time_per_process(settings, monkeypatch):
    """Threads of one worker queue for the hashing slot (KIOSQUE_ARGON2_CONCURRENCY)."""
    import threading
    import time

    import argon2

    from kiosque.accounts import hashers

    settings.KIOSQUE_ARGON2_CONCURRENCY = 1
    monkeypatch.setattr(hashers, "_pool", None)
    digest = make_password("Correct-Horse-42!")
    active, peak, lock = [0], [0], threading.Lock()
    real_verify = argon2.PasswordHasher.verify

    def watched_verify(self, hash, password):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)  # long enough for the other threads to pile up if they could
        try:
            return real_verify(self, hash, password)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(argon2.PasswordHasher, "verify", watched_verify)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(check_password("Correct-Horse-42!", digest)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4
    assert peak[0] == 1


def _nice_of_this_thread() -> int:
    import os
    import threading

    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _nice_while_hashing(settings, monkeypatch, steps: int) -> list[int]:
    """Check a password with KIOSQUE_ARGON2_NICE = steps; the nice value the hash ran at."""
    import argon2

    from kiosque.accounts import hashers

    settings.KIOSQUE_ARGON2_NICE = steps
    monkeypatch.setattr(hashers, "_pool", None)
    digest = make_password("Correct-Horse-42!")
    seen = []
    real_verify = argon2.PasswordHasher.verify

    def watched_verify(self, hash, password):
        seen.append(_nice_of_this_thread())
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", watched_verify)
    assert check_password("Correct-Horse-42!", digest)
    return seen


def test_passwords_are_hashed_at_a_lower_priority_than_the_pages(settings, monkeypatch):
    """The hash runs in a thread KIOSQUE_ARGON2_NICE steps nicer: on busy cores the pages go
    first. The request thread keeps its priority (a thread cannot raise it back)."""
    before = _nice_of_this_thread()
    assert _nice_while_hashing(settings, monkeypatch, 7) == [min(19, before + 7)]
    assert _nice_of_this_thread() == before


def test_no_lower_priority_when_the_setting_is_zero(settings, monkeypatch):
    assert _nice_while_hashing(settings, monkeypatch, 0) == [_nice_of_this_thread()]


def test_a_refused_priority_change_leaves_sign_ins_working(settings, monkeypatch, caplog):
    """A sandbox may refuse setpriority: the hash then runs at the workers' priority rather
    than breaking the hashing pool (and every sign-in with it)."""
    import os

    def refuse(*args):
        raise PermissionError("setpriority refused")

    monkeypatch.setattr(os, "setpriority", refuse)
    assert _nice_while_hashing(settings, monkeypatch, 7) == [_nice_of_this_thread()]
    assert "keep the workers' priority" in caplog.text
