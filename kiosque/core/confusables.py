"""The confusable skeleton of Unicode Technical Standard #39 (section 4, "Confusable
Detection"): two strings that look alike have the same skeleton, e.g. "DUPONT" and "DUРONT"
(a Cyrillic Р) both give "DUPONT".

    skeleton(X) = NFD( concatenation of prototype(c) for each character c of NFD(X) )

where prototype(c) is the mapping of c in Unicode's confusables.txt, or c itself. The data is
Unicode's own (kiosque/core/data/confusables.txt, version 14.0.0, the prototype column only).
No maintained Python library exposes the skeleton: confusable-homoglyphs and confusables
answer "is this string confusable?" or list look-alikes, not the UTS #39 prototype mapping; ICU's
SpoofChecker does (PyICU), at the price of a compiled dependency on libicu.

The skeleton is for comparisons only, never shown: it is case-sensitive and may look odd
("m" becomes "rn", "I" becomes "l").
"""

import functools
import unicodedata
from pathlib import Path

DATA = Path(__file__).parent / "data" / "confusables.txt"


@functools.cache
def prototypes() -> dict[str, str]:
    """Character -> its prototype string, from Unicode's confusables.txt."""
    table = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = line.split(";")
        table[chr(int(source, 16))] = "".join(chr(int(point, 16)) for point in target.split())
    return table


def skeleton(text: str) -> str:
    mapping = prototypes()
    decomposed = unicodedata.normalize("NFD", text or "")
    return unicodedata.normalize("NFD", "".join(mapping.get(char, char) for char in decomposed))


def confusable(a: str, b: str) -> bool:
    """Whether `a` and `b` look alike (UTS #39: same skeleton)."""
    return skeleton(a) == skeleton(b)
