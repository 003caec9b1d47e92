"""Threaded workers keep the memory of the argon2 buffers in check: one hash at a time per
process (kiosque/accounts/hashers.py) and one malloc arena (kiosque/core/memory.py)."""

import subprocess
import sys

PROBE = """
import os, sys, threading
import django
django.setup()
from django.contrib.auth.hashers import make_password, check_password
from kiosque.core.memory import limit_malloc_arenas
if sys.argv[1] == "limited":
    assert limit_malloc_arenas()
digest = make_password("x")
def verify():
    for _ in range(4):
        assert check_password("x", digest)
threads = [threading.Thread(target=verify) for _ in range(4)]
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
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_threaded_sign_ins_hold_one_hashing_buffer_per_process(tmp_path):
    plain = rss_after_threaded_sign_ins("plain", tmp_path)
    limited = rss_after_threaded_sign_ins("limited", tmp_path)
    # One hash at a time, but in each thread's own arena, glibc keeps a 19 MiB buffer per
    # thread; with one arena the same buffer is reused.
    assert plain - limited >= 30, (plain, limited)


def test_an_operators_setting_wins(monkeypatch):
    from kiosque.core.memory import limit_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
