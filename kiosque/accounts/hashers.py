"""argon2id with the parameters of DESIGN.md, read from settings so they can be tuned.

Django re-hashes a password at the next successful login whenever these parameters
change (`must_update`), so raising them upgrades stored hashes as users sign in.
"""

import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def hashing_slot() -> threading.BoundedSemaphore:
    """At most KIOSQUE_ARGON2_CONCURRENCY hashes at a time in this process.

    Each hash holds a KIOSQUE_ARGON2_MEMORY_KIB buffer and a core: with threaded workers,
    more than one hash per process buys no throughput (a worker per core already fills the
    cores) but multiplies the memory held, so other threads serve pages meanwhile and the
    sign-ins wait for the slot."""
    global _slots
    if _slots is None:
        with _slots_lock:
            if _slots is None:
                _slots = threading.BoundedSemaphore(settings.KIOSQUE_ARGON2_CONCURRENCY)
    return _slots


class KiosqueArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"

    def encode(self, password, salt):
        with hashing_slot():
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with hashing_slot():
            return super().verify(password, encoded)

    @property
    def memory_cost(self):
        return settings.KIOSQUE_ARGON2_MEMORY_KIB

    @property
    def time_cost(self):
        return settings.KIOSQUE_ARGON2_TIME_COST

    @property
    def parallelism(self):
        return settings.KIOSQUE_ARGON2_PARALLELISM
