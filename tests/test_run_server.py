"""`make run` serves the demo with a bounded pool of threads, each with one persistent
database connection, so many people at once cannot exhaust PostgreSQL's connections (as
runserver's thread per request did)."""

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_DEFAULT_MAX_CONNECTIONS = 100


def procfile_command(name: str) -> str:
    for line in (REPO_ROOT / "Procfile.dev").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"Procfile.dev has no {name} process")


def web_threads() -> int:
    command = procfile_command("web")
    workers = int(re.search(r"--workers (\d+)", command).group(1))
    threads = int(re.search(r"--threads (\d+)", command).group(1))
    return workers * threads


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_web_server_has_a_bounded_number_of_threads_well_under_the_database_limit():
    command = procfile_command("web")
    assert command.startswith("gunicorn config.wsgi:application")
    worker_connections = 2 * (settings.BREACH_SCAN_CONNECTIONS + 1) + 1  # worker processes, beat
    assert web_threads() + worker_connections < POSTGRES_DEFAULT_MAX_CONNECTIONS // 2


@pytest.mark.django_db(transaction=True)
def test_the_demo_web_server_answers_many_people_at_once_without_running_out_of_connections():
    port = free_port()
    command = procfile_command("web").replace("${PORT:-8000}", str(port)).replace(" --reload", "")
    database = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": (f"postgres://{database['USER']}:{database['PASSWORD']}@"
                                          f"{database['HOST']}:{database['PORT']}/{database['NAME']}")}
    bin_dir = Path(sys.executable).parent
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (started,) = cursor.fetchone()
    server = subprocess.Popen([str(bin_dir / command.split()[0]), *command.split()[1:]], cwd=REPO_ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(f"{base}/login/", timeout=2).read()  # noqa: S310 (a local test server)
                break
            except OSError:
                assert time.monotonic() < deadline, "the demo web server did not start"
                time.sleep(0.2)

        def fetch(i: int) -> int:
            with urlopen(f"{base}/find-support/?q=support&page={i % 3 + 1}", timeout=30) as r:  # noqa: S310
                return r.status

        with ThreadPoolExecutor(max_workers=60) as pool:
            statuses = list(pool.map(fetch, range(300)))
        assert statuses == [200] * 300
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND"
                           " pid <> pg_backend_pid() AND backend_start >= %s", [database["NAME"], started])
            (server_connections,) = cursor.fetchone()
        assert server_connections <= web_threads()
    finally:
        server.terminate()
        server.wait(timeout=30)
