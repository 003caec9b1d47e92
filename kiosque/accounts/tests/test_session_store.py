"""kiosque.accounts.session_store: Django's database store with fewer queries, same behaviour."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiosque.accounts import session_store
from kiosque.accounts.flows import credentials
from kiosque.accounts.tests.conftest import PASSWORD, login, post_stage


@pytest.fixture(autouse=True)
def _engine(settings):
    settings.SESSION_ENGINE = "kiosque.accounts.session_store"


def stored(key) -> dict:
    return session_store.SessionStore(session_key=key).load()


def test_cycle_key_keeps_the_data_inserts_the_new_row_at_once_and_drops_the_old(db):
    session = session_store.SessionStore()
    session["a"] = 1
    session.save()
    old = session.session_key
    with CaptureQueriesContext(connection) as cycled:
        session.cycle_key()
    statements = [q["sql"].split()[0] for q in cycled.captured_queries]
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == ["INSERT", "DELETE"]
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


def test_a_new_key_is_not_looked_up_first(db):
    session = session_store.SessionStore()
    session["a"] = 1
    with CaptureQueriesContext(connection) as created:
        session.save()
    assert not any(q["sql"].startswith("SELECT") for q in created.captured_queries)


def test_a_key_collision_draws_another_key(db, monkeypatch):
    taken = session_store.SessionStore()
    taken["owner"] = "someone else"
    taken.save()
    session = session_store.SessionStore()
    session["a"] = 1
    session.save()
    draws = iter([taken.session_key])
    original = session_store.SessionStore._get_new_session_key
    monkeypatch.setattr(
        session_store.SessionStore,
        "_get_new_session_key",
        lambda self: next(draws, None) or original(self),
    )
    session.cycle_key()
    session.save()
    assert session.session_key != taken.session_key
    assert stored(taken.session_key) == {"owner": "someone else"}
    assert stored(session.session_key) == {"a": 1}


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
