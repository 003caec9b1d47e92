"""Durations in words (kiosque.core.durations), shared by pages and e-mails."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from kiosque.core.durations import format_duration


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 seconde"),
        (45, "45 secondes"),
        (60, "1 minute"),
        (1200, "20 minutes"),
        (90, "1 minute et 30 secondes"),
        (3600, "1 heure"),
        (4 * 3600, "4 heures"),
        (5400, "1 heure et 30 minutes"),
        (3661, "1 heure, 1 minute et 1 seconde"),
        (timedelta(hours=12), "12 heures"),
    ],
)
def test_french_words_with_plural_forms(seconds, words):
    assert format_duration(seconds) == words


def test_in_english():
    with translation.override("en"):
        assert format_duration(5400) == "1 hour and 30 minutes"
        assert format_duration(1) == "1 second"


def test_template_filter():
    rendered = Template("{% load durations %}{{ value|duration }}").render(Context({"value": 1200}))
    assert rendered == "20 minutes"
