import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kiosque.mfa.models import Passkey, TOTPDevice
from kiosque.mfa.totp import DIGITS

CODE_PATTERN = re.compile(rf"^[0-9]{{{DIGITS}}}$")


class OneTimeCodeField(forms.CharField):
    """Six digits; spaces (as in "000 787") are ignored."""

    default_error_messages = {
        "required": _("Saisissez le code à 6 chiffres."),
        "invalid": _("Le code doit contenir exactement 6 chiffres."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "autofocus": True,
                    "spellcheck": "false",
                    "class": "code-input",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split())

    def validate(self, value):
        super().validate(value)
        if value and not CODE_PATTERN.match(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # spaces are allowed, the length is checked after
        return attrs


class CodeForm(forms.Form):
    """The code of the open second-factor stage; `method` detects a stale page."""

    code = OneTimeCodeField()
    method = forms.CharField(widget=forms.HiddenInput, required=False)


def unique_name(model, user, typed: str, message) -> str:
    """A second factor's name, spaces tidied, that none of the user's others of `model` has."""
    name = " ".join(typed.split())
    if model.objects.filter(user=user, name__iexact=name).exists():
        raise ValidationError(message, code="duplicate", params={"name": name})
    return name


class EnrolForm(forms.Form):
    name = forms.CharField(
        label=_("② Choisissez un nom pour votre périphérique TOTP"),
        max_length=64,
        help_text=_("Par exemple « Téléphone professionnel »."),
        error_messages={"required": _("Donnez un nom à ce périphérique.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    code = OneTimeCodeField(label=_("③ Recopiez le code affiché par votre application"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["code"].widget.attrs.pop("autofocus", None)

    def clean_name(self):
        return unique_name(
            TOTPDevice,
            self.user,
            self.cleaned_data["name"],
            _("Vous avez déjà un périphérique nommé « %(name)s » : choisissez un autre nom."),
        )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_("Pour supprimer ce second facteur, confirmez votre mot de passe."),
        error_messages={"required": _("Saisissez votre mot de passe.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Mot de passe incorrect."), code="wrong_password")
        return password


class PasskeyForm(forms.Form):
    """A new passkey: its name, and the browser's answer (PublicKeyCredential.toJSON())."""

    name = forms.CharField(
        label=_("Nom de la clé d'accès"),
        max_length=64,
        help_text=_("Par exemple « Clé USB du bureau » ou « Ordinateur portable »."),
        error_messages={"required": _("Donnez un nom à cette clé d'accès.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credential = forms.CharField(widget=forms.HiddenInput, required=False, max_length=65536)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        return unique_name(
            Passkey,
            self.user,
            self.cleaned_data["name"],
            _("Vous avez déjà une clé d'accès nommée « %(name)s » : choisissez un autre nom."),
        )


class AssertionForm(forms.Form):
    credential = forms.CharField(widget=forms.HiddenInput, max_length=65536)
