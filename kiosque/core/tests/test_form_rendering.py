"""The Python-rendered <select> and <input> are Django's markup, byte for byte
(core/form_rendering.py)."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kiosque.core.form_rendering import FormRenderer

CHOICES = [
    ("", "—"),
    ("a", 'Médecin <généraliste> & "co"'),
    ("Groupe ' 1", [("1", "Un"), ("2", mark_safe("<b>Deux</b>"))]),
    ("Autres", [(3, "Trois")]),
]


class DataSelect(forms.Select):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-x"] = 'v"<1>'
        option["attrs"]["data-off"] = False
        option["attrs"]["data-on"] = True
        return option


WIDGETS = [
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES, attrs={"required": True, "aria-invalid": "true"}), "2"),
    (forms.Select(choices=CHOICES, attrs={"disabled": False, "data-a": "x&y"}), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "3"]),
    (DataSelect(choices=CHOICES), 3),
    (forms.Select(choices=[]), None),
    (forms.NullBooleanSelect(), True),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_select_markup_is_djangos(widget, value):
    django_html = widget.render("champ <x>", value, {"id": "id_champ"}, DjangoTemplates())
    ours = widget.render("champ <x>", value, {"id": "id_champ"}, FormRenderer())
    assert ours == django_html


def test_a_widget_with_its_own_option_template_goes_through_the_templates():
    class RadioLike(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = RadioLike(choices=CHOICES)
    assert widget.render("x", "a", {}, FormRenderer()) == widget.render(
        "x", "a", {}, DjangoTemplates()
    )


def test_the_project_uses_it(settings, client):
    assert settings.FORM_RENDERER == "kiosque.core.form_rendering.FormRenderer"


INPUTS = [
    (forms.TextInput(), 'Dupont <"Martin"> & fils'),
    (forms.TextInput(attrs={"required": True, "maxlength": 30, "data-off": False}), ""),
    (forms.TextInput(), None),
    (forms.TextInput(), mark_safe("<b>déjà sûr</b>")),
    (forms.NumberInput(attrs={"min": 0}), 12),
    (forms.EmailInput(attrs={"autocomplete": "email"}), "a@exemple.fr"),
    (forms.PasswordInput(), "secret"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.HiddenInput(), "280503848"),
    (forms.DateInput(), datetime.date(1994, 6, 7)),
    (forms.URLInput(), "https://exemple.fr/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.CheckboxInput(), "on"),
    (forms.SearchInput(), "AIRBP"),
    (forms.TelInput(), "02 47 00 00 00"),
    (forms.ColorInput(), "#ffffff"),
    (forms.TimeInput(), "12:30"),
    (forms.DateTimeInput(), "2026-11-22 12:30"),
]


@pytest.mark.parametrize(("widget", "value"), INPUTS)
def test_input_markup_is_djangos(widget, value):
    django_html = widget.render("champ <x>", value, {"id": "id_champ"}, DjangoTemplates())
    ours = widget.render("champ <x>", value, {"id": "id_champ"}, FormRenderer())
    assert ours == django_html


@pytest.mark.parametrize(("widget", "value"), INPUTS)
def test_inputs_skip_the_template_engine(widget, value):
    class NoTemplates(FormRenderer):
        def get_template(self, template_name):
            raise AssertionError(f"{template_name} went through the template engine")

    assert widget.render("x", value, {}, NoTemplates()).startswith("<input ")


def test_a_widget_with_its_own_template_goes_through_the_templates():
    class Custom(forms.TextInput):
        template_name = "django/forms/widgets/textarea.html"

    widget = Custom()
    assert widget.render("x", "a<b", {}, FormRenderer()) == widget.render(
        "x", "a<b", {}, DjangoTemplates()
    )


LISTS = [
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["a", "2"]),
    (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"class": "x"}), []),
    (forms.RadioSelect(choices=CHOICES), "3"),
    (forms.RadioSelect(choices=[("o", mark_safe("<i>Oui</i>")), ("n", "Non & <non>")]), "o"),
]


def _options(widget, value, renderer, attrs):
    """Each option as `{{ choice.tag }}` and as `{{ choice }}` (label wrapped) render it."""
    field = forms.Field(widget=widget, required=False)
    form = forms.Form(initial={"champ": value}, renderer=renderer)
    form.fields["champ"] = field
    field.widget.attrs.update(attrs)
    return [(str(option.tag()), str(option)) for option in form["champ"]]


@pytest.mark.parametrize(("widget", "value"), LISTS)
@pytest.mark.parametrize("attrs", [{}, {"id": "id_<x>"}])
def test_list_option_markup_is_djangos(widget, value, attrs):
    django_html = _options(widget, value, DjangoTemplates(), attrs)
    ours = _options(widget, value, FormRenderer(), attrs)
    assert ours == django_html
    assert ours


@pytest.mark.parametrize(("widget", "value"), LISTS)
def test_list_options_skip_the_template_engine(widget, value):
    class NoTemplates(FormRenderer):
        def get_template(self, template_name):
            raise AssertionError(f"{template_name} went through the template engine")

    for tag, wrapped in _options(widget, value, NoTemplates(), {"id": "id_x"}):
        assert tag.startswith("<input ")
        assert wrapped.startswith('<label for="id_x_')
