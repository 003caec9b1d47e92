import itertools

import pytest
from django.test import Client

from kiosque.directory.imports.annuaire import import_annuaire
from kiosque.directory.imports.finess import import_finess
from kiosque.directory.models import Establishment
from kiosque.directory.samples import ANNUAIRE_SAMPLE, FINESS_SAMPLE
from kiosque.directory.services.indexing import save_establishment

_addresses = itertools.count(1)


@pytest.fixture
def client():
    """A client with its own address: rate-limit counters (maybe in a shared Redis) of one
    test never spill into another."""
    number = next(_addresses)
    return Client(REMOTE_ADDR=f"10.37.{number // 250}.{number % 250 + 1}")


@pytest.fixture
def finess_sample(db):
    return import_finess(FINESS_SAMPLE)


@pytest.fixture
def annuaire_sample(finess_sample):
    return import_annuaire(ANNUAIRE_SAMPLE)


@pytest.fixture
def make_establishment(db):
    def make(finess="370000481", name="Centre hospitalier", city="TOURS", **fields):
        establishment = Establishment(
            finess=finess,
            name=name,
            city=city,
            postal_code=fields.pop("postal_code", "37000"),
            **fields,
        )
        save_establishment(establishment)
        return establishment

    return make


def write(tmp_path, name: str, text: str, encoding: str = "latin-1"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path
