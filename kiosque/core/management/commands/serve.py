"""`kiosque serve --bind HOST:PORT --workers N`: the production WSGI server (gunicorn).

gunicorn's settings live in its configuration file, kiosque/gunicorn.conf.py. This command
turns its own options into gunicorn's command line and sets the environment the server needs
from its very start, then replaces itself with gunicorn (same process id: systemd, signals and
tests see one process):

- `MALLOC_ARENA_MAX=1` (an operator's value wins): glibc reads it when the process starts, so
  the master and every worker it forks keep one malloc arena. A threaded worker then holds about
  the memory of a single-threaded one (docs/benchmarks.md, "Memory");
- `KIOSQUE_GIL_SWITCH_MS` from `--gil-switch-ms`, `KIOSQUE_ACCESS_LOG` from `--access-log`,
  read by the configuration file.
"""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

import kiosque

CONFIG_FILE = Path(kiosque.__file__).resolve().parent / "gunicorn.conf.py"
MALLOC_ARENAS = "1"
# Options of this command passed to gunicorn as they are; unset ones take gunicorn.conf.py's.
GUNICORN_FLAGS = {
    "bind": "--bind",
    "workers": "--workers",
    "threads": "--threads",
    "timeout": "--timeout",
    "keepalive": "--keep-alive",
    "max_requests": "--max-requests",
}


def gunicorn_command(options: dict, environ=None) -> tuple[list[str], dict[str, str]]:
    """gunicorn's command line and environment for these `kiosque serve` options."""
    argv = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG_FILE)]
    for key, flag in GUNICORN_FLAGS.items():
        if options.get(key) is not None:
            argv += [flag, str(options[key])]
    if options.get("max_requests") is not None:
        argv += ["--max-requests-jitter", str(options["max_requests"] // 10)]
    env = dict(os.environ if environ is None else environ)
    env.setdefault("MALLOC_ARENA_MAX", MALLOC_ARENAS)
    if options.get("gil_switch_ms") is not None:
        env["KIOSQUE_GIL_SWITCH_MS"] = str(options["gil_switch_ms"])
    if options.get("access_log") is not None:
        env["KIOSQUE_ACCESS_LOG"] = options["access_log"]
    return argv, env


class Command(BaseCommand):
    help = "Serve Kiosque with gunicorn (settings: kiosque/gunicorn.conf.py)."
    requires_system_checks = []

    def add_arguments(self, parser):
        default = "default: gunicorn.conf.py's, %s"
        parser.add_argument("--bind", help=default % "127.0.0.1:8000")
        parser.add_argument("--workers", type=int, help=default % 2)
        parser.add_argument("--threads", type=int, help=default % 4)
        parser.add_argument("--timeout", type=int, help=default % "30 s")
        parser.add_argument("--access-log", help="file, - for stdout, empty for none (default -)")
        parser.add_argument("--max-requests", type=int, help=default % 5000)
        parser.add_argument("--keepalive", type=int, help=default % "0 s (gthread only)")
        parser.add_argument(
            "--gil-switch-ms",
            type=float,
            help="the workers' GIL switch interval (default: KIOSQUE_GIL_SWITCH_MS, else 1)",
        )

    def handle(self, *args, **options):
        argv, env = gunicorn_command(options)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 (gunicorn, our fixed command line)
