import io

import pytest

from kiosque.directory import demo
from kiosque.directory.models import AnnuairePerson, Establishment

pytestmark = pytest.mark.django_db


def test_demo_loads_both_samples_idempotently():
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    assert Establishment.objects.count() == 200
    assert AnnuairePerson.objects.count() == 45
    assert "Établissements FINESS" in out.getvalue()
