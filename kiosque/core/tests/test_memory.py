"""Threaded workers keep the memory of the argon2 buffers in check: the hashes run in one
thread per process (kiosque/accounts/hashers.py), so one buffer is reused whatever thread
serves the sign-in; and one malloc arena (MALLOC_ARENA_MAX=1, set by `kiosque serve`) for the
rest."""

import subprocess
import sys

PROBE = """
import os, sys, threading
import django
django.setup()
from django.contrib.auth.hashers import make_password, check_password
if sys.argv[1] == "limited":
    assert os.environ["MALLOC_ARENA_MAX"] == "1"
digest = make_password("x")
def verify(times):
    for _ in range(times):
        assert check_password("x", digest)
if sys.argv[1] == "one thread":
    verify(16)
else:
    threads = [threading.Thread(target=verify, args=(4,)) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
rss_kib = next(int(line.split()[1]) for line in open("/proc/self/status")
               if line.startswith("VmRSS:"))
print(rss_kib // 1024)
"""


def rss_after_threaded_sign_ins(mode: str, tmp_path) -> int:
    env = {  # a clean environment: no MALLOC_ARENA_MAX from the caller
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "kiosque.settings",
        "KIOSQUE_DATA_DIR": str(tmp_path),
        "KIOSQUE_ARGON2_MEMORY_KIB": str(19 * 1024),  # DESIGN.md's, not the tests' cheap ones
        "KIOSQUE_ARGON2_TIME_COST": "2",
    }
    if mode == "limited":  # as `kiosque serve` starts gunicorn (core/management/commands/serve.py)
        env["MALLOC_ARENA_MAX"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_threaded_sign_ins_hold_one_hashing_buffer_per_process(tmp_path):
    """Hashed in each request thread, every thread kept a 19 MiB buffer in its own glibc
    arena (4 threads: about 57 MB more than one thread). Hashed in the process's hashing
    thread, 4 request threads hold what one does, with or without the arena cap."""
    one_thread = rss_after_threaded_sign_ins("one thread", tmp_path)
    threaded = rss_after_threaded_sign_ins("plain", tmp_path)
    limited = rss_after_threaded_sign_ins("limited", tmp_path)
    assert threaded - one_thread < 19, (one_thread, threaded)
    assert limited - one_thread < 19, (one_thread, limited)
