"""Access checks at regional scale: the calls the OIDC provider makes on every token, and the
pages users and referents open most.

    .venv/bin/python bench/portal_access.py                      # SQLite (temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiosque_bench \
        .venv/bin/python bench/portal_access.py

The database named by DATABASE_URL is created if needed and its portal tables are emptied:
never point it at a real database. Targets: has_access / granted_roles p95 < 5 ms,
applications_for p95 < 10 ms, "Vos applications" and the referent queue p95 < 100 ms.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")

from autocomplete import percentile, setup_database  # noqa: E402


def timed(function, samples):
    timings = []
    for sample in samples:
        started = time.perf_counter()
        function(sample)
        timings.append((time.perf_counter() - started) * 1000)
    return f"p50 {percentile(timings, 0.5):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    label = setup_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from kiosque.accounts import roles
    from kiosque.accounts.models import User
    from kiosque.portal import demo
    from kiosque.portal.models import AccessGrant, AccessRequest, Application
    from kiosque.portal.services.access import applications_for, granted_roles, has_access

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    AccessGrant.objects.all().delete()
    AccessRequest.objects.all().delete()
    User.objects.filter(username__startswith="bench").delete()
    applications = demo.load_catalogue()
    requestable = [app for app in applications if app.requires_request]
    dcc = Application.objects.get(slug="dcc")
    rng = random.Random(7)

    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(username=f"bench{i}", last_name=f"Nom{i}", email=f"bench{i}@exemple.fr")
                for i in range(args.users)
            ],
            batch_size=2000,
        )
        now = timezone.now()
        grants, requests = [], []
        for user in users:
            chosen = rng.sample(requestable, 3)
            grants += [
                AccessGrant(user=user, application=app, granted_at=now) for app in chosen[:2]
            ]
            requests.append(AccessRequest(user=user, application=chosen[2]))
        AccessGrant.objects.bulk_create(grants, batch_size=5000)
        AccessRequest.objects.bulk_create(requests, batch_size=5000)
        through = AccessGrant.roles.through
        role = dcc.roles.first()
        through.objects.bulk_create(
            [
                through(accessgrant_id=g.pk, applicationrole_id=role.pk)
                for g in grants
                if g.application_id == dcc.pk
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {label}")
    print(
        f"loaded {args.users} users, {len(grants)} grants, {len(requests)} pending requests "
        f"in {time.perf_counter() - started:.1f} s"
    )

    sample_users = [rng.choice(users) for _ in range(args.samples)]
    print("has_access: " + timed(lambda u: has_access(u, dcc), sample_users))
    print("granted_roles: " + timed(lambda u: granted_roles(u, dcc), sample_users))
    print("applications_for: " + timed(applications_for, sample_users))

    client = Client()
    pages = sample_users[:100]

    def home(user):
        client.force_login(user)
        assert client.get("/applications/").status_code == 200

    print("GET /applications/ (incl. force_login): " + timed(home, pages))

    referent, _ = User.objects.get_or_create(username="bench-referent")
    referent.groups.add(Group.objects.get_or_create(name=roles.APPLICATION_REFERENTS)[0])
    dcc.referents.add(referent)
    client.force_login(referent)
    pending = AccessRequest.objects.filter(application=dcc, status="pending").count()

    def queue(_):
        assert client.get("/applications/referent/").status_code == 200

    print(
        f"GET /applications/referent/ ({pending} pending DCC requests): " + timed(queue, range(50))
    )


if __name__ == "__main__":
    main()
