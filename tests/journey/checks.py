"""What every page of the journey must satisfy: axe-core finds nothing (any impact level),
plus what axe does not check: lang="fr", a title unique to the page, error summaries linked
to their fields, autocomplete on identity and contact fields, no horizontal scroll at
320 px (WCAG 1.4.10) nor at 200 % zoom (a 1280 px window zoomed twice lays out in 640 CSS px,
WCAG 1.4.4), and a visible focus indicator. Screenshots of the main pages (viewport only,
desktop 1280 px and mobile 375 px) go to var/screenshots/: the test command never modifies
tracked files. `make screenshots` (KIOSQUE_DOCS_SCREENSHOTS=1) refreshes docs/screenshots/."""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
TEST_SCREENSHOTS = ROOT / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}
AXE = Axe()

# Expected autocomplete tokens, by the field's name (identity and contact fields).
AUTOCOMPLETE_BY_NAME = {
    "first_name": "given-name",
    "last_name": "family-name",
    "birth_name": "family-name",
    "email_auth": "email",
    "email_auth_confirmation": "email",
    "email_communication": "email",
    "email": "email",
    "phone_mobile": "tel",
    "phone_professional": "tel",
    "code": "one-time-code",
    "new_password1": "new-password",
    "new_password2": "new-password",
    "old_password": "current-password",
    "password": "current-password",
}

PAGE_FACTS = """() => {
  const controls = [...document.querySelectorAll('input, select, textarea')]
    .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
    .map(el => ({name: el.name, type: el.type, autocomplete: el.getAttribute('autocomplete'),
                 invalid: el.getAttribute('aria-invalid') === 'true', id: el.id,
                 describedby: (el.getAttribute('aria-describedby')
                               || el.closest('fieldset')?.getAttribute('aria-describedby') || '')
                   .split(/\\s+/)
                   .filter(Boolean).map(id => { const d = document.getElementById(id);
                     return d ? d.textContent.trim() : null; })}));
  const summaryLinks = [...document.querySelectorAll('.error-summary a[href^="#"]')]
    .map(a => { const target = document.getElementById(a.getAttribute('href').slice(1));
      return {href: a.getAttribute('href'), text: a.textContent.trim(),
              target: target ? target.tagName.toLowerCase() : null}; });
  return {lang: document.documentElement.lang, title: document.title,
          summary: !!document.querySelector('.error-summary'), summaryLinks, controls};
}"""


class PageChecker:
    def __init__(self):
        self.titles: dict[str, str] = {}  # title -> path that first had it
        self.audited = []
        self.failures: list[str] = []

    def __call__(self, page, name: str | None = None, *, screenshot: bool = False) -> None:
        """Audit the page as it is now; `name` labels it in failures and screenshot files.
        Failures are collected (the journey goes on) and reported by `verify()`."""
        name = name or urlsplit(page.url).path
        self.audited.append(name)
        try:
            self._audit(page, name)
        except AssertionError as failure:
            self.failures.append(str(failure))
        if screenshot:
            save_screenshots(page, name)

    def verify(self) -> None:
        assert self.failures == [], "\n".join(self.failures)

    def _audit(self, page, name: str) -> None:
        results = AXE.run(page, options={"resultTypes": ["violations"]})
        violations = results.response["violations"]
        assert violations == [], f"{name}: axe\n" + _describe(violations)

        facts = page.evaluate(PAGE_FACTS)
        assert facts["lang"] == "fr", f"{name}: lang={facts['lang']!r}"
        self._check_title(page, name, facts["title"])
        self._check_errors(name, facts)
        self._check_autocomplete(name, facts["controls"])
        check_reflow(page, name)

    def _check_title(self, page, name, title):
        path = urlsplit(page.url).path
        assert title and " — " in title, f"{name}: title {title!r}"
        first = self.titles.setdefault(title, path)
        assert first == path, f"{name}: title {title!r} already used by {first}"

    @staticmethod
    def _check_errors(name, facts):
        invalid = [c for c in facts["controls"] if c["invalid"]]
        if invalid:
            assert facts["summary"], f"{name}: invalid fields without an error summary"
            assert facts["title"].startswith("Erreur"), f"{name}: title {facts['title']!r}"
        for link in facts["summaryLinks"]:
            assert link["target"] in ("input", "select", "textarea", "fieldset"), (
                f"{name}: summary link {link} does not lead to a field"
            )
        for control in invalid:
            assert any(control["describedby"]), f"{name}: {control['name']} has no error text"

    @staticmethod
    def _check_autocomplete(name, controls):
        for control in controls:
            expected = AUTOCOMPLETE_BY_NAME.get(control["name"])
            if control["type"] == "password":
                expected = expected or "new-password"
                assert control["autocomplete"] in ("new-password", "current-password"), (
                    f"{name}: password field {control['name']} autocomplete="
                    f"{control['autocomplete']!r}"
                )
                continue
            if control["type"] in ("email", "tel"):
                expected = expected or control["type"]
            if expected:
                tokens = (control["autocomplete"] or "").split()
                assert expected in tokens, (
                    f"{name}: {control['name']} autocomplete={control['autocomplete']!r}, "
                    f"expected {expected!r}"
                )


def _describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])} {node['html'][:200]}")
    return "\n".join(lines)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


OVERFLOWING = """(width) => [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > width + 1
                && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                   + ' ' + Math.round(el.getBoundingClientRect().right))"""


def check_reflow(page, name: str) -> None:
    viewport = page.viewport_size
    try:
        for width in (320, 640):  # 320 px (reflow), 1280 px at 200 % zoom
            page.set_viewport_size({"width": width, "height": 800})
            assert scroll_width(page) <= width, (
                f"{name}: horizontal scroll at {width} px ({scroll_width(page)} px wide): "
                f"{page.evaluate(OVERFLOWING, width)}"
            )
    finally:
        page.set_viewport_size(viewport)


def screenshot_dir() -> Path:
    """docs/screenshots/ only when asked to refresh the documentation (`make screenshots`)."""
    if os.environ.get("KIOSQUE_DOCS_SCREENSHOTS") == "1":
        return DOCS_SCREENSHOTS
    return TEST_SCREENSHOTS


def save_screenshots(page, name: str) -> None:
    directory = screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    try:
        for suffix, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
            page.set_viewport_size(size)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=directory / f"{name}-{suffix}.png", animations="disabled")
    finally:
        page.set_viewport_size(viewport)


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(),
          name: el.getAttribute('name') || el.textContent.trim().slice(0, 40),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          shadow: style.boxShadow !== 'none'};
}"""


def focused(page) -> dict | None:
    """The focused element and whether its focus is visible (outline ≥ 2 px or a box-shadow)."""
    return page.evaluate(FOCUS_STYLE)
