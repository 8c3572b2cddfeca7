"""The layout of ADR 0008: `config/` is settings, URLs, Celery and WSGI/ASGI only; no app
imports from it; `core/` is shared by every app and imports none at module level."""

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "cap", "triage", "scheduling", "careplans", "directory", "hub", "simulation", "access",
        "adjustments", "letters", "messaging", "bars", "reporting", "fhir_api")
CONFIG_MODULES = {"__init__.py", "settings.py", "env.py", "urls.py", "celery.py", "wsgi.py", "asgi.py"}


def imported_modules(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(folder: str):
    return sorted(p for p in (REPO_ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("app", [*APPS, "core"])
def test_no_app_imports_from_config(app):
    offenders = [str(p.relative_to(REPO_ROOT)) for p in python_files(app)
                 if "config" in roots(imported_modules(p))]
    assert not offenders, f"these import from config/: {offenders}"


def test_config_holds_settings_urls_celery_and_wsgi_only():
    assert {p.name for p in (REPO_ROOT / "config").glob("*.py")} <= CONFIG_MODULES


def test_config_imports_apps_only_in_its_url_modules():
    offenders = [p.name for p in python_files("config")
                 if p.name != "urls.py" and roots(imported_modules(p)) & {*APPS, "core"}]
    assert not offenders, f"config modules other than urls.py import apps: {offenders}"


def test_core_imports_no_app_at_module_level():
    offenders = {str(p.relative_to(REPO_ROOT)): sorted(roots(imported_modules(p, top_level_only=True))
                                                       & set(APPS))
                 for p in python_files("core")}
    assert not {path: apps for path, apps in offenders.items() if apps}


@pytest.mark.django_db
def test_the_migrations_match_the_models_wherever_the_project_lives(tmp_path):
    """No model state depends on this machine's paths (the private attachments' folder)."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path / "elsewhere"):
        out = io.StringIO()
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
