"""`kiosque rotate-oidc-keys`: a new signing key per algorithm, old ones pruned after overlap."""

from django.core.management.base import BaseCommand

from kiosque.oidc import keys


class Command(BaseCommand):
    help = (
        "Create new OpenID Connect signing keys (RS256, ES256) in KIOSQUE_OIDC_KEYS_DIR; "
        "remove the keys replaced long enough ago for their tokens to have expired."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overlap",
            type=int,
            default=None,
            help="Seconds a replaced key stays published (default: ID token life + JWKS cache).",
        )

    def handle(self, *args, overlap=None, **options):
        created, removed = keys.rotate(overlap=overlap)
        for key in created:
            self.stdout.write(f"Nouvelle clé {key.alg} : {key.kid}")
        for key in removed:
            self.stdout.write(f"Clé retirée {key.alg} : {key.kid}")
        self.stdout.write(self.style.SUCCESS(f"Clés dans {keys.keys_dir()}"))
