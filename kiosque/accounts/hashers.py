"""argon2id with the parameters of DESIGN.md, read from settings so they can be tuned.

Django re-hashes a password at the next successful login whenever these parameters
change (`must_update`), so raising them upgrades stored hashes as users sign in.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class KiosqueArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"

    @property
    def memory_cost(self):
        return settings.KIOSQUE_ARGON2_MEMORY_KIB

    @property
    def time_cost(self):
        return settings.KIOSQUE_ARGON2_TIME_COST

    @property
    def parallelism(self):
        return settings.KIOSQUE_ARGON2_PARALLELISM
