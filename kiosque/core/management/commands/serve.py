"""`kiosque serve --bind HOST:PORT --workers N`: the production WSGI server (gunicorn)."""

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from kiosque.core.memory import limit_malloc_arenas

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4


class KiosqueApplication(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self):
        from kiosque.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Kiosque with gunicorn (static files through WhiteNoise)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (repeatable)")
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
        parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
        parser.add_argument("--timeout", type=int, default=30)
        parser.add_argument("--access-log", default="-", help="file, or - for stdout")
        parser.add_argument("--max-requests", type=int, default=5000)
        # 0: close the connection after each response, as the sync worker always does. With
        # threads (gthread) a kept-alive connection closed by the server's keep-alive timer
        # while a client was already sending on it ends in a reset; the proxy in front keeps
        # the browsers' connections alive anyway.
        parser.add_argument("--keepalive", type=int, default=0, help="seconds (gthread only)")

    def handle(self, *args, **options):
        limit_malloc_arenas()  # before gunicorn forks: the workers inherit it
        KiosqueApplication(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "timeout": options["timeout"],
                "keepalive": options["keepalive"],
                "graceful_timeout": 20,
                "accesslog": options["access_log"] or None,
                "max_requests": options["max_requests"],
                "max_requests_jitter": options["max_requests"] // 10,
                "forwarded_allow_ips": "127.0.0.1,::1",
                "proc_name": "kiosque",
            }
        ).run()
