"""`{% field_block field %}`: a wizard field with its label, help text and errors.

The same markup as the template include it replaces (registration/_field.html), written in
Python: the wizard renders one per field, about forty per registration, and the include's
context push and node walk cost more than the widget inside it.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

REQUIRED_MARK = ' <span class="required-mark" aria-hidden="true">*</span>'


def _label(field) -> str:
    required = field.field.required or getattr(field.field, "conditionally_required", False)
    mark = REQUIRED_MARK if required else ""
    return (
        f'<label for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}{mark}</label>"
    )


def field_block_html(field) -> SafeString:
    errors = field.errors
    classes = "field"
    if errors:
        classes += " field--error"
    if field.field.disabled:
        classes += " field--locked"
    widget = conditional_escape(field)
    if field.widget_type == "checkbox":
        body = f'\n  <div class="choice">{widget} {_label(field)}</div>\n  '
    else:
        body = f"\n  {_label(field)}\n  {widget}\n  "
    help_text = ""
    if field.help_text:
        help_text = (
            f'<p class="help" id="{conditional_escape(field.auto_id)}_helptext">'
            f"{conditional_escape(field.help_text)}</p>"
        )
    error_list = ""
    if errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
        error_list = (
            f'<ul class="field-error" id="{conditional_escape(field.auto_id)}_error">{items}</ul>'
        )
    return mark_safe(  # noqa: S308 - every piece is escaped above
        f'<div class="{classes}">\n  {body}\n  {help_text}\n  {error_list}\n</div>\n'
    )


register.simple_tag(field_block_html, name="field_block")
