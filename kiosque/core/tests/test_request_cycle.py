"""The per-request work every page and endpoint pays: URL order, the cheap paths of the
project's middlewares (docs/benchmarks.md, "The request cycle")."""

import html

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse


def _named_patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            yield namespace + entry.name


def test_no_url_is_shadowed_by_an_earlier_pattern():
    """The provider's URLs come first in kiosque/urls.py: each named URL still reaches its own
    view, whatever the order of the includes."""
    names = list(_named_patterns(get_resolver()))
    assert "oidc:discovery" in names and "accounts:login" in names
    for name in names:
        assert resolve(reverse(name)).view_name == name


@pytest.mark.django_db
def test_a_null_byte_in_a_cookie_answers_a_french_400():
    client = Client(raise_request_exception=False)
    client.cookies["preference"] = "a\x00b"
    response = client.get("/connexion/")
    assert response.status_code == 400
    assert "caractère interdit" in html.unescape(response.content.decode())
