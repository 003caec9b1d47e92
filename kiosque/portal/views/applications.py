"""The user's side: "Vos applications", "Demandes d'accès", the request form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiosque.mfa import levels
from kiosque.portal.flows import launch, ordering, request_access
from kiosque.portal.forms import AccessRequestForm, ReplyForm
from kiosque.portal.models import Application
from kiosque.portal.services import catalogue
from kiosque.portal.services.access import has_access
from kiosque.portal.services.referents import referent_applications


@login_required
def home(request):
    page = catalogue.for_user(request.user, levels.session_level(request))
    return render(
        request,
        "portal/home.html",
        {
            "applications": page.applications,
            "requestable": page.requestable,
            "requests": page.requests,
            "tiles_key": page.tiles_key,
            "is_referent": referent_applications(request.user).exists(),
        },
    )


def _active_application(slug: str) -> Application:
    return get_object_or_404(Application, slug=slug, is_active=True)


@login_required
def open_application(request, slug):
    application = _active_application(slug)
    target = launch.launch_target(application)
    if not has_access(request.user, application) or not target:
        raise Http404(_("Vous n'avez pas accès à cette application."))
    return redirect(target)


@login_required
@require_POST
def move(request, slug):
    application = _active_application(slug)
    try:
        ordering.move(request.user, application, request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{_home_url()}#tuile-{application.slug}")


@login_required
@require_POST
def favourite(request, slug):
    application = _active_application(slug)
    try:
        ordering.toggle_favourite(request.user, application)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{_home_url()}#tuile-{application.slug}")


def _home_url() -> str:
    return reverse("portal:home")


@login_required
def request_form(request, slug):
    application = _active_application(slug)
    if not application.requires_request:
        raise Http404
    context = {"application": application}
    if has_access(request.user, application):
        context["already_granted"] = True
        return render(request, "portal/request.html", context)
    pending = request_access.open_request(request.user, application)
    if pending is not None:
        context["pending"] = pending
        context["reply_form"] = ReplyForm()
        if request_access.awaits_form(pending):
            return _complete_form(request, application, pending, context)
        return render(request, "portal/request.html", context)
    form = AccessRequestForm(application, request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_access.submit(request.user, application, form.answers(), request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("portal:request_thanks", slug=application.slug)
    context["form"] = form
    context["last_request"] = catalogue.latest_requests(request.user).get(application.pk)
    return render(request, "portal/request.html", context)


def _complete_form(request, application, pending, context):
    """The application's form for a request opened from the registration interests."""
    form = AccessRequestForm(application, request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_access.complete(request.user, pending, form.answers(), request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("portal:request_thanks", slug=application.slug)
    context["form"] = form
    return render(request, "portal/request.html", context)


@login_required
def request_thanks(request, slug):
    application = _active_application(slug)
    return render(request, "portal/request_thanks.html", {"application": application})


@login_required
@require_POST
def reply(request, slug):
    application = _active_application(slug)
    pending = request_access.open_request(request.user, application)
    if pending is None:
        raise Http404
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            request_access.reply(request.user, pending, form.cleaned_data["reply"], request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Votre réponse a été transmise au référent."))
            return redirect("portal:request", slug=application.slug)
    return render(
        request,
        "portal/request.html",
        {"application": application, "pending": pending, "reply_form": form},
        status=400,
    )
