"""Each entry also keeps the box around its venues on the map, with a GiST index, so a
search by words and place first reads only the matching entries with a venue near the
place (the box overlaps a square about it) rather than every entry that has the words.

The same triggers as migration 0008 keep it, in the same transaction; NULL with no venue
on the map. Not a Django field: directory/selectors.py reads it in SQL."""

from django.db import migrations

POSITIONS = """(SELECT array_agg(l.position ORDER BY l.id) FROM directory_location AS l
                WHERE l.service_id = s.id AND l.position IS NOT NULL)"""
BOX = """(SELECT box(point(min(l.position[0]), min(l.position[1])),
                     point(max(l.position[0]), max(l.position[1])))
          FROM directory_location AS l WHERE l.service_id = s.id AND l.position IS NOT NULL)"""


def _function(*columns: tuple[str, str]) -> str:
    assignments = ", ".join(f"{column} = {value}" for column, value in columns)
    return f"""
CREATE OR REPLACE FUNCTION directory_service_venue_positions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE directory_communityservice AS s SET {assignments}
        WHERE s.id IN (SELECT service_id FROM changed_new);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE directory_communityservice AS s SET {assignments}
        WHERE s.id IN (SELECT service_id FROM changed_old UNION SELECT service_id FROM changed_new);
    ELSE
        UPDATE directory_communityservice AS s SET {assignments}
        WHERE s.id IN (SELECT service_id FROM changed_old);
    END IF;
    RETURN NULL;
END $$"""  # noqa: S608 (no value comes from outside)


BACKFILL = f"""UPDATE directory_communityservice AS s SET venue_box = {BOX}
    WHERE EXISTS (SELECT 1 FROM directory_location AS l WHERE l.service_id = s.id)"""  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_service_venue_positions")]

    operations = [
        migrations.RunSQL(
            sql=["ALTER TABLE directory_communityservice ADD COLUMN venue_box box",
                 _function(("venue_positions", POSITIONS), ("venue_box", BOX)),
                 BACKFILL,
                 "CREATE INDEX directory_service_venue_box ON directory_communityservice USING gist (venue_box)"],
            reverse_sql=[_function(("venue_positions", POSITIONS)),
                         "ALTER TABLE directory_communityservice DROP COLUMN venue_box"],
        ),
    ]
