"""Re-encrypt the secrets stored at rest with the newest key of KIOSQUE_FIELD_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from kiosque.core import crypto
from kiosque.mfa.models import TOTPDevice


class Command(BaseCommand):
    help = "Re-encrypt TOTP secrets with the first key of KIOSQUE_FIELD_KEYS (after a new key)."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for device in TOTPDevice.objects.select_for_update().only("pk", "encrypted_secret"):
                rotated = crypto.rotate(device.encrypted_secret)
                TOTPDevice.objects.filter(pk=device.pk).update(encrypted_secret=rotated)
                count += 1
        self.stdout.write(f"{count} secret(s) re-encrypted with the newest key.")
