"""gunicorn's settings for Kiosque: its configuration file, loaded with `--config`.

`kiosque serve` runs `python -m gunicorn --config <this file>` with the options it was given on
its command line (`--bind`, `--workers`, `--threads`…, which win over the values below) and an
environment of its own (kiosque/core/management/commands/serve.py). The same server without
`kiosque serve`:

    MALLOC_ARENA_MAX=1 gunicorn --config /path/to/kiosque/gunicorn.conf.py --bind 127.0.0.1:8000

Read from the environment here: `KIOSQUE_GIL_SWITCH_MS` and `KIOSQUE_ACCESS_LOG`
(docs/configuration.md), and Django's settings for the data directory.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")

from django.conf import settings  # noqa: E402 (needs DJANGO_SETTINGS_MODULE)

wsgi_app = "kiosque.wsgi:application"
bind = ["127.0.0.1:8000"]
workers = 2
# gthread: a worker keeps serving pages on its other threads while one waits for the database
# or the hashing thread (docs/reliability.md).
threads = 4
timeout = 30
graceful_timeout = 20
# 0: close the connection after each response, as the sync worker always does. With threads
# (gthread) a kept-alive connection closed by the server's keep-alive timer while a client was
# already sending on it ends in a reset; the proxy in front keeps the browsers' connections
# alive anyway.
keepalive = 0
max_requests = 5000
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("KIOSQUE_ACCESS_LOG", "-") or None  # "-": stdout; empty: none
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "kiosque"
# gunicorn's control socket (`gunicornc`) defaults to ~/.gunicorn/gunicorn.ctl, the same for
# every instance of the user: each instance takes it from the others. One per data directory.
control_socket = str(settings.DATA_DIR / "gunicorn.ctl")

# Python's default is 5 ms. A thread back from a database query waits that long for the GIL
# whenever another thread of the worker is computing a page, once per query. With 4 threads,
# 1 ms took about 5-10 % off the load run's p95 and p99 at equal host speed (docs/reliability.md).
DEFAULT_GIL_SWITCH_MS = 1.0


def post_worker_init(worker):
    """Each worker sets its GIL switch interval and says so."""
    milliseconds = float(os.environ.get("KIOSQUE_GIL_SWITCH_MS") or DEFAULT_GIL_SWITCH_MS)
    sys.setswitchinterval(milliseconds / 1000)
    worker.log.info("GIL switch interval: %g ms", sys.getswitchinterval() * 1000)
