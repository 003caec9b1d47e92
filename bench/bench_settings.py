"""Settings of the benchmark server: the project's settings, with the per-IP autocomplete
limit lifted (every benchmark request comes from 127.0.0.1; the limit is still counted).

    DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=bench .venv/bin/kiosque serve ...
"""

from kiosque.settings import *  # noqa: F403

KIOSQUE_RATE_LIMITS = {"directory.autocomplete": "1000000000/1m"}
