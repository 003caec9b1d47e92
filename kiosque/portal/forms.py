from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from kiosque.directory.phones import display_phone
from kiosque.directory.validators import normalize_phone
from kiosque.portal.models import Application, ApplicationRole, Community, RequestField

YES, NO = "oui", "non"
YES_NO_CHOICES = [(YES, _("Oui")), (NO, _("Non"))]
TEXT_MAX_LENGTH = 300
PHONE_MAX_LENGTH = 40


def profile_value(user, prefill: str) -> str:
    """A value of the user's professional profile used to prefill a request field."""
    attribute = {
        RequestField.Prefill.PROFESSIONAL_PHONE: "phone_professional",
        RequestField.Prefill.MOBILE_PHONE: "phone_mobile",
    }.get(prefill)
    if not attribute:
        return ""
    try:
        profile = user.professional_profile
    except (ObjectDoesNotExist, AttributeError):
        return ""
    return display_phone(getattr(profile, attribute, "") or "")


def _form_field(spec: RequestField) -> forms.Field:
    common = {"label": spec.label, "help_text": spec.help_text, "required": spec.required}
    if spec.kind == RequestField.Kind.CHOICE:
        choices = [(choice, choice) for choice in spec.choice_list()]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if spec.kind == RequestField.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    if spec.kind == RequestField.Kind.PHONE:
        # Checked as every phone number of the site, kept as typed (the referent reads it).
        widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
        return forms.CharField(
            max_length=PHONE_MAX_LENGTH, validators=[normalize_phone], widget=widget, **common
        )
    return forms.CharField(max_length=TEXT_MAX_LENGTH, **common)


class AccessRequestForm(forms.Form):
    """The application's own request form, built from its RequestField rows."""

    def __init__(self, application: Application, user=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.specs = list(application.request_fields.order_by("position", "id"))
        for spec in self.specs:
            self.fields[spec.key] = _form_field(spec)
            if user is not None and spec.prefill:
                self.initial.setdefault(spec.key, profile_value(user, spec.prefill))

    def clean(self):
        cleaned = super().clean()
        for spec in self.specs:
            confirmation = spec.kind == RequestField.Kind.YES_NO and spec.must_be_yes
            if confirmation and cleaned.get(spec.key) == NO:
                self.add_error(
                    spec.key,
                    ValidationError(
                        _(
                            "Votre demande ne peut être envoyée que si vous la confirmez : "
                            "répondez « Oui » ou renoncez à la demande."
                        ),
                        code="not_confirmed",
                    ),
                )
        return cleaned

    def answers(self) -> list[dict]:
        """The answers as stored on the request (label kept as it was when answered)."""
        result = []
        for spec in self.specs:
            value = self.cleaned_data.get(spec.key, "")
            if spec.kind == RequestField.Kind.YES_NO and value:
                value = str(dict(YES_NO_CHOICES)[value])
            result.append({"key": spec.key, "label": spec.label, "value": value})
        return result


class RolesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple
    MAX_ID = 2**63 - 1  # BigAutoField: larger numbers overflow the database driver

    def label_from_instance(self, obj):
        return obj.label

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not text.isdecimal() or int(text) > self.MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def _roles_field(application: Application) -> RolesField:
    return RolesField(
        queryset=ApplicationRole.objects.filter(application=application),
        required=False,
        label=_("Rôles accordés"),
        error_messages={
            "invalid_choice": _(
                "Ce rôle n'est pas défini pour cette application : choisissez parmi la liste."
            ),
            "invalid_pk_value": _("Ce rôle n'existe pas."),
        },
    )


class GrantForm(forms.Form):
    def __init__(self, application: Application, *args, missing_communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field(application)
        if missing_communities:
            names = ", ".join(community.name for community in missing_communities)
            self.fields["confirm_communities"] = forms.BooleanField(
                required=False,
                label=_("Confirmer l'appartenance du demandeur à : %(names)s") % {"names": names},
                help_text=_("L'application exige cette appartenance avant d'accorder l'accès."),
            )


class RolesForm(forms.Form):
    def __init__(self, application: Application, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field(application)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Le motif est envoyé au demandeur par courriel."),
    )


class AskInfoForm(forms.Form):
    message = forms.CharField(
        label=_("Complément demandé"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Ce message est envoyé au demandeur par courriel."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la révocation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Votre réponse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label=_("Statut"))
    application = forms.ChoiceField(required=False, label=_("Application"))

    def __init__(self, applications, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from kiosque.portal.models import AccessRequest

        self.fields["status"].choices = [("", _("Toutes"))] + list(AccessRequest.Status.choices)
        self.fields["application"].choices = [("", _("Toutes"))] + [
            (app.slug, app.name) for app in applications
        ]


class InterestsForm(forms.Form):
    """The older guide's "Précisez vos centres d'intérêt" step, for the registration wizard.

    After validation, call `kiosque.portal.flows.interests.interests_to_requests(user,
    form.application_slugs(), form.community_slugs())` once the account exists.
    """

    title = _("Précisez vos centres d'intérêt")

    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Applications"),
        help_text=_("Cochez au minimum OncoCentre et DCC si vous utilisez le DCC."),
    )
    communities = forms.ModelMultipleChoiceField(
        queryset=Community.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Communauté"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(
            is_active=True, requires_request=True
        )
        self.fields["applications"].label_from_instance = _application_label
        self.fields["communities"].queryset = Community.objects.all()

    def application_slugs(self) -> list[str]:
        return [app.slug for app in self.cleaned_data.get("applications") or []]

    def community_slugs(self) -> list[str]:
        return [community.slug for community in self.cleaned_data.get("communities") or []]


def _application_label(application: Application) -> str:
    if application.long_name and application.long_name != application.name:
        return f"{application.name} ({application.long_name})"
    return application.name
