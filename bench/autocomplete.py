"""Establishment autocomplete at national scale: import 100,000 generated FINESS sites, then
time 200 realistic searches.

    .venv/bin/python bench/autocomplete.py                      # SQLite (temporary file)
    .venv/bin/python bench/autocomplete.py \
        --database-url postgres://postgres@127.0.0.1:5432/kiosque_bench

The database named by DATABASE_URL is created if needed and its directory tables are
emptied: never point it at a real database. Targets: import < 30 s, search p95 < 50 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")

QUERIES = [
    "dre", "dreux", "chu tours", "hopital", "hôpital bretonneau", "bretonneau", "tours",
    "orleans", "chr orl", "pharmacie", "pharmacie gare", "pharmacie du centre tours",
    "ehpad", "ehpad tilleuls", "labo", "biolab", "clinique", "clinique alliance", "centre hosp",
    "centre hospitalier de blois", "ch", "ce", "37000", "28100", "2805", "280503848", "370",
    "maison de sante", "ssiad", "cmp", "radio", "radiotherapie", "oncocentre", "airbp",
    "saint", "saint jean de braye", "chartres", "bourges", "chateauroux", "vendome", "gien",
    "paris", "lyon", "marseille pharmacie", "ajaccio", "pointe", "cayenne", "st", "cent",
    "les", "de la", "pharm du", "ehpad les", "hopital prive", "vierzon", "loches", "amboise",
]  # fmt: skip


def setup_database(url: str | None) -> str:
    if url:
        os.environ["DATABASE_URL"] = url
        import psycopg

        base, _sep, name = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return f"PostgreSQL ({name})"
    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return f"SQLite ({path})"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    label = setup_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kiosque.directory.imports.finess import import_finess
    from kiosque.directory.models import Establishment, EstablishmentToken
    from kiosque.directory.samples import write_finess_file
    from kiosque.directory.services.search import search_establishments

    call_command("migrate", verbosity=0)
    EstablishmentToken.objects.all().delete()
    Establishment.objects.all().delete()

    work = Path(tempfile.mkdtemp())
    source = work / "finess_bench.csv"
    started = time.perf_counter()
    write_finess_file(source, args.count, national=True)
    generated = time.perf_counter() - started
    print(f"database: {label}")
    print(
        f"generated {args.count} sites in {generated:.1f} s ({source.stat().st_size / 1e6:.1f} MB)"
    )

    report = import_finess(source)
    print(
        f"import: {report.seconds:.1f} s (created {report.created}, geolocated "
        f"{report.geolocated}, rejected {report.rejected_count}); "
        f"{EstablishmentToken.objects.count()} tokens"
    )
    report = import_finess(source)
    print(f"re-import (same file): {report.seconds:.1f} s (updated {report.updated})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    rng = random.Random(7)
    queries = [rng.choice(QUERIES) for _ in range(args.queries)]
    for query in QUERIES:  # warm-up
        search_establishments(query)
    timings, empty = [], 0
    for query in queries:
        started = time.perf_counter()
        found = search_establishments(query)
        timings.append((time.perf_counter() - started) * 1000)
        empty += not found
    print(
        f"search ({len(queries)} queries, {empty} without result): "
        f"p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms, mean {statistics.mean(timings):.1f} ms"
    )
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:5]
    print("slowest: " + ", ".join(f"{q!r} {t:.1f} ms" for t, q in slowest))


if __name__ == "__main__":
    main()
