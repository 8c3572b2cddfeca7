"""Benchmark figures as JSON, and `bin/bench --compare` between two runs: what a developer
reads to see whether a change made an operation slower."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _benchdb():
    """benchmarks/benchdb.py, loaded from its file: the benchmarks' folder is not put on the
    path, where its scripts' names (triage, bars, ...) would hide the apps'."""
    spec = importlib.util.spec_from_file_location("benchdb", ROOT / "benchmarks" / "benchdb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchdb = _benchdb()


def test_figures_give_each_operation_its_percentiles_floor_and_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(benchdb, "RESULTS_DIR", tmp_path)
    figures = benchdb.Figures("example")
    samples = [n / 1000 for n in range(1, 101)]  # 1 ms to 100 ms
    text = figures.timed("GET /queue/", samples, data_size=1_000_000, floor=[0.005] * 10, queries=4)
    assert "floor   5.00 ms" in text and "ratio  10.1" in text
    figures.timed("people_search", samples[:10])
    written = json.loads(figures.write({"referrals": 1_000_000}).read_text())
    first, second = written["operations"]
    assert (first["n"], first["p50"], first["p95"], first["p99"], first["floor"], first["ratio"]) == (
        100, 50.5, 95.0, 99.0, 5.0, 10.1)
    assert (first["data_size"], first["queries"]) == (1_000_000, 4)
    assert (second["floor"], second["ratio"]) == (None, None)
    assert written["benchmark"] == "example" and written["data"] == {"referrals": 1_000_000}
    assert written["machine"]["cores"] >= 1 and len(written["machine"]["load_average"]) == 3


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "bin/bench", "--compare", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _figures(path: Path, **p95) -> Path:
    path.write_text(json.dumps({"benchmark": "example", "written_at": path.stem, "data": {"referrals": 10},
                                "machine": {"load_average": [0.5, 0.5, 0.5]},
                                "operations": [{"operation": name, "p50": ms / 2, "p95": ms, "p99": ms * 2,
                                                "ratio": None} for name, ms in p95.items()]}))
    return path


def test_compare_prints_each_operations_change_between_two_runs(tmp_path):
    old = _figures(tmp_path / "old.json", queue=20.0, gone=5.0)
    new = _figures(tmp_path / "new.json", queue=30.0, added=7.0)
    result = _run(old, new)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[4:]}
    assert "20.0->30.0" in lines["queue"] and "+50%" in lines["queue"]
    assert "-->7.0" in lines["added"] and "5.0->-" in lines["gone"]


@pytest.mark.parametrize("content", ["not json", "{}", "[1, 2]"])
def test_compare_says_which_file_it_cannot_read(tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = _run(bad, _figures(tmp_path / "new.json", queue=1.0))
    assert result.returncode == 2
    assert f"Cannot read figures from {bad}" in result.stderr


WRITTEN = ["cap_serviceuser", "cap_historicalserviceuser", "cap_referral", "cap_historicalreferral",
           "triage_waittarget", "triage_historicalwaittarget", "triage_alertschedule", "bars_receivedmessage"]


def _counts(tables) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - the names are this test's
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db
def test_the_bars_floor_writes_the_rows_a_real_message_writes(reference_data):
    """The floor is only a floor if it gives the same result: the same rows in the same
    tables as `$process-message` receiving a new referral about a new person."""
    import re
    import uuid
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.test import APIClient

    from accounts.services import api_client_add
    from tests.bars.test_receiver import example, send
    from triage.models import TargetDefinition

    issued = api_client_add(actor=None, name="NHS 111", contact="111@example.nhs.uk")
    sender = APIClient()
    sender.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    message = example("new-referral")
    message["entry"][2]["resource"]["identifier"] = []  # a person nobody can match: a new record
    before = _counts(WRITTEN)
    with CaptureQueriesContext(connection) as real:
        assert send(sender, message).status_code == 200
    by_message = {t: n - before[t] for t, n in _counts(WRITTEN).items()}
    inserted = {m for q in real.captured_queries for m in re.findall(r'^INSERT INTO "(\w+)"', q["sql"])}
    assert inserted == set(WRITTEN), inserted  # nothing else a receiver must write

    now = timezone.now()
    codes = ["triage_review", "assessment_24h", "urgent_triage_response", "referrer_callback"]
    targets = [{"definition": TargetDefinition.objects.get(code=code).pk, "started": now.isoformat(),
                "due": (now + timedelta(hours=4)).isoformat(), "at_risk": None, "provisional": False}
               for code in codes]
    params = {"given": "Alex", "family": "Floor", "born": "1990-01-01", "postcode": "LE1 6TP",
              "authored": now.isoformat(), "referrer": "Dr Benchmark", "reason": "Crisis",
              "message_id": str(uuid.uuid4()), "service_request": str(uuid.uuid4()),
              "endpoint": "https://sender.example.nhs.uk/fhir", "request": "r", "correlation": "c",
              "bundle": json.dumps(message), "targets": json.dumps(targets)}
    before = _counts(WRITTEN)
    with connection.cursor() as cursor:
        cursor.execute(benchdb.referral_floor_statement(issued.client.user.pk, channel="bars",
                                                        urgency="urgent", message=True), params)
    by_floor = {t: n - before[t] for t, n in _counts(WRITTEN).items()}
    assert by_floor == by_message == {**dict.fromkeys(WRITTEN, 1), "triage_waittarget": 4,
                                      "triage_historicalwaittarget": 4, "triage_alertschedule": 4}
