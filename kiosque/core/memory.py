"""Keep threaded web workers near the memory of single-threaded ones (glibc only).

glibc gives threads that allocate at the same time arenas of their own (up to 8 per core) and
keeps what is freed in them for reuse. When gthread workers hashed passwords in their request
threads, every thread that verified one kept argon2's 19 MiB buffer: 4 threads x 10
verifications left 93 MB of RSS, against 36 MB with one arena, for the same CPU per
verification (bench note in docs/benchmarks.md). The hashes now run in one thread per process
(accounts/hashers.py), which bounds that buffer by itself; the cap still keeps what the request
threads allocate in one arena. Python holds the GIL around almost every allocation, so more
arenas buy nothing here.
"""

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # mallopt() parameter number, from glibc's malloc.h


def limit_malloc_arenas(arenas: int = 1) -> bool:
    """Cap glibc's malloc arenas for this process and the workers it forks; an operator's
    MALLOC_ARENA_MAX wins. False where it does not apply (another C library)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it, and only glibc has arenas
    except (OSError, AttributeError):
        return False
    return mallopt(M_ARENA_MAX, arenas) == 1
