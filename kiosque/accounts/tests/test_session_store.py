"""Sessions are Django's own database store (no private API of Django overridden): the key
changes at each stage, and an ended session stays ended."""

import pytest
from django.contrib.sessions.backends import db as session_store
from django.contrib.sessions.models import Session

from kiosque.accounts.flows import credentials
from kiosque.accounts.tests.conftest import PASSWORD, login, post_stage


def test_the_session_engine_is_djangos_database_store(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def stored(key) -> dict:
    return session_store.SessionStore(session_key=key).load()


def test_cycle_key_keeps_the_data_and_drops_the_old_row(db):
    session = session_store.SessionStore()
    session["a"] = 1
    session.save()
    old = session.session_key
    session.cycle_key()
    assert session.session_key != old
    assert not Session.objects.filter(session_key=old).exists()
    assert Session.objects.filter(session_key=session.session_key).exists()
    session["b"] = 2
    session.save()
    assert stored(session.session_key) == {"a": 1, "b": 2}


def test_a_session_ended_elsewhere_right_after_cycle_key_stays_ended(db):
    """Another device ends the new session (its key is listed as soon as the stage starts)
    before this request saves it: the save must not bring it back."""
    from django.contrib.sessions.backends.base import UpdateError

    session = session_store.SessionStore()
    session["a"] = 1
    session.save()
    session.cycle_key()
    session_store.SessionStore(session_key=session.session_key).delete()  # "end this session"
    session["b"] = 2
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_flush_after_cycle_key_leaves_nothing_under_the_dropped_key(db):
    session = session_store.SessionStore()
    session["a"] = 1
    session.save()
    session.cycle_key()
    dropped = session.session_key
    session.flush()
    assert not Session.objects.filter(session_key=dropped).exists()
    session["b"] = 2
    session.save()
    assert session.session_key != dropped
    assert stored(session.session_key) == {"b": 2}


def test_staged_sign_in_changes_the_key_at_every_stage_and_old_keys_are_dead(client, user):
    credentials.force_password_change(user, "reviewer")
    client.get("/connexion/")
    login(client, "ndupont", PASSWORD)
    first = client.session.session_key
    response = post_stage(
        client,
        "/connexion/nouveau-mot-de-passe/",
        {"new_password1": "Mon-Choix-Perso-7", "new_password2": "Mon-Choix-Perso-7"},
    )
    assert response.status_code == 302
    second = client.session.session_key
    assert first != second
    assert not Session.objects.filter(session_key=first).exists()
    assert Session.objects.filter(session_key=second).exists()
    assert client.get("/compte/historique/").status_code == 200
