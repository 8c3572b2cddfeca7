"""Load over real HTTP: the production web server (gunicorn, as in docker-compose.yml) with
the Celery worker and beat, on the embedded PostgreSQL and Redis, with one trust's ten
years of intake (1,000,000 referrals, the intake benchmark's database), driven by locust
(benchmarks/locustfile.py, headless) as the people of a trust at once: call handlers,
triage clinicians, the admin team, managers, referring systems and the public form.

    make bench-load                                    # 1,000,000 referrals; 50, 100, 200 users
    bash bin/bench benchmarks/load.py --quick          # 10,000 referrals; 10 users, 20 s

Nine staff users in ten start signed in, as staff are through a working day; the tenth
signs in through the pages (the password, then the code) as the run starts. Each run
counts afresh once its users have started (locust's --reset-stats). Prints, for each number of users, each
action's requests, failures (goal: 0) and p50/p95/p99, and the throughput; then the
saturation point (the users at which some action's p95 passes 250 ms). Goal: 200 users
with every action's p95 under 150 ms and no failures. The web server's settings are
WEB_CONCURRENCY and WEB_THREADS (as in the compose file). Figures to .local/bench/load.json.

Not a test: pytest collects only tests/.
"""

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from benchdb import RESULTS_DIR, Figures, setup_django, signed_in_client
from intake import BENCH_DB, FULL, QUICK, load

ROOT = Path(__file__).resolve().parent.parent
ROLES = ["Call handler", "Triage clinician", "Admin team", "Manager"]
USERS = [50, 100, 200]
SECONDS = 60
SATURATED_MS = 250
GOAL_MS = 150
TO_BOOK_PER_RUN = 40
# Every user of every role could be of one role; a run signs in with its own accounts.
RATES = {"API_THROTTLE_REFERRALS_RATE": "1000000/h", "API_THROTTLE_USER_RATE": "1000000/h",
         "API_THROTTLE_ANON_RATE": "1000000/m", "PUBLIC_REFERRAL_RATE": "1000000/h"}


def prepare(users: list[int]) -> Path:
    """Accounts for every simulated person (each with a password and an authenticator app
    of its own), the referrals to decide and to book, and a referring system's token;
    written for the locustfile."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor
    from accounts.services import api_client_add
    from cap.models import Referral, ReferralStatus

    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # once: hashing a thousand passwords would take minutes
    per_role = sum(users)
    accounts: dict[str, list[dict]] = {}
    for role in ROLES:
        prefix = f"load.{role.lower().replace(' ', '-')}."
        # Accounts of earlier runs are kept (what they did is audited), with a new password
        # and new authenticator apps (whose codes no earlier run has used).
        wanted = [f"{prefix}{n:04d}" for n in range(per_role)]
        have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        User.objects.bulk_create([User(username=name, first_name="Load", last_name=role)
                                  for name in wanted if name not in have])
        made = list(User.objects.filter(username__in=wanted).order_by("username"))
        User.objects.filter(username__in=wanted).update(password=hashed)
        Group.objects.get(name=role).user_set.add(*made)
        TOTPDevice.objects.filter(user__in=made).delete()
        devices = TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name=two_factor.AUTHENTICATOR,
                                                             confirmed=True) for user in made])
        # Nine in ten are signed in already, as staff are through a working day (their
        # session made as the tests make one: both steps passed); the tenth signs in during
        # the run, through the pages.
        accounts[role] = [{"username": d.user.username, "key": d.key,
                           "session": _session_of(d.user) if n % 10 else None} for n, d in enumerate(devices)]
    token = api_client_add(actor=None, name=f"Load test {secrets.token_hex(4)}",
                           contact="load@example.nhs.uk").token
    # The clinicians decide a routine adult assessment (locustfile), so for adults: for a
    # 16 or 17-year-old the page rightly asks them to confirm the adult stream first.
    adult_born_by = date.today() - timedelta(days=19 * 366)  # 18 or over on any day of the run
    waiting = list(Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE, claim__isnull=True,
                                           service_user__date_of_birth__lte=adult_born_by)
                   .order_by("?").values_list("pk", flat=True)[:5000])
    # The admin team books into a team of 40 with 70%-full diaries (the scheduling
    # benchmark's), referrals triaged for its assessment. What earlier runs booked stays
    # (its letters are messages, kept): each run fills the diaries by up to 120 bookings.
    scheduling = _script("scheduling")
    scheduling.load_team()
    booking = [r.pk for r in scheduling.triaged_referrals(TO_BOOK_PER_RUN * len(users))]
    path = RESULTS_DIR / "load-accounts.json"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    from django.conf import settings

    path.write_text(json.dumps({
        "session_cookie": settings.SESSION_COOKIE_NAME, "password": password, "runs": len(users),
        "accounts": accounts, "api_token": token, "awaiting_triage": waiting, "awaiting_booking": booking}))
    return path


def _session_of(user) -> str:
    """The session key of `user` signed in with both steps (benchdb.signed_in_client)."""
    from django.conf import settings

    return signed_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value


def _script(name: str):
    """Another benchmark's script, loaded from its file (its name may be an app's too)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_servers(env: dict, port: int, workers: int, threads: int) -> list[subprocess.Popen]:
    """The web server as in production, and the worker and beat, each its own process."""
    logs = RESULTS_DIR / "load-servers.log"
    out = logs.open("w")
    commands = [
        ["gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--keep-alive", "75", "--graceful-timeout", "5"],
        ["celery", "-A", "config", "worker", "--loglevel=WARNING", "--concurrency=2"],
        ["celery", "-A", "config", "beat", "--loglevel=WARNING",
         f"--schedule={RESULTS_DIR / 'load-celerybeat-schedule'}"],
    ]
    servers = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT) for c in commands]
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as answer:
                if answer.status == 200:
                    warm_up(port, workers)
                    return servers
        except OSError:
            time.sleep(0.5)
    stop(servers)
    sys.exit(f"The web server did not answer within a minute: see {logs}")


def warm_up(port: int, workers: int) -> None:
    """A few requests for every web worker, so that none is still importing the app when
    the first person signs in."""
    for _ in range(workers * 10):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/get-help/", timeout=30):
            pass


def stop(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def run_locust(env: dict, port: int, users: int, seconds: int, run: int, accounts: Path) -> list[dict]:
    """One headless locust run; its figures per action, and the aggregate last."""
    prefix = RESULTS_DIR / f"load-{users}"
    subprocess.run(
        ["locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless", "--users", str(users),
         "--spawn-rate", str(max(10, users // 5)), "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--reset-stats", "--loglevel", "WARNING",
         "--stop-timeout", "10"],
        cwd=ROOT, env={**env, "LOAD_ACCOUNTS": str(accounts), "LOAD_RUN": str(run)}, check=False)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return [{"action": f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "all",
                 "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                 "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"]),
                 "per_second": float(row["Requests/s"])} for row in csv.DictReader(stats)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} referrals, 10 users for 20 s")
    args = parser.parse_args()
    os.environ.update(RATES)
    setup_django(BENCH_DB)
    from django.contrib.auth.models import User

    from cap.models import Referral

    system, _ = User.objects.get_or_create(username="bench.system")
    load(QUICK if args.quick else FULL, system)
    users, seconds = ([10], 20) if args.quick else (USERS, SECONDS)
    workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
    threads = int(os.environ.get("WEB_THREADS", "4"))
    accounts = prepare(users)
    referrals = Referral.objects.count()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
           "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    port = _free_port()
    figures = Figures("load")
    results: dict[int, list[dict]] = {}
    servers = start_servers(env, port, workers, threads)
    try:
        for run, count in enumerate(users):
            results[count] = run_locust(env, port, count, seconds, run, accounts)
    finally:
        stop(servers)
    print(f"Data: {referrals:,} referrals (database {BENCH_DB}); {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; gunicorn {workers} workers x {threads} threads, the worker and beat "
          f"running; {seconds} s per run")
    saturation = None
    for count, rows in results.items():
        print(f"\n{count} users:")
        print(f"  {'action':58} {'requests':>8} {'failures':>8} {'p50':>6} {'p95':>6} {'p99':>6} "
              f"{'per s':>7}")
        for row in rows:
            print(f"  {row['action'][:58]:58} {row['requests']:8} {row['failures']:8} {row['p50']:6.0f} "
                  f"{row['p95']:6.0f} {row['p99']:6.0f} {row['per_second']:7.1f}")
            figures.operations.append({"operation": f"{row['action']} @ {count} users", "n": row["requests"],
                                       "p50": row["p50"], "p95": row["p95"], "p99": row["p99"],
                                       "floor": None, "ratio": None, "data_size": referrals,
                                       "load_average": round(os.getloadavg()[0], 2), **row, "users": count})
        worst = max((r["p95"] for r in rows if r["action"] != "all"), default=0)
        failures = sum(r["failures"] for r in rows if r["action"] == "all")
        print(f"  slowest action's p95 {worst:.0f} ms (goal < {GOAL_MS} ms); failures {failures} (goal 0)")
        if saturation is None and worst > SATURATED_MS:
            saturation = count
    print(f"\nSaturation (some action's p95 over {SATURATED_MS} ms): "
          f"{f'at {saturation} users' if saturation else f'not reached at {max(results)} users'}")
    figures.write({"referrals": referrals, "users": list(results), "seconds": seconds,
                   "web_workers": workers, "web_threads": threads, "saturation_users": saturation})


if __name__ == "__main__":
    main()
