"""Establishment autocomplete: by name, city, postal code or FINESS prefix.

Every establishment has its normalised words in EstablishmentToken, indexed on
(token, establishment) and (establishment, token). A query word is a prefix range
(`token >= "hop" AND token < "hoq"`, byte order on both databases). The most selective word
drives: its index range is read in order and each candidate is kept when the other words
match one of its tokens (EXISTS through the second index). The read stops at `limit`
establishments, so a two-letter prefix shared by 40,000 sites costs no more than a rare
word: no full scan, no sort of every match.
"""

from django.db.models import Exists, OuterRef, QuerySet

from kiosque.directory.models import Establishment, EstablishmentToken
from kiosque.directory.text import STOP_WORDS, TOKEN_MAX_LENGTH, words

MAX_QUERY_WORDS = 6
MAX_QUERY_LENGTH = 200
SELECTIVITY_PROBE = 5000


def query_words(query: str) -> list[str]:
    """The words to match: stop words dropped unless nothing else is left; longest first."""
    found = words(str(query or "")[:MAX_QUERY_LENGTH])
    kept = [word for word in found if word not in STOP_WORDS] or found
    unique = sorted(set(kept), key=lambda word: (-len(word), word))
    return unique[:MAX_QUERY_WORDS]


def _prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` ("hop" -> "hoq")."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _matching(tokens: QuerySet, word: str) -> QuerySet:
    # Byte-order range: SQLite's BINARY collation, the "C" collation of the column on
    # PostgreSQL (migration 0004). Tokens are [a-z0-9] only.
    word = word[:TOKEN_MAX_LENGTH]
    return tokens.filter(token__gte=word, token__lt=_prefix_upper_bound(word))


def _probe(word: str) -> int:
    """How many tokens start with `word`, counted up to SELECTIVITY_PROBE (index only)."""
    return _matching(EstablishmentToken.objects.all(), word)[:SELECTIVITY_PROBE].count()


def _candidate_ids(wanted: list[str], limit: int) -> list[str]:
    ranked = sorted(wanted, key=_probe) if len(wanted) > 1 else wanted
    driver, others = ranked[0], ranked[1:]
    rows = _matching(EstablishmentToken.objects.all(), driver)
    for word in others:
        other = _matching(
            EstablishmentToken.objects.filter(establishment_id=OuterRef("establishment_id")), word
        )
        rows = rows.filter(Exists(other))
    # Index order (token, establishment): exact words come before longer ones ("dreux"
    # before "dreuxoise"). An establishment can match twice ("pharmacie", "pharmacies").
    ids = rows.order_by("token", "establishment_id").values_list("establishment_id", flat=True)
    unique = list(dict.fromkeys(ids[: limit * 2]))
    return unique[:limit]


def search_establishments(query: str, limit: int = 10) -> list[Establishment]:
    """Establishments whose words start with every word of `query` (accents, case and
    word order ignored): the first `limit` found in index order, sorted by name."""
    wanted = query_words(query)
    if not wanted:
        return []
    limit = max(1, min(int(limit), 50))
    ids = _candidate_ids(wanted, limit)
    found = Establishment.objects.select_related("departement").in_bulk(ids)
    return sorted((found[pk] for pk in ids if pk in found), key=lambda e: (e.name, e.finess))
