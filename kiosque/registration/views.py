"""The "Créer un compte" wizard: thin views over the step forms, the session state
(wizard.py) and the submit flow."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods

from kiosque.core import ratelimit
from kiosque.registration import captcha, psc_prefill, wizard
from kiosque.registration.establishment_form import ADD_SECOND_ACTION
from kiosque.registration.flows.submit import Application, submit_registration
from kiosque.registration.forms import (
    ConditionsForm,
    ContactsForm,
    EstablishmentForm,
    IdentityForm,
    RegistrationInterestsForm,
    SummaryForm,
)

STEP_FORMS = {
    "conditions": ConditionsForm,
    "identity": IdentityForm,
    "contacts": ContactsForm,
    "establishment": EstablishmentForm,
    "interests": RegistrationInterestsForm,
}
STEP_TEMPLATES = {
    "conditions": "registration/step_conditions.html",
    "identity": "registration/step_identity.html",
    "contacts": "registration/step_contacts.html",
    "establishment": "registration/step_establishment.html",
    "interests": "registration/step_interests.html",
}
DIRECTORY_WARNING = _(
    "Le nom, le prénom ou la profession saisis ne correspondent pas à ceux de l'Annuaire Santé "
    "pour ce N° RPPS. Vérifiez votre saisie : vous pouvez tout de même envoyer votre demande, "
    "l'équipe qui l'examinera fera la vérification."
)


def _steps(current: str, session) -> list[dict]:
    return [
        {
            "title": step.title,
            "url": reverse(f"registration:{step.url_name}"),
            "current": step.name == current,
            "done": wizard.is_complete(session, step.name),
        }
        for step in wizard.STEPS
    ]


def _step_form(name: str, session, data=None):
    """The step's form, bound to `data` when given; with Pro Santé Connect's identity in the
    session, the identity fields it provides are locked and the establishment prefilled."""
    psc = psc_prefill.identity(session)
    kwargs = {}
    if psc is not None and name == "identity":
        kwargs["locked"] = psc_prefill.identity_locks(psc)
    if psc is not None and name == "establishment" and data is None:
        kwargs["initial"] = psc_prefill.establishment_initial(psc)
    return STEP_FORMS[name](data, **kwargs)


def _previous(name: str) -> wizard.Step | None:
    index = [step.name for step in wizard.STEPS].index(name)
    return wizard.STEPS[index - 1] if index else None


def _render_step(request, name: str, form, status=200, **extra):
    index = [step.name for step in wizard.STEPS].index(name)
    previous = _previous(name)
    context = {
        "form": form,
        "psc": psc_prefill.identity(request.session) is not None,
        "step": wizard.STEPS[index],
        "step_number": index + 1,
        "step_count": len(wizard.STEPS),
        "steps": _steps(name, request.session),
        "previous_url": reverse(f"registration:{previous.url_name}") if previous else None,
        **extra,
    }
    return render(
        request, STEP_TEMPLATES.get(name, "registration/step_summary.html"), context, status=status
    )


def _guard(request, name: str):
    missing = wizard.first_incomplete(request.session, before=name)
    if missing is not None:
        return redirect(f"registration:{missing.url_name}")
    return None


def _next_url(name: str) -> str:
    names = [step.name for step in wizard.STEPS]
    return reverse(f"registration:{wizard.STEPS[names.index(name) + 1].url_name}")


def _search_action(request) -> int | None:
    action = request.POST.get("action", "")
    if action in ("search-1", "search-2"):
        return int(action[-1])
    return None


def _data_step(request, name: str):
    if (response := _guard(request, name)) is not None:
        return response
    if request.method == "POST":
        form = _step_form(name, request.session, request.POST)
        if request.POST.get("action") == "previous" and _previous(name) is not None:
            wizard.store_draft(request.session, name, form)
            return redirect(f"registration:{_previous(name).url_name}")
        if name == "establishment" and request.POST.get("action") == ADD_SECOND_ACTION:
            data = request.POST.copy()
            data["add_second"] = "on"
            form = _step_form(name, request.session, data)
            return _render_step(request, name, form.show_without_errors())
        search_block = _search_action(request) if name == "establishment" else None
        if search_block is not None:
            form.search(search_block)
            return _render_step(request, name, form.show_without_errors())
        if form.is_valid():
            wizard.store(request.session, name, form)
            if getattr(form, "directory_check", {}).get("mismatches"):
                messages.warning(request, DIRECTORY_WARNING)
            return redirect(_next_url(name))
        return _render_step(request, name, form)
    draft = wizard.draft(request.session, name)
    if draft is not None:
        form = _step_form(name, request.session)
        form.initial.update(wizard.draft_initial(form, draft))
    else:
        form = _step_form(name, request.session, wizard.stored(request.session, name))
    return _render_step(request, name, form)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    return _data_step(request, "conditions")


@never_cache
@require_http_methods(["GET", "POST"])
def identity(request):
    return _data_step(request, "identity")


@never_cache
@require_http_methods(["GET", "POST"])
def contacts(request):
    return _data_step(request, "contacts")


@never_cache
@require_http_methods(["GET", "POST"])
def establishment(request):
    return _data_step(request, "establishment")


@never_cache
@require_http_methods(["GET", "POST"])
def interests(request):
    return _data_step(request, "interests")


def _stored_forms(session) -> dict:
    return {
        name: _step_form(name, session, wizard.stored(session, name)) for name in wizard.DATA_STEPS
    }


def _summary_sections(forms) -> list[dict]:
    sections = [
        {
            "title": wizard.step_named(name).title,
            "url": reverse(f"registration:{wizard.step_named(name).url_name}"),
            "rows": forms[name].summary_rows(),
        }
        for name in ("identity", "contacts")
    ]
    titles = {1: _("Etablissement d'exercice"), 2: _("Deuxième établissement")}
    for position, rows in forms["establishment"].summary_sections():
        sections.append(
            {
                "title": titles[position],
                "url": reverse("registration:establishment"),
                "rows": rows,
            }
        )
    step = wizard.step_named("interests")
    sections.append(
        {
            "title": step.title,
            "url": reverse(f"registration:{step.url_name}"),
            "rows": forms["interests"].summary_rows(),
        }
    )
    return sections


SUMMARY_CSP = {
    **settings.SECURE_CSP,
    "style-src": [*settings.SECURE_CSP["style-src"], captcha.WIDGET_STYLE_HASH],
}


@never_cache
@csp_override(SUMMARY_CSP)
@require_http_methods(["GET", "POST"])
def summary(request):
    if (response := _guard(request, "summary")) is not None:
        return response
    # Per address, registrations and refused submissions have separate budgets: colleagues
    # behind one hospital address are not blocked by each other's wrong captchas.
    if request.method == "POST" and (
        refused := ratelimit.exhausted(request, "registration.submit", "registration.failure")
    ):
        return refused
    forms = _stored_forms(request.session)
    for name, step_form in forms.items():
        if not step_form.is_valid():
            return redirect(f"registration:{wizard.step_named(name).url_name}")
    form = SummaryForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if refused := ratelimit.count(request, "registration.submit"):
            return refused
        application = Application(
            identity=forms["identity"].cleaned_data,
            contacts=forms["contacts"].cleaned_data,
            establishments=forms["establishment"].establishments,
            directory_check=forms["identity"].directory_check,
            interest_applications=forms["interests"].application_slugs(),
            interest_communities=forms["interests"].community_slugs(),
            psc_identity=psc_prefill.identity(request.session),
        )
        with transaction.atomic():
            if wizard.claim_submission(request.session):
                submit_registration(application, request=request)
                wizard.clear(request.session)
                psc_prefill.forget(request.session)
                request.session[wizard.SUBMITTED_KEY] = True
                request.session.save()  # within the transaction: a racing twin sees it sent
        return redirect("registration:done")
    if form.is_bound and (refused := ratelimit.count(request, "registration.failure")):
        return refused
    return _render_step(
        request,
        "summary",
        form,
        sections=_summary_sections(forms),
        directory_warning=(
            DIRECTORY_WARNING if forms["identity"].directory_check.get("mismatches") else ""
        ),
    )


@never_cache
@require_GET
def captcha_challenge(request):
    """A new proof-of-work challenge for the summary's widget (signed, expiring, single use)."""
    return JsonResponse(captcha.challenge())


@never_cache
@require_GET
def done(request):
    if not request.session.get(wizard.SUBMITTED_KEY):
        return redirect("registration:start")
    return render(request, "registration/done.html")


@require_GET
def conditions_text(request):
    return render(request, "registration/conditions.html")
