"""Choice lists are rendered once by Django's widget templates, then handed back
(core/forms_renderer.py): the same markup as Django's, never a stale or mixed-up one."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kiosque.core import forms_renderer
from kiosque.core.forms_renderer import FormRenderer

CHOICES = [
    ("", "—"),
    ("a", 'Médecin <généraliste> & "co"'),
    ("Groupe ' 1", [("1", "Un"), ("2", mark_safe("<b>Deux</b>"))]),
    ("Autres", [(3, "Trois")]),
]


class CountingRenderer(FormRenderer):
    def __init__(self):
        super().__init__()
        self.templates = []

    def get_template(self, template_name):
        self.templates.append(template_name)
        return super().get_template(template_name)


WIDGETS = [
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES, attrs={"required": True, "aria-invalid": "true"}), "2"),
    (forms.SelectMultiple(choices=CHOICES), ["a", "3"]),
    (forms.NullBooleanSelect(), True),
    (forms.RadioSelect(choices=CHOICES), "3"),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["1", "2"]),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_a_choice_list_is_djangos_markup_the_first_time_and_the_next(widget, value):
    django_html = widget.render("champ", value, {"id": "id_champ"}, DjangoTemplates())
    renderer = FormRenderer()
    assert widget.render("champ", value, {"id": "id_champ"}, renderer) == django_html
    assert widget.render("champ", value, {"id": "id_champ"}, renderer) == django_html


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_the_same_list_skips_the_template_engine_the_second_time(widget, value):
    renderer = CountingRenderer()
    widget.render("champ", value, {"id": "id_champ"}, renderer)
    assert renderer.templates
    renderer.templates.clear()
    widget.render("champ", value, {"id": "id_champ"}, renderer)
    assert renderer.templates == []


def test_another_selection_another_name_or_a_safe_label_is_another_rendering():
    renderer = FormRenderer()
    widget = forms.Select(choices=CHOICES)
    first = widget.render("champ", "a", {}, renderer)
    assert widget.render("champ", "1", {}, renderer) != first
    assert widget.render("autre", "a", {}, renderer) != first
    plain = forms.Select(choices=[("x", "<b>X</b>")]).render("c", "x", {}, renderer)
    safe = forms.Select(choices=[("x", mark_safe("<b>X</b>"))]).render("c", "x", {}, renderer)
    assert "&lt;b&gt;X&lt;/b&gt;" in plain
    assert "<b>X</b>" in safe


def test_options_rendered_one_by_one_are_djangos_too():
    def options(renderer):
        form = forms.Form(renderer=renderer)
        form.fields["champ"] = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
        return [(str(option.tag()), str(option)) for option in form["champ"]]

    renderer = FormRenderer()
    assert options(renderer) == options(DjangoTemplates())
    assert options(renderer) == options(DjangoTemplates())


def test_typed_text_is_not_kept():
    renderer = FormRenderer()
    forms.TextInput().render("nom", "DUPONT", {}, renderer)
    forms.Textarea().render("motif", "secret", {}, renderer)
    assert renderer.choices_rendered == {}


def test_the_cache_keeps_a_bounded_number_of_lists(monkeypatch):
    monkeypatch.setattr(forms_renderer, "CHOICE_CACHE_SIZE", 3)
    renderer = FormRenderer()
    widget = forms.SelectMultiple(choices=[(str(n), str(n)) for n in range(10)])
    for n in range(10):
        widget.render("champ", [str(n)], {}, renderer)
    assert len(renderer.choices_rendered) == 3
