"""The summary's captcha: django-simple-captcha, self-hosted (no third party sees the
applicant), checked on the server, one attempt per image.

`CAPTCHA_TEST_MODE` (wired to KIOSQUE_CAPTCHA_TEST_MODE, refused in production) is read from
django.conf.settings at each check, not at import like the library does, so tests may toggle it.
"""

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

TEST_ANSWER = "passed"


class RegistrationCaptchaWidget(CaptchaTextInput):
    template_name = "registration/widgets/captcha.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = self.refresh_url()
        _describe_text_input(context, attrs or {})
        return context


def _describe_text_input(context, attrs) -> None:
    """Tie the typed answer to the field's help text and error (Django does it for simple
    widgets, not for the subwidgets of a MultiWidget)."""
    base = attrs.get("id")
    if not base:
        return
    described_by = [f"{base}_helptext"]
    if attrs.get("aria-invalid") in (True, "true"):
        described_by.append(f"{base}_error")
    for subwidget in context["widget"]["subwidgets"]:
        if subwidget["attrs"].get("type", subwidget.get("type")) != "hidden":
            subwidget["attrs"]["aria-describedby"] = " ".join(described_by)


def audio_enabled() -> bool:
    return bool(captcha_settings.CAPTCHA_FLITE_PATH)


class RegistrationCaptchaField(CaptchaField):
    def __init__(self, *args, **kwargs):
        kwargs["widget"] = RegistrationCaptchaWidget()
        kwargs["error_messages"] = {
            "required": _("Recopiez les caractères affichés dans l'image."),
            "incomplete": _("Recopiez les caractères affichés dans l'image."),
            "invalid": _(
                "Le code saisi ne correspond pas à l'image : recopiez les caractères de la "
                "nouvelle image."
            ),
        }
        super().__init__(*args, **kwargs)

    def clean(self, value):
        forms.MultiValueField.clean(self, value)
        key = str(value[0] or "")[:40]
        answer = str(value[1] or "").strip().lower()
        CaptchaStore.remove_expired()
        if getattr(settings, "CAPTCHA_TEST_MODE", False) and answer == TEST_ANSWER:
            CaptchaStore.objects.filter(hashkey=key).delete()
            return value
        store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
        if store is not None:
            store.delete()  # one attempt per image, right or wrong
        if store is None or not constant_time_compare(store.response, answer):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value
