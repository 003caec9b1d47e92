"""Every app setting is declared once (<app>/app_settings.py), documented with its default in
docs/configuration.md, and read only through its app_settings."""

import importlib
import re
from pathlib import Path

from kiosque import config
from kiosque import settings as project_settings

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "kiosque"
DOC = ROOT / "docs" / "configuration.md"


def declared_classes() -> list[type[config.AppSettings]]:
    found = []
    for path in sorted(PACKAGE.glob("*/app_settings.py")):
        module = importlib.import_module(f"kiosque.{path.parent.name}.app_settings")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, config.AppSettings)
            and value.__module__ == module.__name__
        ]
    return found


def documented_defaults() -> dict[str, str]:
    """`variable` -> its default cell, from the rows of the configuration table."""
    rows = {}
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([A-Z0-9_]+)`", cells[0]) if len(cells) >= 3 else None
        if match:
            rows[match.group(1)] = cells[1]
    return rows


def matches(default, cell: str) -> bool:
    if default is config.DERIVED:
        return bool(cell)
    if isinstance(default, bool):
        return cell.split()[0] == ("on" if default else "off")
    if default in ("", [], (), {}):
        return cell.startswith(("empty", "unset"))
    if isinstance(default, (list, tuple)):
        default = ",".join(str(item) for item in default)
    return f"`{default}`" in cell


def test_every_app_setting_is_documented_with_its_default():
    rows = documented_defaults()
    problems = []
    for cls in declared_classes():
        for name, setting in cls.declared().items():
            if name not in rows:
                problems.append(f"{name} ({cls.__name__}) is missing from docs/configuration.md")
            elif not matches(setting.default, rows[name]):
                problems.append(f"{name}: documented {rows[name]!r}, default {setting.default!r}")
    assert not problems, "\n".join(problems)


def test_settings_py_reads_every_app_settings_from_the_environment():
    assert set(project_settings.APP_SETTINGS) == set(declared_classes())


def source_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or path.name == "app_settings.py":
            continue
        if relative == Path("kiosque/settings.py"):
            continue
        # The OpenID Connect app gets its own app_settings on another branch; it is checked
        # as soon as that module exists.
        if relative.parts[1] == "oidc" and not (PACKAGE / "oidc" / "app_settings.py").exists():
            continue
        yield relative, path.read_text()


def test_no_module_reads_a_kiosque_setting_but_through_app_settings():
    reads = re.compile(r"settings\.KIOSQUE_|getattr\(\s*settings\s*,\s*[\"']KIOSQUE_")
    offenders = [
        f"{relative}:{number}"
        for relative, text in source_files()
        for number, line in enumerate(text.splitlines(), 1)
        if reads.search(line)
    ]
    assert not offenders, offenders
