"""How long one password check costs with the configured argon2id parameters.

    .venv/bin/python bench/accounts_password_hashing.py [--rounds 20]

Prints the median and p95 of hashing and verifying, for the default parameters (19 MiB,
t=2, p=1) and a few alternatives, so the KIOSQUE_ARGON2_* settings can be chosen on the
target machine (aim: 50 to 500 ms per check).
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import check_password, make_password  # noqa: E402
from django.test import override_settings  # noqa: E402

from kiosque.accounts import app_settings as accounts_settings  # noqa: E402

CANDIDATES = [(19 * 1024, 2, 1), (46 * 1024, 1, 1), (64 * 1024, 3, 1)]


def measure(rounds: int) -> tuple[float, float, float]:
    hashes, checks = [], []
    encoded = make_password("Bench-Secret-2026")
    for _ in range(rounds):
        start = time.perf_counter()
        make_password("Bench-Secret-2026")
        hashes.append(time.perf_counter() - start)
        start = time.perf_counter()
        check_password("Bench-Secret-2026", encoded)
        checks.append(time.perf_counter() - start)
    checks.sort()
    return statistics.median(hashes), statistics.median(checks), checks[int(len(checks) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    print(f"argon2id, {rounds} rounds, {os.cpu_count()} CPU(s)")
    for memory, time_cost, parallelism in CANDIDATES:
        with override_settings(
            KIOSQUE_ARGON2_MEMORY_KIB=memory,
            KIOSQUE_ARGON2_TIME_COST=time_cost,
            KIOSQUE_ARGON2_PARALLELISM=parallelism,
        ):
            hashed, checked, p95 = measure(rounds)
        marker = (
            " (configured)"
            if (memory, time_cost, parallelism)
            == (
                accounts_settings.ARGON2_MEMORY_KIB,
                accounts_settings.ARGON2_TIME_COST,
                accounts_settings.ARGON2_PARALLELISM,
            )
            else ""
        )
        print(
            f"m={memory // 1024} MiB t={time_cost} p={parallelism}{marker}: "
            f"hash median {hashed * 1000:.1f} ms, check median {checked * 1000:.1f} ms, "
            f"check p95 {p95 * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
