"""Benchmark figures as JSON, and `bin/bench --compare` between two runs: what a developer
reads to see whether a change made an operation slower."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import benchdb  # noqa: E402


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
