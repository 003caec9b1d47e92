"""Logins as the guides build them, and their uniqueness under collisions and concurrency."""

import threading

import pytest
from django.db import close_old_connections, connection

from kiosque.backoffice.tests.factories import make_user
from kiosque.professionals.flows.provision import create_user_with_unique_login
from kiosque.professionals.logins import base_login, login_candidates, numbered_login


@pytest.mark.parametrize(
    ("first_name", "last_name", "login"),
    [
        ("Nathalie", "DUPONT", "ndupont"),
        ("Hélène", "LE GOFF-D'ARC", "hlegoffdarc"),
        ("Élodie", "Bézier", "ebezier"),
        ("Jean-Pierre", "Martin", "jmartin"),
        ("Jean", "de La Fontaine", "jdelafontaine"),
        ("Anne", "d'Harcourt", "adharcourt"),
        ("Zoé", "Cœur", "zcoeur"),
        ("Ægidius", "Læticia", "alaeticia"),
        ("  Ève ", "  N’Diaye  ", "endiaye"),
        ("Çédric", "Garçon", "cgarcon"),
    ],
)
def test_base_login_folds_accents_and_removes_separators(first_name, last_name, login):
    assert base_login(first_name, last_name) == login


def test_collision_puts_the_number_after_the_initial_from_2():
    assert list(login_candidates("Nathalie", "Dupont", limit=4)) == [
        "ndupont",
        "n2dupont",
        "n3dupont",
        "n4dupont",
    ]
    assert numbered_login("Hélène", "Le Goff", 10) == "h10legoff"


def test_names_without_letters_still_give_a_login():
    assert base_login("", "") == "xutilisateur"


@pytest.mark.django_db
def test_ten_namesakes_get_ndupont_then_n2_to_n10():
    logins = [
        create_user_with_unique_login(
            first_name="Nathalie", last_name="DUPONT", email=f"n{i}@exemple.fr"
        ).username
        for i in range(10)
    ]
    assert logins == ["ndupont"] + [f"n{n}dupont" for n in range(2, 11)]


@pytest.mark.django_db
def test_an_existing_login_in_another_case_counts_as_taken():
    make_user("NDupont")
    user = create_user_with_unique_login(first_name="Nathalie", last_name="Dupont", email="a@b.fr")
    assert user.username == "n2dupont"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_namesakes_never_share_a_login():
    """Threads each validating a "Nathalie Dupont" at the same moment (truly concurrent on
    PostgreSQL; serialised by SQLite's immediate transactions)."""
    from django.db import transaction

    count = 4
    barrier = threading.Barrier(count)
    logins, errors = [], []

    def create(index):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                user = create_user_with_unique_login(
                    first_name="Nathalie", last_name="Dupont", email=f"c{index}@exemple.fr"
                )
            logins.append(user.username)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(logins) == sorted(["ndupont", "n2dupont", "n3dupont", "n4dupont"])
