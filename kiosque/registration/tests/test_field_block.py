"""`{% field_block %}` writes, byte for byte, what the template include it replaced wrote."""

import re

import pytest
from django.template import Context, Engine

from kiosque.registration.forms import (
    ConditionsForm,
    ContactsForm,
    EstablishmentForm,
    IdentityForm,
    RegistrationInterestsForm,
    SummaryForm,
)
from kiosque.registration.templatetags.registration_fields import field_block_html

pytestmark = pytest.mark.django_db

# registration/_field.html as it was (its unused `field_label_id` left out).
INCLUDED_TEMPLATE = """\
{% load i18n %}<div class="field{% if field.errors %} field--error{% endif %}\
{% if field.field.disabled %} field--locked{% endif %}">
  {% if field.widget_type == "checkbox" %}
  <div class="choice">{{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}\
{% if field.field.required or field.field.conditionally_required %} <span class="required-mark" \
aria-hidden="true">*</span>{% endif %}</label></div>
  {% else %}
  <label for="{{ field.id_for_label }}">{{ field.label }}\
{% if field.field.required or field.field.conditionally_required %} <span class="required-mark" \
aria-hidden="true">*</span>{% endif %}</label>
  {{ field }}
  {% endif %}
  {% if field.help_text %}<p class="help" id="{{ field.auto_id }}_helptext">\
{{ field.help_text }}</p>{% endif %}
  {% if field.errors %}<ul class="field-error" id="{{ field.auto_id }}_error">\
{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
</div>
"""
REFERENCE = Engine.get_default().from_string(INCLUDED_TEMPLATE)
HOSTILE = '<script>alert("x")</script> & Co'
CAPTCHA_KEY = re.compile(r"[0-9a-f]{40}")  # a new challenge at each rendering of the captcha


def _same_challenge(html: str) -> str:
    return CAPTCHA_KEY.sub("KEY", html)


def _forms():
    yield IdentityForm()
    yield IdentityForm({})  # every required field in error
    yield IdentityForm(
        {"last_name": HOSTILE, "first_name": HOSTILE, "rpps": "12"},
        locked={"last_name": "DUPONT", "first_name": "Nicolas"},
    )
    yield ContactsForm()
    yield ContactsForm({"email_auth": HOSTILE, "phone_mobile": HOSTILE})
    yield EstablishmentForm()
    yield EstablishmentForm({"not_listed-1": "on", "name-1": HOSTILE})
    yield RegistrationInterestsForm()
    yield SummaryForm()
    yield SummaryForm({"captcha": ""})
    yield ConditionsForm()
    yield ConditionsForm({})


def test_every_wizard_field_renders_as_the_template_did():
    compared = 0
    for form in _forms():
        for field in form:
            expected = REFERENCE.render(Context({"field": field}))
            rendered = field_block_html(field)
            assert _same_challenge(rendered) == _same_challenge(expected), field.name
            compared += 1
    assert compared > 60


def test_the_cases_the_template_distinguished_are_all_covered():
    fields = [field for form in _forms() for field in form]
    assert any(field.widget_type == "checkbox" for field in fields)
    assert any(field.errors for field in fields)
    assert any(field.field.disabled for field in fields)
    assert any(field.help_text for field in fields)
    assert any(getattr(field.field, "conditionally_required", False) for field in fields)
    assert any(not field.field.required for field in fields)


def test_what_the_applicant_typed_comes_back_escaped():
    form = IdentityForm({"last_name": HOSTILE})
    html = field_block_html(form["last_name"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
