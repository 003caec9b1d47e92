"""Keeps the search index (Establishment.search_key and EstablishmentToken) in step."""

from collections.abc import Iterable

from django.db import connection

from kiosque.directory.models import Establishment, EstablishmentToken
from kiosque.directory.text import index_tokens, normalize

SEARCH_KEY_LENGTH = 400


def search_key(establishment: Establishment) -> str:
    return normalize(
        " ".join(
            (establishment.name, establishment.long_name, establishment.postal_code, establishment.city)
        )
    )[:SEARCH_KEY_LENGTH]


def tokens_for(establishment: Establishment) -> set[str]:
    return index_tokens(
        establishment.name,
        establishment.long_name,
        establishment.city,
        establishment.postal_code,
        establishment.finess,
    )


def reindex(establishments: Iterable[Establishment]) -> int:
    """Replace the tokens of these establishments; returns the number of tokens written."""
    establishments = list(establishments)
    ids = [establishment.finess for establishment in establishments]
    EstablishmentToken.objects.filter(establishment_id__in=ids).delete()
    rows = [
        (token, establishment.finess)
        for establishment in establishments
        for token in sorted(tokens_for(establishment))
    ]
    table = connection.ops.quote_name(EstablishmentToken._meta.db_table)
    with connection.cursor() as cursor:
        # executemany: several times faster than bulk_create for ~1 million small rows.
        cursor.executemany(
            f"INSERT INTO {table} (token, establishment_id) VALUES (%s, %s)",  # noqa: S608
            rows,
        )
    return len(rows)


def save_establishment(establishment: Establishment) -> None:
    """Save one establishment (admin, tests) with its search index."""
    establishment.search_key = search_key(establishment)
    establishment.save()
    reindex([establishment])
