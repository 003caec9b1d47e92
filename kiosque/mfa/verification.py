"""One verification process serves every mailed code: generation, expiry, attempts, resends.

    process = MailedCodeProcess(purpose="login")
    code = process.issue(user, attempt="…")   # raises ResendRefused when asked too often
    outcome = process.verify(user, "000787", attempt="…")

Codes are 6 digits drawn with `secrets`, stored as an HMAC-SHA256 keyed by a key derived
from SECRET_KEY (a leaked table does not give the codes), compared in constant time and
used once. A code belongs to the attempt it was asked for (a sign-in attempt, say; "" when
the purpose has none): only the newest code of a user, purpose and attempt is valid, and
a code never completes another attempt. The resend spacing protects each attempt's code;
the budget of codes per window counts every attempt of the user. Attempts are counted in
the database by a conditional UPDATE, so concurrent guesses never exceed the budget.
"""

import enum
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kiosque.mfa import app_settings
from kiosque.mfa.models import MailedCode

CODE_DIGITS = 6


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong_code"  # checked and wrong; attempts_left may be 0 (a new code is needed)
    EXPIRED = "expired"
    USED = "used"
    EXHAUSTED = "too_many_attempts"  # not checked: the attempts of this code are spent
    NO_CODE = "no_code"

    @property
    def accepted(self) -> bool:
        return self is Outcome.ACCEPTED


class ResendRefused(Exception):
    """A new code was asked for too soon, or too many codes were sent recently."""

    def __init__(self, retry_after: int, *, too_many: bool):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after
        self.too_many = too_many


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    attempts_left: int = 0


def _hash_key() -> bytes:
    return hashlib.sha256(b"kiosque.mfa.mailed-code:" + settings.SECRET_KEY.encode()).digest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


@dataclass(frozen=True)
class MailedCodeProcess:
    purpose: str
    lifetime: int | None = None  # seconds; None: app_settings.MAIL_CODE_SECONDS
    max_attempts: int = 5
    resend_after: int = 60
    max_codes: int = 5
    codes_window: int = 15 * 60

    @property
    def lifetime_seconds(self) -> int:
        if self.lifetime is not None:
            return self.lifetime
        return app_settings.MAIL_CODE_SECONDS

    def code_hash(self, user_id: int, code: str) -> str:
        message = f"{self.purpose}:{user_id}:{code}".encode()
        return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()

    def attempt_hash(self, attempt: str) -> str:
        if not attempt:
            return ""
        message = f"{self.purpose}:attempt:{attempt}".encode()
        return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()

    def latest(self, user, attempt: str = "") -> MailedCode | None:
        return (
            MailedCode.objects.filter(
                user=user, purpose=self.purpose, attempt_hash=self.attempt_hash(attempt)
            )
            .order_by("-created_at", "-id")
            .first()
        )

    def issue(self, user, *, attempt: str = "", now: datetime | None = None) -> str:
        """A new code for `user` (the previous ones stop working); the caller mails it.

        Call it inside the caller's transaction: the user row is locked so that two
        concurrent requests cannot both pass the resend limits.
        """
        now = now or timezone.now()
        with transaction.atomic():
            get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
            self._check_resend_allowed(user, attempt, now)
            code = new_code()
            MailedCode.objects.create(
                user=user,
                purpose=self.purpose,
                attempt_hash=self.attempt_hash(attempt),
                code_hash=self.code_hash(user.pk, code),
                created_at=now,
                expires_at=now + timedelta(seconds=self.lifetime_seconds),
            )
        return code

    def _check_resend_allowed(self, user, attempt: str, now: datetime) -> None:
        codes = list(
            MailedCode.objects.filter(
                user=user,
                purpose=self.purpose,
                created_at__gt=now - timedelta(seconds=self.codes_window),
            )
            .order_by("-created_at")
            .values_list("created_at", "used_at", "expires_at", "attempts", "attempt_hash")
        )
        recent = [created_at for created_at, *_ in codes]
        # The 60 s spacing protects a code of this attempt that can still be used; once it
        # is used, expired or out of tries, or for another attempt, a new one may be sent at
        # once (a second sign-in within a minute must not be stuck). The budget still holds.
        own = [row for row in codes if row[4] == self.attempt_hash(attempt)]
        if own and self._still_usable(own[0], now):
            elapsed = (now - own[0][0]).total_seconds()
            if elapsed < self.resend_after:
                raise ResendRefused(math.ceil(self.resend_after - elapsed), too_many=False)
        if len(recent) >= self.max_codes:
            oldest_counted = recent[self.max_codes - 1]
            wait = self.codes_window - (now - oldest_counted).total_seconds()
            raise ResendRefused(max(1, math.ceil(wait)), too_many=True)

    def _still_usable(self, code_row, now: datetime) -> bool:
        _created_at, used_at, expires_at, attempts, _attempt = code_row
        return used_at is None and expires_at > now and attempts < self.max_attempts

    def resend_wait(self, user, *, attempt: str = "", now: datetime | None = None) -> int:
        """Seconds before a new code may be asked for (0: now)."""
        try:
            self._check_resend_allowed(user, attempt, now or timezone.now())
        except ResendRefused as refused:
            return refused.retry_after
        return 0

    def verify(
        self, user, code: str, *, attempt: str = "", now: datetime | None = None
    ) -> Verification:
        """Check `code` (already normalised to digits) against the newest code of `user`
        for `attempt`."""
        now = now or timezone.now()
        current = self.latest(user, attempt)
        if current is None:
            return Verification(Outcome.NO_CODE)
        if current.used_at is not None:
            return Verification(Outcome.USED)
        if current.expires_at <= now:
            return Verification(Outcome.EXPIRED)
        claimed = MailedCode.objects.filter(
            pk=current.pk, attempts__lt=self.max_attempts, used_at__isnull=True
        ).update(attempts=F("attempts") + 1)
        if not claimed:
            if MailedCode.objects.filter(pk=current.pk, used_at__isnull=False).exists():
                return Verification(Outcome.USED)
            return Verification(Outcome.EXHAUSTED)
        attempts = MailedCode.objects.values_list("attempts", flat=True).get(pk=current.pk)
        left = max(0, self.max_attempts - attempts)
        if not hmac.compare_digest(current.code_hash, self.code_hash(user.pk, code)):
            return Verification(Outcome.WRONG, left)
        used = MailedCode.objects.filter(pk=current.pk, used_at__isnull=True).update(used_at=now)
        return Verification(Outcome.ACCEPTED if used else Outcome.USED, left)

    def revoke(self, user, *, now: datetime | None = None) -> int:
        """End every outstanding code of `user` for this purpose."""
        return MailedCode.objects.filter(
            user=user, purpose=self.purpose, used_at__isnull=True
        ).update(used_at=now or timezone.now())
