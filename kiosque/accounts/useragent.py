"""A small user-agent reader for the connection history: browser and system families with
their main version. Enough to recognise one's own devices; no dependency to keep up to date.
The order of the checks matters: Edge and Opera also say "Chrome", Chrome also says "Safari"."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Stored as "HeadlessChrome <version>" (the connection history keeps the parsed name), shown
# in the reader's language by `browser_label`.
HEADLESS_CHROME = "HeadlessChrome"
LEGACY_HEADLESS_CHROME = "Chrome (sans interface)"  # what older rows hold

BROWSERS = [
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"(?:OPR|Opera)/(\d+)"),
    ("Samsung Internet", r"SamsungBrowser/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Chromium", r"Chromium/(\d+)"),
    ("Safari", r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/"),
    ("Internet Explorer", r"(?:MSIE (\d+)|Trident/.*rv:(\d+))"),
]

WINDOWS_VERSIONS = {"10.0": "10/11", "6.3": "8.1", "6.2": "8", "6.1": "7", "6.0": "Vista"}


@dataclass(frozen=True)
class UserAgent:
    browser: str
    operating_system: str

    @property
    def browser_label(self) -> str:
        return browser_label(self.browser)


def browser_label(browser: str) -> str:
    """A stored browser name as people read it ("Chrome (sans interface) 131" in French)."""
    for prefix in (HEADLESS_CHROME, LEGACY_HEADLESS_CHROME):
        if browser.startswith(prefix):
            version = browser.removeprefix(prefix).strip()
            if not version:
                return _("Chrome (sans interface)")
            return _("Chrome (sans interface) %(version)s") % {"version": version}
    return browser


def _browser(ua: str) -> str:
    if "HeadlessChrome/" in ua:
        match = re.search(r"HeadlessChrome/(\d+)", ua)
        return f"{HEADLESS_CHROME} {match.group(1)}" if match else HEADLESS_CHROME
    for name, pattern in BROWSERS:
        match = re.search(pattern, ua)
        if match:
            version = next((group for group in match.groups() if group), "")
            return f"{name} {version}".strip()
    return ""


def _system(ua: str) -> str:
    if match := re.search(r"Windows NT (\d+\.\d+)", ua):
        return f"Windows {WINDOWS_VERSIONS.get(match.group(1), match.group(1))}"
    if match := re.search(r"(iPhone|iPad|iPod).*? OS (\d+)[_\d]*", ua):
        return f"{'iPadOS' if match.group(1) == 'iPad' else 'iOS'} {match.group(2)}"
    if match := re.search(r"Android (\d+(?:\.\d+)?)", ua):
        return f"Android {match.group(1)}"
    if "CrOS" in ua:
        return "ChromeOS"
    if match := re.search(r"Mac OS X (\d+)[_.](\d+)", ua):
        major, minor = match.groups()
        return "macOS" if major == "10" and minor == "15" else f"macOS {major}.{minor}"
    if "Macintosh" in ua:
        return "macOS"
    if "Ubuntu" in ua:
        return "Ubuntu"
    if "Linux" in ua or "X11" in ua:
        return "Linux"
    return ""


def parse(ua: str) -> UserAgent:
    ua = (ua or "")[:500]
    return UserAgent(browser=_browser(ua)[:60], operating_system=_system(ua)[:60])
