"""argon2id with the parameters of DESIGN.md, read from settings so they can be tuned.

Django re-hashes a password at the next successful login whenever these parameters
change (`must_update`), so raising them upgrades stored hashes as users sign in.
"""

import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import Argon2PasswordHasher

from kiosque.accounts import app_settings

log = logging.getLogger("kiosque.accounts")

_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _lower_own_priority() -> None:
    """Run this thread KIOSQUE_ARGON2_NICE steps nicer than the process (Linux only, where
    the nice value is per thread; elsewhere it is per process and stays as it is).

    A refusal (a sandbox that forbids the call) leaves the priority as it is: an initializer
    that raised would break the pool, and every sign-in with it."""
    steps = app_settings.ARGON2_NICE
    if steps <= 0 or not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        lower = min(19, os.getpriority(os.PRIO_PROCESS, thread) + steps)
        os.setpriority(os.PRIO_PROCESS, thread, lower)
    except OSError as error:
        log.warning("password hashes keep the workers' priority: %s", error)


def hashing_pool() -> ThreadPoolExecutor:
    """The threads that compute this process's password hashes, KIOSQUE_ARGON2_CONCURRENCY
    of them; the request threads wait for their result.

    Each hash holds a KIOSQUE_ARGON2_MEMORY_KIB buffer and a core for tens of milliseconds:
    with threaded workers, more than one hash per process buys no throughput (a worker per
    core already fills the cores) but multiplies the memory held. The hashing threads run at
    a lower priority (KIOSQUE_ARGON2_NICE), so when the cores are busy the pages go first and
    the sign-ins wait: a hash no longer holds up the pages around it. argon2 releases the
    GIL, so the other threads of the process serve pages meanwhile."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():  # a forked child gets threads of its own
        with _pool_lock:
            if _pool is None or _pool_pid != os.getpid():
                _pool = ThreadPoolExecutor(
                    max_workers=app_settings.ARGON2_CONCURRENCY,
                    thread_name_prefix="argon2",
                    initializer=_lower_own_priority,
                )
                _pool_pid = os.getpid()
    return _pool


class KiosqueArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"

    def encode(self, password, salt):
        return hashing_pool().submit(super().encode, password, salt).result()

    def verify(self, password, encoded):
        return hashing_pool().submit(super().verify, password, encoded).result()

    @property
    def memory_cost(self):
        return app_settings.ARGON2_MEMORY_KIB

    @property
    def time_cost(self):
        return app_settings.ARGON2_TIME_COST

    @property
    def parallelism(self):
        return app_settings.ARGON2_PARALLELISM
