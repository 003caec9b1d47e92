"""Read pip-audit's JSON report and say plainly what it checked (scripts/security-audit.sh).

pip-audit exits 0 and prints "No known vulnerabilities found" when it could not reach its
advisory database: every package is then "skipped" ("Dependency not found on PyPI and could not
be audited"), nothing was checked. This summary counts what was really audited and decides:

- a known vulnerability: exit 1, each one listed;
- nothing audited (no report, an unreadable one, or every package skipped): exit 3, unless
  KIOSQUE_AUDIT_ALLOW_UNCHECKED=1, which keeps exit 0 but still prints the warning;
- some packages skipped: they are named (exit 0).

    python scripts/pip_audit_summary.py REPORT.json
"""

import json
import os
import sys

NOTHING_CHECKED = 3


def summarize(report_text: str) -> dict:
    try:
        data = json.loads(report_text)
    except ValueError:
        data = {}
    dependencies = data.get("dependencies", []) if isinstance(data, dict) else []
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    vulnerable = [
        f"{dep['name']} {dep.get('version', '?')}: "
        + ", ".join(vuln.get("id", "?") for vuln in dep["vulns"])
        for dep in audited
        if dep.get("vulns")
    ]
    return {
        "total": len(dependencies),
        "audited": len(audited),
        "skipped": [f"{dep['name']} ({dep['skip_reason']})" for dep in skipped],
        # pip-audit's reasons end with ": name (version)"; what is left is the why
        "reasons": sorted({str(dep["skip_reason"]).rsplit(": ", 1)[0] for dep in skipped}),
        "vulnerable": vulnerable,
    }


def verdict(summary: dict, *, allow_unchecked: bool) -> tuple[int, list[str]]:
    if summary["vulnerable"]:
        lines = ["pip-audit found known vulnerabilities:"]
        lines += [f"  {line}" for line in summary["vulnerable"]]
        return 1, lines
    if summary["audited"] == 0:
        lines = [
            "WARNING: pip-audit CHECKED NOTHING: 0 of "
            f"{summary['total']} packages audited. Known vulnerabilities were NOT looked for "
            "(advisory database unreachable?).",
        ]
        lines += [f"  pip-audit's reason: {reason}" for reason in summary["reasons"][:3]]
        if allow_unchecked:
            lines.append("  Allowed by KIOSQUE_AUDIT_ALLOW_UNCHECKED=1: this run is bandit only.")
            return 0, lines
        lines.append("  Failing; set KIOSQUE_AUDIT_ALLOW_UNCHECKED=1 to accept a run without it.")
        return NOTHING_CHECKED, lines
    lines = [
        f"pip-audit: {summary['audited']} of {summary['total']} packages audited, "
        "no known vulnerability."
    ]
    if summary["skipped"]:
        lines.append(f"  not audited ({len(summary['skipped'])}):")
        lines += [f"    {line}" for line in summary["skipped"]]
    return 0, lines


def main(argv: list[str]) -> int:
    try:
        with open(argv[1]) as report:
            text = report.read()
    except (IndexError, OSError):
        text = ""
    allow = os.environ.get("KIOSQUE_AUDIT_ALLOW_UNCHECKED", "") == "1"
    code, lines = verdict(summarize(text), allow_unchecked=allow)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
