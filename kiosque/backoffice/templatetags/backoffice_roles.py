from django import template

from kiosque.backoffice.permissions import is_account_manager as _is_account_manager

register = template.Library()


@register.filter
def is_account_manager(user) -> bool:
    return _is_account_manager(user)
