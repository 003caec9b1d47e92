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
