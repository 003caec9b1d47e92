"""The `clock` fixture: Django's `timezone.now`, frozen and moved on by the test."""

from datetime import timedelta

import pytest
from django.utils import timezone


class Clock:
    """A controllable `django.utils.timezone.now`."""

    def __init__(self):
        self.current = timezone.now()

    def __call__(self):
        return self.current

    def advance(self, **delta):
        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen
