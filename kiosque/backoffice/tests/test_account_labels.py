"""The reviewer's account page shows labels, never the codes the flows store."""

import ast
import html
import re
from pathlib import Path

import pytest

from kiosque.accounts.flows import login, sessions
from kiosque.accounts.models import SECOND_FACTOR_LABELS, ConnectionAttempt
from kiosque.audit.models import AuditAction, AuditEvent, AuditReason
from kiosque.backoffice.tests.factories import make_user
from kiosque.mfa import verification
from kiosque.mfa.flows import methods, totp_login

pytestmark = pytest.mark.django_db

KIOSQUE = Path(__file__).resolve().parents[2]


def section_text(page: str, section_id: str) -> str:
    body = page.split(f'aria-labelledby="{section_id}"', 1)[1].split("</section>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def raw_codes_in(text: str, codes) -> list[str]:
    return [code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]


def test_every_audit_reason_is_shown_as_its_label(reviewer_client):
    account = make_user("ndupont")
    for reason in AuditReason:
        AuditEvent.objects.create(
            action=AuditAction.LOGIN_FAILED, actor=account, context={"reason": reason.value}
        )
    page = reviewer_client.get(f"/gestion/comptes/{account.pk}/").content.decode()
    text = section_text(page, "audit")
    assert raw_codes_in(text, AuditReason.values) == []
    for reason in AuditReason:
        assert str(reason.label) in text


def test_a_typed_reason_is_shown_as_typed(reviewer_client):
    account = make_user("ndupont")
    AuditEvent.objects.create(
        action=AuditAction.ACCOUNT_LOCKED, actor=account, context={"reason": "Usage suspect"}
    )
    page = reviewer_client.get(f"/gestion/comptes/{account.pk}/").content.decode()
    assert "Usage suspect" in section_text(page, "audit")


def test_every_second_factor_is_shown_as_its_label(reviewer_client):
    account = make_user("ndupont")
    for code in SECOND_FACTOR_LABELS:
        ConnectionAttempt.objects.create(user=account, outcome="success", second_factor=code)
    ConnectionAttempt.objects.create(
        user=account, outcome="success", second_factor=f"{methods.TOTP}, {methods.MAIL_CODE}"
    )
    page = reviewer_client.get(f"/gestion/comptes/{account.pk}/").content.decode()
    text = section_text(page, "connections")
    assert raw_codes_in(text, SECOND_FACTOR_LABELS) == []
    for label in SECOND_FACTOR_LABELS.values():
        assert str(label) in text


def test_every_second_factor_method_has_a_label():
    assert {methods.TOTP, methods.MAIL_CODE, "psc"} <= set(SECOND_FACTOR_LABELS)


def _literal_reasons() -> set[str]:
    """Every reason code written as a literal in the code: `"reason": "..."` in a dict,
    `reason="..."` as an argument, and the login flow's `_audit_failure(..., "...")`."""
    found = set()
    for path in KIOSQUE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    is_reason = isinstance(key, ast.Constant) and key.value == "reason"
                    if is_reason and isinstance(value, ast.Constant):
                        found.add(value.value)
            elif isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                        found.add(keyword.value.value)
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "_audit_failure":
                    found.update(
                        arg.value
                        for arg in node.args[3:4]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    )
    return found


def test_every_reason_code_the_flows_store_has_a_label():
    # The password check names its reasons as constants, which the literal scan cannot see.
    codes = _literal_reasons() | {login.UNKNOWN_LOGIN, login.WRONG_PASSWORD, login.REFUSED_STATE}
    assert {"wrong_password", "backchannel_logout", "user"} <= codes  # the scan sees them
    codes |= {str(o) for o in totp_login.Outcome if o is not totp_login.Outcome.ACCEPTED}
    codes |= {str(o) for o in verification.Outcome if o is not verification.Outcome.ACCEPTED}
    codes |= {f"timeout_{kind}" for kind in (sessions.IDLE, sessions.ABSOLUTE)}
    assert sorted(codes - set(AuditReason.values)) == []
