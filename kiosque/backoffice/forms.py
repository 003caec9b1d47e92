"""Forms of the back-office: queue filters, decisions, bulk validation, account actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kiosque.backoffice.flows import queue
from kiosque.directory.models import Departement, Profession
from kiosque.registration.flows import reject
from kiosque.registration.models import RegistrationStatus

ANY = _("Toutes")
MAX_BULK = 100

STATUS_CHOICES = [
    (queue.STATUS_OPEN, _("À traiter (en attente ou complément demandé)")),
    *RegistrationStatus.choices,
    (queue.STATUS_ALL, _("Tous les statuts")),
]


class QueueFilterForm(forms.Form):
    """GET form: every field optional, bad values ignored (the queue always shows)."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, prénom, N° RPPS ou mail pour l'authentification."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=STATUS_CHOICES, required=False)
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.order_by("position", "label"),
        required=False,
        empty_label=ANY,
    )
    departement = forms.ModelChoiceField(
        label=_("Département de l'établissement"),
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label=ANY,
    )
    duplicates = forms.BooleanField(label=_("Doublons probables seulement"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or queue.STATUS_OPEN,
            "profession": data.get("profession"),
            "departement": data.get("departement"),
            "duplicates_only": bool(data.get("duplicates")),
            "text": data.get("q") or "",
        }


class DecisionForm(forms.Form):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_INFO = "request_info"

    request_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (APPROVE, _("Valider")),
            (REJECT, _("Refuser")),
            (REQUEST_INFO, _("Demander un complément")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez une décision."),
            "invalid_choice": _("Cette décision n'est pas proposée pour cette demande."),
        },
    )
    reason_code = forms.ChoiceField(
        label=_("Motif du refus"),
        required=False,
        choices=[("", _("- Sélectionner -")), *reject.REASONS.items()],
        error_messages={"invalid_choice": _("Choisissez un motif de la liste.")},
    )
    reason_text = forms.CharField(
        label=_("Précisions sur le refus"),
        required=False,
        max_length=2000,
        help_text=_("Obligatoire pour « Autre motif ». Ce texte est envoyé au demandeur."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    question = forms.CharField(
        label=_("Question au demandeur"),
        required=False,
        max_length=2000,
        help_text=_("Envoyée par mail avec un lien pour compléter la demande."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        self.fields["request_id"].initial = registration.pk
        if registration.status != RegistrationStatus.PENDING:
            # A question can be asked of a pending request only.
            self.fields["decision"].choices = [
                choice
                for choice in self.fields["decision"].choices
                if choice[0] != self.REQUEST_INFO
            ]

    def clean_request_id(self):
        if self.cleaned_data["request_id"] != self.registration.pk:
            raise ValidationError(
                _("Ce formulaire ne correspond pas à cette demande : rechargez la page."),
                code="wrong_request",
            )
        return self.cleaned_data["request_id"]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.REJECT:
            code = data.get("reason_code")
            if not code and "reason_code" not in self.errors:
                self.add_error(
                    "reason_code",
                    ValidationError(_("Choisissez le motif du refus."), code="reason_required"),
                )
            elif code == reject.OTHER and not (data.get("reason_text") or "").strip():
                self.add_error(
                    "reason_text",
                    ValidationError(
                        _("Saisissez le motif du refus : il sera envoyé au demandeur."),
                        code="reason_text_required",
                    ),
                )
        if decision == self.REQUEST_INFO and not (data.get("question") or "").strip():
            self.add_error(
                "question",
                ValidationError(
                    _("Saisissez la question à poser au demandeur."), code="question_required"
                ),
            )
        return data


class IdListField(forms.MultipleChoiceField):
    """Ids of requests (any integer: the flow decides which may be validated)."""

    def valid_value(self, value):
        return str(value).isdigit() and len(str(value)) < 19

    def clean(self, value):
        return [int(pk) for pk in super().clean(value)]


class BulkApproveForm(forms.Form):
    requests = IdListField(
        label=_("Demandes à valider"),
        error_messages={
            "required": _("Cochez au moins une demande à valider."),
            "invalid_choice": _("La sélection n'est pas valide : rechargez la page."),
        },
    )

    def clean_requests(self):
        ids = list(dict.fromkeys(self.cleaned_data["requests"]))
        if len(ids) > MAX_BULK:
            raise ValidationError(
                _("Validez au plus %(max)s demandes à la fois."),
                code="too_many",
                params={"max": MAX_BULK},
            )
        return ids


class AccountSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un compte"),
        required=False,
        max_length=100,
        help_text=_("Identifiant, nom, prénom, mail, N° RPPS ou ADELI."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class AccountActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=500,
        help_text=_("Conservé dans le journal d'audit."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Saisissez le motif de cette action.")},
    )
    confirm = forms.BooleanField(
        label=_("Je confirme cette action"),
        error_messages={"required": _("Cochez la case pour confirmer cette action.")},
    )

    def __init__(self, *args, reason_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
