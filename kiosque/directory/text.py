"""Text normalisation shared by the search index and the search queries."""

import functools
import re
import unicodedata

TOKEN_MAX_LENGTH = 40
# Words too common to index on their own ("centre hospitalier de la ..."): a query made only
# of such words still works by prefix on the other tokens.
STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur", "sous"}
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=32768)
def _normalize(text: str) -> str:
    """Lower case ASCII letters and digits separated by single spaces ("Hôpital d'Orléans"
    -> "hopital d orleans"); ligatures and accents folded, everything else a separator."""
    folded = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def normalize(text) -> str:
    return _normalize(str(text or ""))


def words(text: str) -> list[str]:
    return [word[:TOKEN_MAX_LENGTH] for word in normalize(text).split()]
