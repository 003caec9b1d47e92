"""Durations in words, the one way every page and e-mail states one: "45 secondes",
"20 minutes", "1 heure et 30 minutes" (French plural forms through ngettext).

In templates: `{% load durations %}{{ seconds|duration }}`.
"""

from django.utils.translation import gettext, ngettext


def _unit(count: int, unit: str) -> str:
    if unit == "hours":
        return ngettext("%(count)d heure", "%(count)d heures", count) % {"count": count}
    if unit == "minutes":
        return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    return ngettext("%(count)d seconde", "%(count)d secondes", count) % {"count": count}


def format_duration(seconds) -> str:
    """`seconds` (a number or a timedelta) in hours, minutes and seconds, zero parts left out."""
    if hasattr(seconds, "total_seconds"):
        seconds = seconds.total_seconds()
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        _unit(count, unit)
        for count, unit in ((hours, "hours"), (minutes, "minutes"), (secs, "seconds"))
        if count
    ]
    if not parts:
        return _unit(0, "seconds")
    if len(parts) == 1:
        return parts[0]
    return gettext("%(parts)s et %(last)s") % {"parts": ", ".join(parts[:-1]), "last": parts[-1]}
