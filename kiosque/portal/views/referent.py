"""The referents' side: their queue, a request's review, granted accesses and their roles.

A referent only ever sees the requests and grants of the applications they refer: any other id
answers 404, as if it did not exist.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiosque.accounts import roles
from kiosque.portal.flows import decide, revoke
from kiosque.portal.forms import (
    AskInfoForm,
    GrantForm,
    QueueFilterForm,
    RefuseForm,
    RevokeForm,
    RolesForm,
)
from kiosque.portal.models import AccessGrant, AccessRequest, CommunityMembership
from kiosque.portal.services.access import account_is_usable
from kiosque.portal.services.referents import referent_applications

PAGE_SIZE = 50


def referent_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.has_role(request.user, roles.APPLICATION_REFERENTS):
            raise PermissionDenied(_("Cette page est réservée aux référents des applications."))
        return view(request, *args, **kwargs)

    return wrapper


def _application_ids(user) -> list[int]:
    return list(referent_applications(user).values_list("pk", flat=True))


def _requests_of(user):
    return AccessRequest.objects.filter(application_id__in=_application_ids(user))


def _grants_of(user):
    return AccessGrant.objects.filter(application_id__in=_application_ids(user))


@referent_required
def queue(request):
    applications = list(referent_applications(request.user))
    form = QueueFilterForm(applications, data=request.GET or None)
    requests = _requests_of(request.user).select_related("user", "application")
    status = application = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        application = form.cleaned_data["application"]
    if not request.GET:
        status = AccessRequest.Status.PENDING
        form = QueueFilterForm(applications, initial={"status": status})
    if application:
        requests = requests.filter(application__slug=application)
    counts_base = _requests_of(request.user)
    if application:
        counts_base = counts_base.filter(application__slug=application)
    counts = dict(counts_base.values_list("status").annotate(total=Count("id")))
    if status:
        requests = requests.filter(status=status)
    page = Paginator(requests.order_by("created_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/referent/queue.html",
        {
            "form": form,
            "page": page,
            "applications": applications,
            "counts": [
                (value, label, counts.get(value, 0))
                for value, label in AccessRequest.Status.choices
            ],
        },
    )


def _profile(user):
    try:
        return user.professional_profile
    except (ObjectDoesNotExist, AttributeError):
        return None


def _detail_context(request, access_request, **forms):
    application = access_request.application
    missing = decide.missing_communities(access_request.user, application)
    context = {
        "access_request": access_request,
        "application": application,
        "requester": access_request.user,
        "profile": _profile(access_request.user),
        "account_usable": account_is_usable(access_request.user),
        "missing_communities": missing,
        "memberships": CommunityMembership.objects.filter(user=access_request.user).select_related(
            "community"
        ),
        "history": AccessRequest.objects.filter(
            user=access_request.user, application=application
        ).exclude(pk=access_request.pk),
        "grant_form": GrantForm(application, missing_communities=missing),
        "refuse_form": RefuseForm(),
        "ask_form": AskInfoForm(),
    }
    context.update(forms)
    return context


def _get_request(request, pk):
    return get_object_or_404(
        _requests_of(request.user).select_related("user", "application"), pk=pk
    )


@referent_required
def request_detail(request, pk):
    access_request = _get_request(request, pk)
    return render(
        request, "portal/referent/request_detail.html", _detail_context(request, access_request)
    )


def _decision(request, access_request, form, form_name, action):
    """Run `action(form)` when the form is valid; re-render with errors otherwise."""
    if form.is_valid():
        try:
            action(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("portal:referent_request", pk=access_request.pk)
    return render(
        request,
        "portal/referent/request_detail.html",
        _detail_context(request, access_request, **{form_name: form}),
        status=400,
    )


@referent_required
@require_POST
def grant(request, pk):
    access_request = _get_request(request, pk)
    application = access_request.application
    missing = decide.missing_communities(access_request.user, application)
    form = GrantForm(application, request.POST, missing_communities=missing)

    def action(form):
        decide.grant(
            request.user,
            access_request,
            form.cleaned_data["roles"],
            confirm_communities=form.cleaned_data.get("confirm_communities", False),
            request=request,
        )
        messages.success(request, _("L'accès a été accordé."))

    return _decision(request, access_request, form, "grant_form", action)


@referent_required
@require_POST
def refuse(request, pk):
    access_request = _get_request(request, pk)

    def action(form):
        decide.refuse(request.user, access_request, form.cleaned_data["reason"], request=request)
        messages.success(request, _("La demande a été refusée ; le demandeur est prévenu."))

    return _decision(request, access_request, RefuseForm(request.POST), "refuse_form", action)


@referent_required
@require_POST
def ask_for_more(request, pk):
    access_request = _get_request(request, pk)

    def action(form):
        decide.ask_for_more(
            request.user, access_request, form.cleaned_data["message"], request=request
        )
        messages.success(request, _("Le complément a été demandé au demandeur."))

    return _decision(request, access_request, AskInfoForm(request.POST), "ask_form", action)


@referent_required
def grants(request):
    applications = list(referent_applications(request.user))
    selected = request.GET.get("application", "")
    accesses = _grants_of(request.user).select_related("user", "application")
    if selected:
        accesses = accesses.filter(application__slug=selected)
    if request.GET.get("revoked") != "1":
        accesses = accesses.filter(revoked_at__isnull=True)
    page = Paginator(
        accesses.prefetch_related("roles").order_by("application__name", "user__last_name"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/referent/grants.html",
        {"page": page, "applications": applications, "selected": selected},
    )


def _get_grant(request, pk):
    return get_object_or_404(_grants_of(request.user).select_related("user", "application"), pk=pk)


def _grant_page(request, access, status=200, **forms):
    context = {
        "access": access,
        "requester": access.user,
        "profile": _profile(access.user),
        "account_usable": account_is_usable(access.user),
        "roles_form": RolesForm(access.application, initial={"roles": list(access.roles.all())}),
        "revoke_form": RevokeForm(),
    }
    context.update(forms)
    return render(request, "portal/referent/grant_detail.html", context, status=status)


@referent_required
def grant_detail(request, pk):
    return _grant_page(request, _get_grant(request, pk))


@referent_required
@require_POST
def change_roles(request, pk):
    access = _get_grant(request, pk)
    form = RolesForm(access.application, request.POST)
    if form.is_valid():
        try:
            decide.change_roles(request.user, access, form.cleaned_data["roles"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Les rôles ont été modifiés ; l'utilisateur est prévenu."))
            return redirect("portal:referent_grant", pk=access.pk)
    return _grant_page(request, access, status=400, roles_form=form)


@referent_required
@require_POST
def revoke_access(request, pk):
    access = _get_grant(request, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            revoke.revoke(request.user, access, form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'accès a été révoqué ; l'utilisateur est prévenu."))
            return redirect("portal:referent_grant", pk=access.pk)
    return _grant_page(request, access, status=400, revoke_form=form)
