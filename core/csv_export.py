"""CSV downloads: streamed, and safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read by Excel and
LibreOffice as a formula (CSV injection: a name typed as =HYPERLINK(...) runs when a
manager opens the export). Such a cell is written with a leading apostrophe, which the
spreadsheet shows as text and does not evaluate."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """A CSV attachment written as it is read: a long log is never built in memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
