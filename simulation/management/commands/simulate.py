"""A simulated month of a trust the size of Leicester, Leicestershire and Rutland through
the real services, on a database of its own, with the clock moved forward; every
simulated hour it checks the three safety counts, which must be 0 (docs/simulation.md)."""

import logging
import os
import time
from datetime import datetime
from datetime import time as clock_time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from simulation import report
from simulation.behaviour import Volumes
from simulation.database import simulation_database
from simulation.run import simulate

DEFAULT_START = "2026-03-02"  # a Monday; the clocks change on the 29th


class Command(BaseCommand):
    help = "Simulate days of the CAP through the real services on its own database, and check safety."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", default=DEFAULT_START,
                            help="The first day (YYYY-MM-DD), from 00:00 London.")
        parser.add_argument("--referrals-per-day", type=float, default=270)
        parser.add_argument("--crisis-calls-per-day", type=float, default=130)
        parser.add_argument("--hub-arrivals-per-day", type=float, default=12)
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Multiply referrals, crisis calls and hub arrivals: 1.2 for a rise of 20%%.")
        parser.add_argument("--keep", action="store_true", help="Keep the simulation's database afterwards.")

    def handle(self, *args, days, seed, start, scale, keep, **options):
        try:
            import time_machine
        except ImportError:
            raise CommandError("simulate moves the clock with time-machine, a development dependency: "
                               "install the project with its dev extras (make test does).") from None
        if days < 1:
            raise CommandError("--days must be at least 1.")
        try:
            first = timezone.make_aware(datetime.combine(datetime.strptime(start, "%Y-%m-%d").date(),
                                                         clock_time(0)))
        except ValueError:
            raise CommandError("--start is a date: YYYY-MM-DD.") from None
        volumes = Volumes(options["referrals_per_day"] * scale, options["crisis_calls_per_day"] * scale,
                          options["hub_arrivals_per_day"] * scale)
        began = time.perf_counter()
        if options["verbosity"] < 2:
            # The watcher logs each scan that raised something: thousands of lines a month.
            logging.getLogger("triage.alerts").setLevel(logging.WARNING)
        with simulation_database(keep=keep) as name:
            self.stdout.write(f"Simulating {days} day(s) from {start}, seed {seed}, on {name} "
                              f"(ready in {time.perf_counter() - began:.0f} s)")
            with time_machine.travel(first, tick=False) as traveller:
                result = simulate(start=first, days=days, seed=seed, volumes=volumes, traveller=traveller,
                                  progress=lambda line: self.stdout.write(line))
                end = timezone.now()
            for line in report.lines(result.counts, end):
                self.stdout.write(line)
            self._safety(result)
        elapsed = time.perf_counter() - began
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        # The process's own CPU time as well: on a shared machine the wall time says as much
        # about the neighbours as about the run (the database server's CPU is not in it).
        self.stdout.write(f"Elapsed: {elapsed:.0f} s ({time.process_time():.0f} s of this process's CPU) "
                          f"on {os.cpu_count()} cores (load average {load})")
        self.result = result
        if not result.worst.all_zero:
            raise CommandError("A safety count was not 0: see the hours above.")

    def _safety(self, result) -> None:
        totals = result.totals
        self.stdout.write(f"Safety, checked at each of {result.hours} simulated hours (the largest count "
                          "at any hour):")
        self.stdout.write(f"  not accounted for: {result.worst.not_accounted_for}")
        self.stdout.write("  targets due without exactly one breach alert: "
                          f"{result.worst.alerts_missed_or_twice}")
        self.stdout.write(f"  double bookings: {result.worst.double_bookings}")
        for at, counts in result.hourly_failures[:10]:
            self.stdout.write(f"  at {timezone.localtime(at):%a %d %b %H:%M}: {counts}")
        if totals.all_zero:
            self.stdout.write("All three safety counts were 0 at every hour.")
