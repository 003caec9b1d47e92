"""The project's form renderer: Django's template renderer with one field template.

`{{ field.as_field_group }}` renders `core/field.html` (label, widget, hint, errors next to the
field); widgets keep Django's own templates. See docs/architecture.md for the choice of the
Django template engine over the Jinja2 renderer, and docs/benchmarks.md for the figures.
"""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "core/field.html"
