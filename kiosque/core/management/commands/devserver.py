"""`kiosque devserver`: the portal and the mail worker side by side, for `make run`.

Both run as child processes; Ctrl-C (or SIGTERM) stops both.
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from kiosque.mail import app_settings as mail_settings
from kiosque.oidc import demo as dcc_demo


class Command(BaseCommand):
    help = "Run the portal (gunicorn) and the mail worker together until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        kiosque = [sys.executable, "-m", "kiosque"]
        children = [
            subprocess.Popen([*kiosque, "worker"]),  # noqa: S603 (our own command)
            subprocess.Popen(  # noqa: S603 (our own command)
                [*kiosque, "serve", "--bind", options["bind"], "--workers", str(options["workers"])]
            ),
        ]
        demo_config = settings.DATA_DIR / "dcc_demo_client.json"
        demo_app = settings.BASE_DIR.parent / "examples" / "dcc_demo" / "app.py"
        if demo_config.exists() and demo_app.exists():
            children.append(
                subprocess.Popen(  # noqa: S603 (our own demo application)
                    [
                        sys.executable,
                        str(demo_app),
                        "--bind",
                        dcc_demo.rp_bind(),
                        "--config",
                        str(demo_config),
                    ]
                )
            )  # it prints its own address once it listens
        self.stdout.write(f"Kiosque: http://{options['bind']}/")
        if mail_settings.DEV_MAILBOX:
            self.stdout.write(
                f"Boîte aux lettres de développement : http://{options['bind']}/dev/mailbox/"
            )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c.returncode for c in children if c.returncode not in (0, -15, None)]
        if failed and not stopping:
            sys.exit(1)
