import pytest

from kiosque.backoffice.tests import factories


@pytest.fixture
def reviewer(db):
    return factories.make_reviewer("rgestion")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def registration(db):
    return factories.make_registration()


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from a flushed database: load the NOS tables again."""
    from kiosque.directory.reference import load_reference_data

    load_reference_data()
