"""The production deployment: docker-compose.yml, .env.example, and settings that
pass Django's deployment checks and refuse to start on a bad value.

No database: the compose tests read files, and the settings tests run Django in
a subprocess with a clean, production-like environment.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    with open(REPO_ROOT / "docker-compose.yml") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_of(service: dict) -> str:
    command = service.get("command", "")
    return command if isinstance(command, str) else " ".join(command)


def env_files_of(service: dict) -> list[str]:
    env_file = service.get("env_file", [])
    entries = [env_file] if isinstance(env_file, str | dict) else env_file
    return [entry["path"] if isinstance(entry, dict) else entry for entry in entries]


def settings_variables() -> set[str]:
    source = (REPO_ROOT / "config" / "settings.py").read_text()
    # \s* because a call may break its line after the parenthesis (EMAIL_BACKEND).
    return set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))


def env_example_variables() -> set[str]:
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    return {m.group(1) for line in lines if (m := re.match(r"([A-Z_][A-Z0-9_]*)=", line))}


def test_compose_names_every_service(services):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker"])
def test_long_running_service_has_a_healthcheck(services, name):
    assert services[name].get("healthcheck", {}).get("test")


def test_web_runs_gunicorn(services):
    assert "gunicorn config.wsgi:application" in command_of(services["web"])


def test_worker_runs_a_celery_worker_and_beat_runs_celery_beat(services):
    assert re.search(r"\bcelery -A config worker\b", command_of(services["worker"]))
    assert re.search(r"\bcelery -A config beat\b", command_of(services["beat"]))


def test_migrate_runs_before_the_app(services):
    assert "manage.py migrate" in command_of(services["migrate"])
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name, mount", [
    ("postgres", "/var/lib/postgresql/data"),
    ("redis", "/data"),
])
def test_data_stores_keep_their_data_in_named_volumes(compose, name, mount):
    named_volumes = set(compose.get("volumes") or {})
    sources = {}
    for volume in compose["services"][name]["volumes"]:
        source, target = volume.split(":")[:2]
        sources[target] = source
    assert sources.get(mount) in named_volumes


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_reads_env_file(services, name):
    assert ".env" in env_files_of(services[name])


def test_env_example_documents_every_setting():
    wanted = settings_variables()
    assert len(wanted) > 20, "the regex no longer finds the settings' variables"
    missing = wanted - env_example_variables()
    assert not missing, f".env.example lacks {sorted(missing)}"


def readme_configuration_variables() -> set[str]:
    """The variables named in the first column of the README's Configuration table."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1])}


def test_readme_configuration_table_lists_exactly_the_settings_read_from_the_environment():
    documented = readme_configuration_variables()
    wanted = settings_variables()
    assert not wanted - documented, f"the README's table lacks {sorted(wanted - documented)}"
    assert not documented - wanted, f"the README's table has settings not read: {sorted(documented - wanted)}"


def production_env(**overrides: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's shell but PATH and the
    real DATABASE_URL and REDIS_URL of the test run."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "ALLOWED_HOSTS": "cap.example.nhs.uk",
        "CSRF_TRUSTED_ORIGINS": "https://cap.example.nhs.uk",
        "BEHIND_TLS_PROXY": "true",
    }
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deployment_checks():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output


@pytest.mark.parametrize("overrides, variable", [
    ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ({"DEBUG": "maybe"}, "DEBUG"),
], ids=["short-secret-key", "empty-allowed-hosts", "bad-boolean"])
def test_settings_refuse_to_start_on_a_bad_production_value(overrides, variable):
    result = run_python(["-c", "import django; django.setup()"], production_env(**overrides))
    assert result.returncode != 0
    # The last line is the exception itself, not the traceback's source lines,
    # which would mention the variable whatever went wrong.
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert variable in last_line, result.stderr
