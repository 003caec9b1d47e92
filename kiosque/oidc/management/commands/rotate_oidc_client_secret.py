"""`kiosque rotate-oidc-client-secret <client_id>`: a new 256-bit secret, shown once."""

from django.core.management.base import BaseCommand, CommandError

from kiosque.oidc.flows import clients
from kiosque.oidc.models import Client


class Command(BaseCommand):
    help = (
        "Give an OpenID Connect client a new random secret (256 bits); the old one stops "
        "working at once. The secret is printed once and stored only as a keyed hash."
    )

    def add_arguments(self, parser):
        parser.add_argument("client_id")

    def handle(self, *args, client_id, **options):
        client = Client.objects.filter(client_id=client_id).first()
        if client is None:
            raise CommandError(f"Aucun client OpenID Connect « {client_id} ».")
        if client.token_endpoint_auth_method != Client.AuthMethod.SECRET_BASIC:
            raise CommandError(f"Le client « {client_id} » ne s'authentifie pas par secret.")
        secret = clients.rotate_secret(client)
        self.stdout.write(f"client_id : {client.client_id}")
        self.stdout.write(f"secret : {secret}")
        self.stdout.write(self.style.WARNING("Copiez-le maintenant : il ne sera plus affiché."))
