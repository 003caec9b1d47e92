from django import template

from kiosque.directory.phones import display_phone

register = template.Library()


@register.filter
def phone(value) -> str:
    """{{ profile.phone_mobile|phone }}: "02 37 51 52 53" rather than "+33237515253"."""
    return display_phone(value)
