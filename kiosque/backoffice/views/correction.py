"""The applicant's page behind the "complément" link: their request, prefilled, checked by
the registration form's own validators, and their answer to the reviewer's question."""

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kiosque.core import ratelimit
from kiosque.directory.phones import display_phone
from kiosque.registration.flows import correct
from kiosque.registration.forms import ContactsForm, IdentityForm


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse"),
        required=False,
        max_length=2000,
        help_text=_("Répondez ici à la question posée, si besoin."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _initial(registration) -> tuple[dict, dict]:
    identity = {
        name: getattr(registration, name)
        for name in ("foreign_diploma", "rpps", "adeli", "cpx_number", "last_name")
        + ("birth_name", "first_name", "birth_date")
    }
    identity |= {
        "profession": registration.profession_id,
        "specialty": registration.specialty_id or "",
        "title": registration.title_id,
        "civility": registration.civility_id,
    }
    contacts = {
        "phone_professional": display_phone(registration.phone_professional),
        "phone_mobile": display_phone(registration.phone_mobile),
        "email_auth": registration.email_auth,
        "email_auth_confirmation": registration.email_auth,
        "email_communication": registration.email_communication,
    }
    return identity, contacts


def _psc_locked(registration) -> dict:
    """A request whose RPPS Pro Santé Connect verified keeps PSC's identifier and names."""
    if not registration.rpps_verified:
        return {}
    values = {
        name: getattr(registration, name) for name in ("rpps", "adeli", "last_name", "first_name")
    }
    return {name: value for name, value in values.items() if value}


def _invalid_link(request):
    return render(request, "backoffice/correction_invalid.html", status=404)


@never_cache
@ratelimit.limit("registration.correction")
@require_http_methods(["GET", "POST"])
def correction(request, token):
    registration = correct.find_by_token(token)
    if registration is None:
        return _invalid_link(request)
    identity_initial, contacts_initial = _initial(registration)
    data = request.POST if request.method == "POST" else None
    identity = IdentityForm(
        data, prefix="identite", initial=identity_initial, locked=_psc_locked(registration)
    )
    contacts = ContactsForm(data, prefix="contacts", initial=contacts_initial)
    answer = AnswerForm(data, prefix="reponse")
    forms_ = (identity, contacts, answer)
    # Validate every form (not stopping at the first) so that every error shows at once.
    valid = [form.is_valid() for form in forms_]
    if data is not None and all(valid):
        try:
            correct.apply_correction(
                registration,
                token,
                identity=identity.cleaned_data,
                contacts=contacts.cleaned_data,
                answer=answer.cleaned_data["answer"],
                directory_check=identity.directory_check,
                request=request,
            )
        except correct.LinkNoLongerValid:
            return _invalid_link(request)
        return render(request, "backoffice/correction_done.html")
    return render(
        request,
        "backoffice/correction.html",
        {
            "registration": registration,
            "identity": identity,
            "contacts": contacts,
            "answer": answer,
        },
        status=400 if data is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def legacy_correction(request, token):
    """The page moved to /inscription/complement/<token>/: links already sent keep working
    (308 keeps the method and the form, for a page opened before the move)."""
    response = HttpResponseRedirect(reverse("registration:correction", args=[token]))
    response.status_code = 308
    return response
