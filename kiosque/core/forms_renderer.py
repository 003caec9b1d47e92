"""The project's form renderer: Django's template renderer, one field template, choice lists
rendered once.

- `{{ field.as_field_group }}` renders `core/field.html` (label, widget, hint, errors next to the
  field; `field_template_name`, Django's documented hook). Widgets keep Django's templates.
- A list of choices is rendered once per distinct list: the wizard's selects (professions,
  specialties, départements, twice on the establishment step) and its check boxes are
  reference data, the same for every applicant but for the selected option. Django's template
  engine spends ~50 µs per option (two template includes each); `render()` (the renderer's
  public method) keeps what Django's own widget templates wrote for a widget context made of
  choices and hands it back the next time the same context comes. The output is Django's, by
  construction: the key is the whole context the template reads.

See docs/architecture.md (why the Django template engine rather than the Jinja2 renderer) and
docs/benchmarks.md (the figures).
"""

import threading

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData

CHOICE_CACHE_SIZE = 1024  # distinct choice lists kept; a départements list is ~6 kB


class Unfreezable(Exception):
    """A context holds something the key cannot describe exactly: rendered without the cache."""


def freeze(value):
    """A hashable key that tells apart every value the widget templates would render apart.

    Strings keep whether they are safe (rendered as is) or not (escaped); booleans and numbers
    stay apart from strings (`attrs.html` tests `value is True`); any other object is described
    by its type and its text, which is all a template prints of it (`ModelChoiceIteratorValue`).
    Plain strings, the bulk of an option list, are their own key.
    """
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is dict:
        return (dict, tuple([(key, freeze(item)) for key, item in value.items()]))
    if kind is list or kind is tuple:
        return (list, tuple([freeze(item) for item in value]))
    if kind is bool or kind is int or kind is float:
        return (kind, value)
    if isinstance(value, Promise):
        return freeze(str(value))
    if isinstance(value, str):
        return (SafeData if isinstance(value, SafeData) else str, str(value))
    if kind.__str__ is object.__str__:
        raise Unfreezable(kind.__name__)
    return (kind, str(value))


def is_choice_context(context) -> bool:
    """A whole list of choices (`optgroups`) or one of its options (`{{ choice.tag }}`)."""
    if set(context) != {"widget"}:
        return False
    widget = context["widget"]
    return isinstance(widget, dict) and ("optgroups" in widget or "selected" in widget)


class FormRenderer(DjangoTemplates):
    field_template_name = "core/field.html"

    def __init__(self):
        super().__init__()
        self.choices_rendered: dict = {}
        self.lock = threading.Lock()

    def render(self, template_name, context, request=None):
        if request is not None or not is_choice_context(context):
            return super().render(template_name, context, request)
        try:
            key = (template_name, freeze(context))
        except Unfreezable:
            return super().render(template_name, context, request)
        html = self.choices_rendered.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            with self.lock:
                if len(self.choices_rendered) >= CHOICE_CACHE_SIZE:
                    self.choices_rendered.pop(next(iter(self.choices_rendered)))
                self.choices_rendered[key] = html
        return html
