"""The three safety counts the simulation checks every simulated hour; each must be 0."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from triage.accounted import not_accounted_for

# Targets due by now (past due and still running, or stopped after their due instant:
# met late, or cancelled late) without exactly one breach alert, and any target with two.
# The watcher raises a breach for a target still running after its due instant, so one
# stopped late was running when the scan at its due minute ran.
ALERTS_SQL = """
SELECT count(*) FROM (
    SELECT t.id, count(a.id) AS alerts,
           (COALESCE(t.met_at, t.cancelled_at, %(now)s) > t.due_at AND t.due_at < %(now)s) AS due
      FROM triage_waittarget t
      LEFT JOIN triage_breachalert a ON a.target_id = t.id AND a.kind = 'breached'
     GROUP BY t.id
) AS targets
 WHERE (due AND alerts <> 1) OR alerts > 1
"""

# Two live diary entries of one practitioner, or of one room, that overlap: the database's
# exclusion constraints should make this impossible; counted anyway, in one query. An
# entry overlaps an earlier one of the same diary when it starts before the latest end of
# those before it: a sort of each diary, not a comparison of every pair (the month makes
# tens of thousands of entries, checked every hour).
DOUBLE_BOOKED_SQL = """
SELECT count(*) FROM (
    SELECT starts_at, max(ends_at) OVER (PARTITION BY kind, owner ORDER BY starts_at, id
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
      FROM (SELECT id, starts_at, ends_at, 'practitioner' AS kind, practitioner_id AS owner
              FROM scheduling_diaryentry WHERE live AND practitioner_id IS NOT NULL
            UNION ALL
            SELECT id, starts_at, ends_at, 'room', room_id
              FROM scheduling_diaryentry WHERE live AND room_id IS NOT NULL) AS diaries
) AS entries
 WHERE starts_at < before
"""


@dataclass(frozen=True)
class SafetyCounts:
    not_accounted_for: int
    alerts_missed_or_twice: int
    double_bookings: int

    @property
    def all_zero(self) -> bool:
        return not (self.not_accounted_for or self.alerts_missed_or_twice or self.double_bookings)

    def most(self, other: "SafetyCounts") -> "SafetyCounts":
        """The larger of each count."""
        return SafetyCounts(max(self.not_accounted_for, other.not_accounted_for),
                            max(self.alerts_missed_or_twice, other.alerts_missed_or_twice),
                            max(self.double_bookings, other.double_bookings))

    def __add__(self, other: "SafetyCounts") -> "SafetyCounts":
        return SafetyCounts(self.not_accounted_for + other.not_accounted_for,
                            self.alerts_missed_or_twice + other.alerts_missed_or_twice,
                            self.double_bookings + other.double_bookings)


def safety_counts(now: datetime) -> SafetyCounts:
    with connection.cursor() as cursor:
        cursor.execute(ALERTS_SQL, {"now": now})
        alerts = cursor.fetchone()[0]
        cursor.execute(DOUBLE_BOOKED_SQL)
        double = cursor.fetchone()[0]
    return SafetyCounts(not_accounted_for(now).count(), alerts, double)
