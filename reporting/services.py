"""Writing the MHSDS-shaped export (reporting.mhsds) to CSV files, one per table."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.audit import record_access_log_many
from core.csv_export import safe_cell

from . import mhsds, selectors

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def mhsds_export_write(*, actor: User, month: mhsds.Month, out: Path,
                       now: datetime | None = None) -> list[Path]:
    """Write the month's tables to `out` as <table>.csv files, MHSDS item names as the
    headers, and log that `actor` read each person exported (the files carry NHS
    numbers). Returns the files written. The log is written with the files: if writing
    fails, no read is logged for files that do not exist."""
    now = now or timezone.now()
    records = selectors.month_records(month)
    out.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        written = [_csv_write(out / f"{name}.csv", mhsds.HEADERS[name], rows)
                   for name, rows in mhsds.tables(records, now=now).items()]
        record_access_log_many(actor=actor, view=f"MHSDS export {month.label}",
                               service_users=records.people)
    return written


def _csv_write(path: Path, header: list[str], rows: list[mhsds.Row]) -> Path:
    """A CSV file safe to open in a spreadsheet (core.csv_export.safe_cell)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return path
