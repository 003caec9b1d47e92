"""The one field template (core/field.html, the renderer's field_template_name): every field's
errors are next to it, named by its aria-describedby, with its label and required mark."""

from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.template import engines

from kiosque.core.forms_renderer import FormRenderer
from kiosque.testing.field_markup import Tree, field_problems

KIOSQUE = Path(__file__).resolve().parents[2]
CHOICES = [("a", "Un"), ("b", "Deux")]


def conditionally(field):
    field.conditionally_required = True
    return field


class EveryWidget(forms.Form):
    text = forms.CharField(label="Nom", help_text="Le nom d'usage.")
    optional = forms.CharField(label="Service", required=False)
    select = forms.ChoiceField(label="Profession", choices=[("", "—"), *CHOICES])
    box = forms.BooleanField(label="J'accepte")
    area = forms.CharField(label="Motif", widget=forms.Textarea)
    radio = forms.ChoiceField(label="Rôle", choices=CHOICES, widget=forms.RadioSelect)
    several = forms.MultipleChoiceField(
        label="Applications", choices=CHOICES, widget=forms.CheckboxSelectMultiple
    )
    date = forms.DateField(label="Date", help_text="jj/mm/aaaa")
    later = conditionally(forms.CharField(label="RPPS", required=False))

    def clean(self):
        self.add_error("optional", "Saisissez votre service.")
        self.add_error("later", "Le N° RPPS est obligatoire.")
        return self.cleaned_data


def rendered(form) -> str:
    return "".join(str(field.as_field_group()) for field in form)


def test_the_project_renders_fields_with_the_one_template():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert renderer.field_template_name == "core/field.html"


def test_every_error_is_next_to_its_field_and_named_by_it():
    form = EveryWidget({"date": "hier", "box": ""})
    assert not form.is_valid()
    assert set(form.errors) == set(form.fields)
    assert field_problems(rendered(form), list(form)) == []


def test_the_check_fails_when_the_errors_are_only_in_a_summary():
    form = EveryWidget({})
    form.is_valid()
    moved = engines["django"].from_string(
        '<ul>{% for field in form %}<li class="field-error" id="{{ field.auto_id }}_error">'
        "{{ field.errors.0 }}</li>{% endfor %}</ul>"
        '{% for field in form %}<div class="field"><label for="{{ field.id_for_label }}">'
        "{{ field.label }}</label>{{ field }}</div>{% endfor %}"
    )
    problems = field_problems(moved.render({"form": form}), [form["text"]])
    assert "text: its error is not next to the field" in problems


def test_the_hint_is_named_and_the_optional_field_has_no_mark():
    form = EveryWidget()
    tree = Tree(rendered(form))
    assert tree.by_id("id_text").attrs["aria-describedby"] == "id_text_helptext"
    assert tree.by_id("id_text_helptext").text() == "Le nom d'usage."
    assert "aria-invalid" not in tree.by_id("id_text").attrs
    optional = [e for e in tree.root.walk() if e.attrs.get("for") == "id_optional"][0]
    assert "*" not in optional.text()
    later = [e for e in tree.root.walk() if e.attrs.get("for") == "id_later"][0]
    assert "*" in later.text()


def test_a_locked_field_is_marked_as_such():
    form = EveryWidget()
    form.fields["text"].disabled = True
    tree = Tree(str(form["text"].as_field_group()))
    assert "field--locked" in tree.by_id("id_text").container().classes()


def test_what_was_typed_comes_back_escaped():
    form = EveryWidget({"text": '<script>alert("x")</script>'})
    html = str(form["text"].as_field_group())
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_no_other_template_writes_a_fields_hint_or_errors():
    writers = {
        str(path.relative_to(KIOSQUE))
        for path in KIOSQUE.glob("*/templates/**/*.html")
        if '_error"' in path.read_text() or '_helptext"' in path.read_text()
    }
    assert writers == {"core/templates/core/field.html"}


@pytest.mark.parametrize("template", ["core/_field.html", "portal/_request_field.html"])
def test_the_former_field_includes_are_gone(template):
    assert not list(KIOSQUE.glob(f"*/templates/{template}"))
