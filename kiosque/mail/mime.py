"""Faster MIME building for the worker.

CPython's `email.headerregistry.HeaderRegistry` builds a brand-new class for every header it
parses (`type(...)` in `__getitem__`), which makes Django's `EmailMessage.message()` cost several
milliseconds per message and caps the worker well below its SMTP throughput. The registry below
creates each header class once per header kind and reuses it; the resulting headers and bytes are
identical (same classes' behaviour, same policy settings).
"""

import email.policy
from email.headerregistry import HeaderRegistry

from django.core.mail import EmailMultiAlternatives


class CachingHeaderRegistry(HeaderRegistry):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._classes: dict[type, type] = {}

    def __getitem__(self, name):
        cls = self.registry.get(name.lower(), self.default_class)
        specialised = self._classes.get(cls)
        if specialised is None:
            specialised = type("_" + cls.__name__, (cls, self.base_class), {})
            self._classes[cls] = specialised
        return specialised


_registry = CachingHeaderRegistry()
_fast_policies: dict[email.policy.Policy, email.policy.Policy] = {}


def fast_policy(policy: email.policy.Policy) -> email.policy.Policy:
    """`policy` with a caching header factory (only for the stock registry)."""
    if not isinstance(policy, email.policy.EmailPolicy):
        return policy
    if type(policy.header_factory) is not HeaderRegistry:
        return policy
    fast = _fast_policies.get(policy)
    if fast is None:
        fast = _fast_policies[policy] = policy.clone(header_factory=_registry)
    return fast


class OutboxEmail(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        return super().message(policy=fast_policy(policy))
