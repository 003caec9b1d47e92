import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiosque.settings")
django_application = get_wsgi_application()

from kiosque.oidc.static_endpoints import StaticEndpoints  # noqa: E402 (needs django.setup())

# Discovery and JWKS replayed from memory (see kiosque/oidc/static_endpoints.py).
application = StaticEndpoints(django_application)
