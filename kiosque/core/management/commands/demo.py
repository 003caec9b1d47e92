"""`kiosque demo`: load the demo data of every app (idempotent).

Each app may provide `kiosque/<app>/demo.py` with `load(stdout)`; they run in the
order of INSTALLED_APPS. Demo staff passwords are printed once, when created.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo data: applications, reference samples, a reviewer and a referent."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.name.startswith("kiosque."):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
