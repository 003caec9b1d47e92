"""Keeps the search index (Establishment.search_key and EstablishmentToken) in step.

Works on any object with `finess`, `name`, `long_name`, `postal_code` and `city` attributes
(an Establishment, or the light rows of the FINESS import).
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection

from kiosque.directory.imports.common import execute_values
from kiosque.directory.models import Establishment, EstablishmentToken
from kiosque.directory.text import STOP_WORDS, TOKEN_MAX_LENGTH, normalize

SEARCH_KEY_LENGTH = 400


def _full_key(site) -> str:
    return normalize(f"{site.name} {site.long_name} {site.postal_code} {site.city}")


full_key = _full_key


def search_key(site) -> str:
    return _full_key(site)[:SEARCH_KEY_LENGTH]


def tokens_for(site) -> set[str]:
    tokens = {word[:TOKEN_MAX_LENGTH] for word in _full_key(site).split()} - STOP_WORDS
    tokens.add(normalize(site.finess))
    return tokens


def reindex(sites: Iterable, new: bool = False) -> int:
    """Replace the tokens of these establishments (`new`: they have none yet); returns the
    number of tokens written."""
    sites = list(sites)
    if not sites:
        return 0
    if not new:
        ids = [site.finess for site in sites]
        EstablishmentToken.objects.filter(establishment_id__in=ids).delete()
    rows = [(token, site.finess) for site in sites for token in sorted(tokens_for(site))]
    table = connection.ops.quote_name(EstablishmentToken._meta.db_table)
    if connection.vendor == "postgresql":
        # COPY: the fastest way into PostgreSQL (one stream, no statement per chunk).
        with connection.cursor() as cursor:
            copy_sql = f"COPY {table} (token, establishment_id) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        execute_values(
            f"INSERT INTO {table} (token, establishment_id) VALUES {{values}}",  # noqa: S608
            rows,
            2,
            chunk=1000,
        )
    return len(rows)


@contextmanager
def bulk_loading():
    """Around a first, large import: the token indexes are dropped and built once at the end
    (a sorted build is several times faster than a million scattered inserts)."""
    if EstablishmentToken.objects.exists():
        yield
        return
    indexes = EstablishmentToken._meta.indexes
    # The statements of the declared indexes, run directly: the schema editor context refuses
    # to run inside a transaction on SQLite.
    editor = connection.schema_editor()
    editor.deferred_sql = []  # used (not entered) only to render the statements
    foreign_keys = _token_foreign_keys() if connection.vendor == "postgresql" else []
    table = connection.ops.quote_name(EstablishmentToken._meta.db_table)
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(str(index.remove_sql(EstablishmentToken, editor)))
        # PostgreSQL: the foreign key too. Checked row by row, 800,000 tokens cost more than
        # the whole rest of the import; added back, it is validated by one join.
        for name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                    f"{definition}"
                )
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                # Deferred foreign-key checks of the rows just written must run first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for index in indexes:
                cursor.execute(str(index.create_sql(EstablishmentToken, editor)))


def _token_foreign_keys() -> list[tuple[str, str]]:
    """PostgreSQL: (name, definition) of the foreign keys of the token table, as they are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [EstablishmentToken._meta.db_table],
        )
        return cursor.fetchall()


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
