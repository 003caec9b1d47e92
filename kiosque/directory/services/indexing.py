"""Keeps the search index (Establishment.search_key and EstablishmentToken) in step.

Works on any object with `finess`, `name`, `long_name`, `postal_code` and `city` attributes
(an Establishment, or the light rows of the FINESS import).
"""

from collections.abc import Iterable

from django.db import connection

from kiosque.directory.models import Establishment, EstablishmentToken
from kiosque.directory.text import STOP_WORDS, TOKEN_MAX_LENGTH, normalize

SEARCH_KEY_LENGTH = 400


def _full_key(site) -> str:
    return normalize(f"{site.name} {site.long_name} {site.postal_code} {site.city}")


def search_key(site) -> str:
    return _full_key(site)[:SEARCH_KEY_LENGTH]


def tokens_for(site) -> set[str]:
    tokens = {word[:TOKEN_MAX_LENGTH] for word in _full_key(site).split()} - STOP_WORDS
    tokens.add(normalize(site.finess))
    return tokens


def reindex(sites: Iterable) -> int:
    """Replace the tokens of these establishments; returns the number of tokens written."""
    sites = list(sites)
    if not sites:
        return 0
    EstablishmentToken.objects.filter(establishment_id__in=[site.finess for site in sites]).delete()
    rows = [(token, site.finess) for site in sites for token in sorted(tokens_for(site))]
    table = connection.ops.quote_name(EstablishmentToken._meta.db_table)
    with connection.cursor() as cursor:
        # executemany: several times faster than bulk_create for ~1 million small rows.
        cursor.executemany(
            f"INSERT INTO {table} (token, establishment_id) VALUES (%s, %s)",  # noqa: S608
            rows,
        )
    return len(rows)


def rebuild_index(batch_size: int = 2000) -> int:
    """Recompute every search key and token (after a change of the normalisation rules)."""
    from django.db import transaction

    written = 0
    ids = list(Establishment.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(Establishment.objects.filter(pk__in=ids[start : start + batch_size]))
            for establishment in batch:
                establishment.search_key = search_key(establishment)
            Establishment.objects.bulk_update(batch, ["search_key"])
            written += reindex(batch)
    return written


def save_establishment(establishment: Establishment) -> None:
    """Save one establishment (admin, tests) with its search index."""
    establishment.search_key = search_key(establishment)
    establishment.save()
    reindex([establishment])
