"""Human-readable references for contacts, drawn from one PostgreSQL sequence so
two clerks logging at the same instant never get the same number."""

from django.db import connection

SEQUENCE = "cap_contact_reference_seq"


def next_reference(prefix: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        (number,) = cursor.fetchone()
    return f"{prefix}-{number:07d}"
