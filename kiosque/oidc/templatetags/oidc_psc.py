from django import template

from kiosque.oidc import psc

register = template.Library()


@register.inclusion_tag("oidc/psc_button.html", takes_context=True)
def psc_login_button(context):
    """The "Pro Santé Connect" button of the login page, when PSC is configured."""
    request = context.get("request")
    next_url = context.get("next") or (request.GET.get("next", "") if request else "")
    return {"psc_enabled": psc.enabled(), "next": next_url}
