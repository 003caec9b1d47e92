"""Django's form renderer, with the `<select>` and `<input>` widgets rendered in Python.

Django renders a select through one template include per option (`select_option.html`, which
includes `attrs.html`): the registration wizard's identity step, with its ~250 options
(professions, specialties grouped by profession, civilities...), spent ~90 % of its ~30 ms of
CPU there. An `<input>` goes through three templates (`text.html` includes `input.html`, which
includes `attrs.html`): the establishment step's ~28 widgets cost ~6 ms of its ~22 ms. This
renderer writes the same markup, byte for byte (tested against Django's templates), without the
template machinery. A radio button or checkbox of a list rendered one by one (`{{ choice.tag }}`,
as the wizard's interests step and the access request form do) goes through three templates too
(`checkbox_option.html` includes `input_option.html`, which includes `input.html`): the same
`<input>`, in a `<label>` when the option wraps it. Widgets with their own templates (the
captcha, whole radio and checkbox lists) still go through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Django's templates that are exactly `{% include "django/forms/widgets/input.html" %}`
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "hidden", "number", "password",
        "search", "tel", "text", "time", "url",
    )
)  # fmt: skip
# `{% include "django/forms/widgets/input_option.html" %}`, and that template itself
INPUT_OPTION_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("checkbox_option", "radio_option", "input_option")
)


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    """`django/forms/widgets/select_option.html` (its file ends with a newline)."""
    value = conditional_escape(option["value"])
    label = conditional_escape(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


def render_select(widget: dict) -> str:
    """`django/forms/widgets/select.html` for the widget context `widget`."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append("\n  ")
            out.append(_option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # BaseRenderer.render strips the template's final newline
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def render_input(widget: dict) -> str:
    """`django/forms/widgets/input.html` for the widget context `widget`."""
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(value)}"'
    return mark_safe(  # noqa: S308 - every piece is escaped
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def render_input_option(widget: dict) -> str:
    """`django/forms/widgets/input_option.html` for the option context `widget`."""
    tag = render_input(widget)
    if not widget.get("wrap_label"):
        return tag
    element_id = widget["attrs"].get("id")
    for_id = f' for="{conditional_escape(element_id)}"' if element_id else ""
    return mark_safe(  # noqa: S308 - every piece is escaped
        # the included input.html keeps its final newline inside the label
        f"<label{for_id}>{tag}\n {conditional_escape(widget['label'])}</label>"
    )


def _plain_options(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION_TEMPLATE
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and _plain_options(context["widget"]):
            return render_select(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name in INPUT_OPTION_TEMPLATES:
            return render_input_option(context["widget"])
        return super().render(template_name, context, request)
