"""`kiosque serve --bind HOST:PORT --workers N`: the production WSGI server (gunicorn)."""

import os
import sys

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from kiosque.core.memory import limit_malloc_arenas

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
# Python's default is 5 ms. A thread back from a database query waits that long for the GIL
# whenever another thread of the worker is computing a page, once per query. With 4 threads,
# 1 ms took about 5-10 % off the load run's p95 and p99 at equal host speed (docs/reliability.md).
DEFAULT_GIL_SWITCH_MS = 1.0


def gil_switch_ms() -> float:
    return float(os.environ.get("KIOSQUE_GIL_SWITCH_MS") or DEFAULT_GIL_SWITCH_MS)


def switch_interval_hook(milliseconds: float):
    """gunicorn's post_worker_init: each worker sets its GIL switch interval and says so."""

    def post_worker_init(worker):
        sys.setswitchinterval(milliseconds / 1000)
        worker.log.info("GIL switch interval: %g ms", sys.getswitchinterval() * 1000)

    return post_worker_init


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
        parser.add_argument(
            "--gil-switch-ms",
            type=float,
            default=None,
            help="the workers' GIL switch interval (default: KIOSQUE_GIL_SWITCH_MS, else 1)",
        )

    def handle(self, *args, **options):
        limit_malloc_arenas()  # before gunicorn forks: the workers inherit it
        switch_ms = options["gil_switch_ms"] or gil_switch_ms()
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
                "post_worker_init": switch_interval_hook(switch_ms),
            }
        ).run()
