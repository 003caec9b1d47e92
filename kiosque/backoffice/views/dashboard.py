from django.shortcuts import render
from django.views.decorators.http import require_GET

from kiosque.backoffice.flows.dashboard import figures
from kiosque.backoffice.permissions import account_manager_required


@account_manager_required
@require_GET
def dashboard(request):
    return render(request, "backoffice/dashboard.html", {**figures(), "section": "dashboard"})
