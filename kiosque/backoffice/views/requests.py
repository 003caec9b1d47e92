"""The review queue, one request's detail and its decision, CSV export, bulk validation."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kiosque.audit.models import AuditEvent
from kiosque.backoffice.flows import bulk, evidence, export, queue
from kiosque.backoffice.flows.duplicates import find_duplicates
from kiosque.backoffice.forms import BulkApproveForm, DecisionForm, QueueFilterForm
from kiosque.backoffice.permissions import account_manager_required
from kiosque.registration.flows import approve, reject, request_info
from kiosque.registration.flows.decision import OPEN_STATUSES, AlreadyDecided
from kiosque.registration.models import RegistrationRequest

PAGE_SIZE = 50


@account_manager_required
@require_GET
def request_queue(request):
    form = QueueFilterForm(request.GET or None)
    registrations = (
        queue.filter_requests(**form.filters()) if form.is_bound else (queue.filter_requests())
    )
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    registrations = list(page.object_list)
    blockers = bulk.ineligibilities(registrations)
    rows = [
        {
            "registration": registration,
            # Calendar days in local time: 0 is "aujourd'hui", 1 is "hier".
            "age_days": (timezone.localdate() - timezone.localdate(registration.created_at)).days,
            "bulk_blocker": blockers[registration.pk],
        }
        for registration in registrations
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "count": page.paginator.count,
            "query": query.urlencode(),
            "bulk_form": BulkApproveForm(),
            "section": "queue",
        },
    )


@account_manager_required
@require_GET
def export_queue(request):
    form = QueueFilterForm(request.GET or None)
    registrations = (
        queue.filter_requests(**form.filters()) if form.is_bound else (queue.filter_requests())
    )
    response = HttpResponse(
        export.queue_csv(registrations.iterator(chunk_size=500)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="demandes-{stamp}.csv"'
    return response


def _detail_context(registration, form):
    return {
        "registration": registration,
        "establishments": registration.establishments.all(),
        "evidence": evidence.gather(registration),
        "duplicates": find_duplicates(registration),
        "history": AuditEvent.objects.filter(
            target_type=registration._meta.label_lower, target_id=str(registration.pk)
        ).order_by("created_at", "id"),
        "is_open": registration.status in OPEN_STATUSES,
        "form": form,
        "reasons": reject.REASONS,
        "section": "queue",
    }


def _registration(pk):
    return get_object_or_404(
        RegistrationRequest.objects.select_related(
            "profession", "specialty", "title", "civility", "decided_by", "account"
        ),
        pk=pk,
    )


@account_manager_required
@require_GET
def request_detail(request, pk):
    registration = _registration(pk)
    form = DecisionForm(registration=registration)
    return render(request, "backoffice/request_detail.html", _detail_context(registration, form))


def _apply(form, request):
    data, pk, reviewer = form.cleaned_data, form.registration.pk, request.user
    if data["decision"] == DecisionForm.APPROVE:
        account = approve.approve(pk, by=reviewer, request=request)
        return _(
            "Demande validée : le compte « %(login)s » est créé et ses identifiants "
            "sont envoyés à %(email)s."
        ) % {
            "login": account.user.get_username(),
            "email": account.user.email,
        }
    if data["decision"] == DecisionForm.REJECT:
        reject.reject(
            pk,
            by=reviewer,
            reason_code=data["reason_code"],
            reason_text=data["reason_text"],
            request=request,
        )
        return _("Demande refusée : le demandeur en est informé par mail.")
    request_info.request_info(pk, by=reviewer, question=data["question"], request=request)
    return _("Complément demandé : le demandeur a reçu votre question par mail.")


@account_manager_required
@require_POST
def decide(request, pk):
    registration = _registration(pk)
    form = DecisionForm(request.POST, registration=registration)
    if registration.status not in OPEN_STATUSES:
        messages.error(request, AlreadyDecided(registration).message)
        return redirect("backoffice:request_detail", pk=pk)
    if not form.is_valid():
        context = _detail_context(registration, form)
        return render(request, "backoffice/request_detail.html", context, status=400)
    try:
        message = _apply(form, request)
    except AlreadyDecided as error:
        messages.error(request, error.message)
        return redirect("backoffice:request_detail", pk=pk)
    messages.success(request, message)
    return redirect("backoffice:queue")


@account_manager_required
@require_http_methods(["POST"])
def bulk_approve(request):
    form = BulkApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("backoffice:queue")
    result = bulk.approve_many(form.cleaned_data["requests"], by=request.user, request=request)
    if result.approved:
        messages.success(
            request,
            ngettext(
                "%(count)s demande validée : %(logins)s.",
                "%(count)s demandes validées : %(logins)s.",
                len(result.approved),
            )
            % {
                "count": len(result.approved),
                "logins": ", ".join(login for _registration, login in result.approved),
            },
        )
    for pk, reason in result.skipped:
        messages.error(
            request,
            _("Demande n° %(pk)s non validée : %(reason)s.")
            % {"pk": pk, "reason": reason.rstrip(".")},
        )
    return redirect("backoffice:queue")
