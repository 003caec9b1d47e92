"""CPU per call of the ways to read userinfo's token, in-process on a bench database.

    .venv/bin/python bench/token_lookup_options.py --database kiosque_bench_1k [--calls 500]

The token of a bench professional (with a profile and its places) is read by each option in
turn, rounds of 100 calls alternated (the machine may be shared): the lookup alone, then the
lookup and the userinfo claims (scope openid profile email rpps). The options: the ORM's
select_related + Exists (`server.token_queryset()`, the read paths before issue 17's lookup),
the ORM's `values_list` of only the columns read, and `oidc.lookup`'s hand-written statement
(the places by the ORM afterwards, or folded into the same statement).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import bench_env  # noqa: E402

SCOPES = ["openid", "profile", "email", "rpps"]


def options(digest: str) -> list:
    from kiosque.oidc import claims, lookup, server
    from kiosque.oidc.models import Token
    from kiosque.portal.services.access import active_grant_exists

    def orm_select_related():
        return server.token_queryset().filter(access_token_hash=digest).first()

    def orm_values_list():
        return (
            Token.objects.filter(access_token_hash=digest)
            .annotate(grant=active_grant_exists("user_id", "client__application_id"))
            .values_list(
                "expires_at",
                "revoked_at",
                "scope",
                "client__client_id",
                "client__application__is_active",
                "client__application__requires_request",
                "user__is_active",
                "user__deactivated_at",
                "user__is_locked",
                "user__locked_until",
                "user__username",
                "user__first_name",
                "user__last_name",
                "user__email",
                "user__oidc_subject__sub",
                "user__professional_profile__rpps",
                "grant",
            )  # fmt: skip
            .first()
        )

    def hand_written():
        return lookup.by_access_token(digest)

    def orm_select_related_and_claims():
        token = orm_select_related()
        return claims.user_claims(token.user, SCOPES, token.client)

    def hand_written_then_places_by_orm_and_claims():
        token = lookup.by_access_token(digest).token
        return claims.user_claims(token.user, SCOPES, token.client)

    def hand_written_with_places_and_claims():
        found = lookup.by_access_token(digest, places=True)
        return claims.user_claims(found.token.user, SCOPES, found.token.client, found.professional)

    assert (
        orm_select_related_and_claims()
        == hand_written_then_places_by_orm_and_claims()
        == hand_written_with_places_and_claims()
    )
    return [
        orm_select_related,
        orm_values_list,
        hand_written,
        orm_select_related_and_claims,
        hand_written_then_places_by_orm_and_claims,
        hand_written_with_places_and_claims,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kiosque_bench_1k")
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    os.environ.update(bench_env(args.database))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        }
    )
    import django

    django.setup()
    from kiosque.oidc.models import Token

    digest = (
        Token.objects.filter(user__professional_profile__establishments__isnull=False)
        .order_by("-id")
        .values_list("access_token_hash", flat=True)
        .first()
    )
    if digest is None:
        sys.exit("no token of a professional with a place: run bench/profile_endpoints.py once")
    ways = options(digest)
    totals = dict.fromkeys((way.__name__ for way in ways), 0.0)
    rounds = max(1, args.calls // 100)
    for _ in range(rounds):
        for way in ways:
            for _ in range(10):
                way()
            cpu = time.process_time()
            for _ in range(100):
                way()
            totals[way.__name__] += time.process_time() - cpu
    for name, cpu in totals.items():
        print(f"{name:46s} {cpu / (rounds * 100) * 1000:6.2f} ms CPU per call")


if __name__ == "__main__":
    main()
