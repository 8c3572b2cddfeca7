"""Compare two runs of a benchmark from their JSON figures (.local/bench/<name>.json):

    bin/bench --compare OLD.json            # against this benchmark's latest figures
    bin/bench --compare OLD.json NEW.json

Prints, for each operation in either run, p50/p95/p99 then and now, the change in p95 and
the ratio to the floor; the data size and load average of each run, which the figures
depend on. Exits 2 when a file cannot be read.

Not a test: pytest collects only tests/.
"""

import argparse
import json
import sys
from pathlib import Path

from benchdb import RESULTS_DIR


def _read(path: Path) -> dict:
    try:
        figures = json.loads(path.read_text())
        figures["operations"]  # noqa: B018 - a file of figures has them
        return figures
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"Cannot read figures from {path}: {error}", file=sys.stderr)
        sys.exit(2)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _change(old: float | None, new: float | None) -> str:
    if old is None or new is None or old == 0:
        return "-"
    return f"{(new - old) / old:+.0%}"


def comparison(old: dict, new: dict) -> list[str]:
    """The lines that compare two runs' figures, operation by operation."""
    lines = [f"Benchmark {new.get('benchmark', '?')}: "
             f"{old.get('written_at', '?')} -> {new.get('written_at', '?')}",
             f"  data then {old.get('data', {})}, now {new.get('data', {})}",
             f"  load average then {old.get('machine', {}).get('load_average')}, "
             f"now {new.get('machine', {}).get('load_average')}",
             f"  {'operation':44} {'p50':>13} {'p95':>13} {'p99':>13} {'p95 change':>10} {'ratio':>11}"]
    before = {row["operation"]: row for row in old["operations"]}
    after = {row["operation"]: row for row in new["operations"]}
    for name in [*after, *(n for n in before if n not in after)]:
        was, now = before.get(name, {}), after.get(name, {})
        pair = {key: f"{_ms(was.get(key))}->{_ms(now.get(key))}" for key in ("p50", "p95", "p99")}
        ratio = f"{_ms(was.get('ratio'))}->{_ms(now.get('ratio'))}"
        lines.append(f"  {name[:44]:44} {pair['p50']:>13} {pair['p95']:>13} {pair['p99']:>13} "
                     f"{_change(was.get('p95'), now.get('p95')):>10} {ratio:>11}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the earlier run's figures")
    parser.add_argument("new", type=Path, nargs="?",
                        help="the later run's (default: the latest of that benchmark)")
    args = parser.parse_args(argv)
    old = _read(args.old)
    new = _read(args.new or RESULTS_DIR / f"{old.get('benchmark', '')}.json")
    print("\n".join(comparison(old, new)))


if __name__ == "__main__":
    main()
