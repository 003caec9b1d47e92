"""CPU cost of the provider's JOSE work, per operation, with fresh keys in a temporary directory.

    PYTHONPATH=$PWD .venv/bin/python bench/oidc_jose.py [--rounds 2000] [--repeat 5]

- `id_token`: what Authlib does per ID token (the provider's key for the client's algorithm,
  its header, then `joserfc.jwt.encode`), RS256 (the default) and ES256;
- `logout_token`: `keys.sign_jwt` (back-channel logout tokens);
- `id_token_hint`: `keys.claims_of_our_id_token` (RP-initiated logout checks the hint);
- `jwks`: the JWKS body built from the keys (`keys.public_jwks()` then `json.dumps`), what the
  view pays once per key set.

Prints the best of `--repeat` runs of CPU time (process time, microseconds per operation):
the machine may be shared, the best run is the least disturbed one.
"""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402
from joserfc import jwt  # noqa: E402

from kiosque.core import app_settings as core_settings  # noqa: E402
from kiosque.oidc import keys, server  # noqa: E402


def cpu_microseconds(operation, rounds: int, repeat: int) -> float:
    best = None
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(rounds):
            operation()
        spent = (time.process_time() - start) / rounds * 1e6
        best = spent if best is None else min(best, spent)
    return best


def operations() -> dict:
    grant = server.KiosqueOpenIDCode()
    now = int(time.time())
    claims = {"iss": core_settings.BASE_URL, "sub": "bench", "aud": ["bench"], "iat": now}
    claims["exp"] = now + 300

    def id_token(alg):
        client = SimpleNamespace(id_token_signed_response_alg=alg)

        def sign():
            key = grant.resolve_client_private_key(client)
            return jwt.encode(grant.get_encode_header(client), claims, key, algorithms=[alg])

        return sign

    hint = keys.sign_jwt(claims, "RS256", "JWT")
    return {
        "id_token RS256": id_token("RS256"),
        "id_token ES256": id_token("ES256"),
        "logout_token RS256": lambda: keys.sign_jwt(claims, "RS256", "logout+jwt"),
        "logout_token ES256": lambda: keys.sign_jwt(claims, "ES256", "logout+jwt"),
        "id_token_hint RS256": lambda: keys.claims_of_our_id_token(hint),
        "jwks (2 keys)": lambda: json.dumps(keys.public_jwks()).encode(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        keys_dir = Path(directory)
        with override_settings(KIOSQUE_ENV="dev", KIOSQUE_OIDC_KEYS_DIR=keys_dir):
            keys.all_keys()  # the dev keys, made once
            print(f"{arguments.rounds} rounds, best of {arguments.repeat}, CPU µs per operation")
            for name, operation in operations().items():
                spent = cpu_microseconds(operation, arguments.rounds, arguments.repeat)
                print(f"{name:22} {spent:9.1f}")


if __name__ == "__main__":
    main()
