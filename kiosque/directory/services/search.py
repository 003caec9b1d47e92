"""Establishment autocomplete: by name, city, postal code or FINESS prefix.

Every establishment has its normalised words in EstablishmentToken (indexed on token).
Each query word becomes a prefix range (`token >= "hop" AND token < "hoq"`), which an index
answers without scanning; the establishments matching every word are intersected in SQL.
"""

from django.db import connection
from django.db.models import QuerySet

from kiosque.directory.models import Establishment, EstablishmentToken
from kiosque.directory.text import STOP_WORDS, TOKEN_MAX_LENGTH, words

MAX_QUERY_WORDS = 6
MAX_QUERY_LENGTH = 200


def query_words(query: str) -> list[str]:
    """The words to match: stop words dropped unless nothing else is left; longest first
    (the most selective drives the query)."""
    found = words(str(query or "")[:MAX_QUERY_LENGTH])
    kept = [word for word in found if word not in STOP_WORDS] or found
    unique = sorted(set(kept), key=lambda word: (-len(word), word))
    return unique[:MAX_QUERY_WORDS]


def _prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` ("hop" -> "hoq")."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _token_filter(word: str) -> QuerySet:
    word = word[:TOKEN_MAX_LENGTH]
    tokens = EstablishmentToken.objects.all()
    if connection.vendor == "postgresql":
        # Django adds a varchar_pattern_ops index for LIKE 'prefix%' on PostgreSQL; the
        # plain range would depend on the database collation.
        tokens = tokens.filter(token__startswith=word)
    else:
        tokens = tokens.filter(token__gte=word, token__lt=_prefix_upper_bound(word))
    return tokens.values("establishment_id")


def search_establishments(query: str, limit: int = 10) -> list[Establishment]:
    """Establishments whose words start with every word of `query` (accents, case and
    word order ignored), sorted by name."""
    wanted = query_words(query)
    if not wanted:
        return []
    limit = max(1, min(int(limit), 50))
    results = Establishment.objects.select_related("departement")
    for word in wanted:
        results = results.filter(pk__in=_token_filter(word))
    return list(results.order_by("name", "finess")[:limit])
