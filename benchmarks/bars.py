"""BaRS receiver benchmark: POST /fhir/R4/$process-message, one new referral message at a
time, against one trust's ten years of intake (1,000,000 referrals, loaded as the intake
benchmark loads them, into the same database), then 100 concurrent sends of one message.

    make bench-bars                                   # 1,000,000 referrals
    bash bin/bench benchmarks/bars.py --quick         # 10,000, to check the script works

Prints messages received per second (one sender, in series), p50/p90/p95 of one message
(server time in-process, Django's test client, no network; BaRS Core allows 2,100 ms for
90%; the goal here is p90 under 21 ms), and the outcome of 100 concurrent sends of one
message over 100 threads (goal: exactly 1 received and 99 duplicates).

Not a test: pytest collects only tests/.
"""

import argparse
import json
import os
import secrets
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from benchdb import Figures, floor_times, iso, referral_floor_statement, setup_django, throttle_history_clear
from intake import BENCH_DB, FULL, QUICK, load

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "fixtures" / "bars" / "new-referral.json"
SAMPLES = 300
WARM_UP = 20
CONCURRENT = 100
RUN = secrets.token_hex(3)  # this run's people are its own
RUN_DAYS = secrets.randbelow(25000)


def _sender():
    from accounts.models import ApiClient
    from accounts.services import api_client_add, api_client_rotate

    name = "Benchmark BaRS sender"
    if ApiClient.objects.filter(name=name).exists():
        token = api_client_rotate(actor=None, name=name).token
    else:
        token = api_client_add(actor=None, name=name, contact="bench@example.nhs.uk").token
    throttle_history_clear(ApiClient.objects.get(name=name).user)
    return token


def _message(n: int, *, new_person: bool = True) -> str:
    """The example message with ids of its own (a new message about a new ServiceRequest),
    and, by default, a person nobody has referred before (the harder path: a new record)."""
    message = json.loads(EXAMPLE.read_text())
    message["id"] = str(uuid.uuid4())
    old_sr = message["entry"][1]["fullUrl"]
    new_sr = f"urn:uuid:{uuid.uuid4()}"
    text = json.dumps(message).replace(old_sr, new_sr)
    message = json.loads(text)
    if new_person:
        patient = message["entry"][2]["resource"]
        patient["identifier"] = []  # not verified: no NHS number to match on
        patient["name"][0]["family"] = f"Benchmark{RUN}{n}"
        # Born on a day of their own, as people are: if every message's person shared the
        # example's birthday and postcode, each run's would be the next run's likely
        # matches, and the match would slow run by run.
        patient["birthDate"] = (date(1940, 1, 1) + timedelta(days=(n * 7919 + RUN_DAYS) % 25000)).isoformat()
    return json.dumps(message)


def _headers() -> dict[str, str]:
    return {"X-Request-ID": str(uuid.uuid4()), "X-Correlation-ID": str(uuid.uuid4())}


def measure_messages(token: str) -> tuple[list[float], float]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    bodies = [_message(n) for n in range(SAMPLES + WARM_UP)]
    times = []
    started_all = 0.0
    for n, body in enumerate(bodies):
        if n == WARM_UP:
            started_all = time.perf_counter()
        started = time.perf_counter()
        response = client.post("/fhir/R4/$process-message", body, content_type="application/fhir+json",
                               headers=_headers(), secure=True)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"$process-message answered {response.status_code}: {response.content[:500]!r}")
        if n >= WARM_UP:
            times.append(elapsed)
    return times, SAMPLES / (time.perf_counter() - started_all)


# --- The floor: the minimal SQL that gives the same result -------------------------------
# What any receiver of this message must write (benchdb.referral_floor_statement), with the
# four targets the message starts: the triage review, the 4-hour assessment, the urgent
# response and the sender's call-back deadline; and the message as received, whose unique
# message id is the duplicate check.

def measure_floor(user_id: int) -> list[float]:
    """The floor's time per message, for messages like those measure_messages sends (new
    ids, a new person each time)."""
    from triage.models import TargetDefinition

    definitions = dict(TargetDefinition.objects.values_list("code", "id"))

    def params(n: int) -> dict:
        message = json.loads(_message(n))
        now = time.time()
        targets = [{"definition": definitions[code], "started": iso(now + start), "due": iso(now + due),
                    "at_risk": iso(now + at_risk), "provisional": provisional}
                   for code, start, due, at_risk, provisional in (
                       ("triage_review", 0, 86400, 64800, False),
                       ("assessment_4h", -600, 13800, 10200, True),
                       ("urgent_triage_response", -600, 3000, 2100, False),
                       ("referrer_callback", 0, 7200, 5400, False))]
        return {"given": "Alex", "family": f"Floor{n}", "born": "1990-01-01", "postcode": "LE1 6TP",
                "authored": iso(now - 600), "referrer": "Dr Benchmark", "reason": "Benchmark crisis",
                "message_id": message["id"], "service_request": str(uuid.uuid4()),
                "endpoint": "https://sender.example.nhs.uk/fhir", "request": str(uuid.uuid4()),
                "correlation": str(uuid.uuid4()), "bundle": json.dumps(message),
                "targets": json.dumps(targets)}

    statement = referral_floor_statement(user_id, channel="bars", urgency="very_urgent", message=True)
    return floor_times(statement, (params(n) for n in range(SAMPLES + WARM_UP)), warm_up=WARM_UP)


def concurrent_sends(token: str) -> dict[int, int]:
    from django.db import connection
    from django.test import Client

    body = _message(0)
    barrier = threading.Barrier(CONCURRENT)
    statuses: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        try:
            code = client.post("/fhir/R4/$process-message", body, content_type="application/fhir+json",
                               headers=_headers(), secure=True).status_code
        finally:
            connection.close()
        with lock:
            statuses.append(code)

    threads = [threading.Thread(target=one) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {code: statuses.count(code) for code in sorted(set(statuses))}


def p90(seconds: list[float]) -> float:
    ms = sorted(s * 1000 for s in seconds)
    return ms[max(0, round(0.9 * len(ms)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} referrals, to check the script")
    args = parser.parse_args()
    # One sender sends every message here: the per-client limit would measure the limit.
    os.environ.setdefault("API_THROTTLE_REFERRALS_RATE", "1000000/h")
    setup_django(BENCH_DB)
    from django.contrib.auth.models import User

    from bars.models import ReceivedMessage
    from cap.models import Referral

    system, _ = User.objects.get_or_create(username="bench.system")
    load(QUICK if args.quick else FULL, system)
    token = _sender()
    times, per_second = measure_messages(token)
    floor = measure_floor(system.pk)
    before = (Referral.objects.count(), ReceivedMessage.objects.count())
    outcome = concurrent_sends(token)
    made = (Referral.objects.count() - before[0], ReceivedMessage.objects.count() - before[1])
    referrals = Referral.objects.count()
    figures = Figures("bars")
    print(f"Data: {referrals:,} referrals (database {BENCH_DB}); {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows every figure).")
    stats = figures.timed("$process-message", times, data_size=referrals, floor=floor,
                          messages_per_second=round(per_second, 1))
    print(f"$process-message  n={len(times)}  {stats}   p90 {p90(times):6.1f} ms "
          f"(goal < 21 ms)   {per_second:.0f} messages/s, one sender in series")
    print(f"{CONCURRENT} concurrent sends of one message: answers {outcome}; "
          f"{made[0]} referral(s) and {made[1]} message(s) made (goal: 1 and 1, 99 answered 409)")
    figures.write({"referrals": referrals, "concurrent_sends": {str(k): v for k, v in outcome.items()}})


if __name__ == "__main__":
    main()
