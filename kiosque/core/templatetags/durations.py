from django import template

from kiosque.core.durations import format_duration

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """`{{ 1200|duration }}` → "20 minutes" (kiosque.core.durations.format_duration)."""
    return format_duration(seconds)
