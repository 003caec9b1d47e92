"""The establishment autocomplete (JSON), used by the registration form."""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kiosque.core import ratelimit
from kiosque.directory.services.search import MAX_QUERY_LENGTH, search_establishments

MIN_QUERY_LENGTH = 2
RESULTS = 10


class _HtmlSafeEncoder(DjangoJSONEncoder):
    """JSON whose text can never be read as markup, even if a client mislabels it."""

    def encode(self, o):
        text = super().encode(o)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=_HtmlSafeEncoder)


def _as_json(establishment) -> dict:
    departement = establishment.departement
    return {
        "finess": establishment.finess,
        "name": establishment.name,
        "postal_code": establishment.postal_code,
        "city": establishment.city,
        "departement": departement.code if departement else "",
        "departement_label": str(departement) if departement else "",
    }


@never_cache
@require_GET
def establishment_search(request):
    hit = ratelimit.hit(ratelimit.address_key(request), "directory.autocomplete", backend="cache")
    if not hit.allowed:
        response = _json({"error": ratelimit.wait_message(hit.retry_after), "results": []}, 429)
        response["Retry-After"] = str(hit.retry_after)
        return response
    query = request.GET.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        return _json({"error": _("La recherche est trop longue."), "results": []}, 400)
    if len(query.strip()) < MIN_QUERY_LENGTH:
        return _json({"results": []})
    results = search_establishments(query, limit=RESULTS)
    return _json({"results": [_as_json(establishment) for establishment in results]})
