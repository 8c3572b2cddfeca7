"""Each entry keeps the map positions of its venues (migration 0007) in its own row, so a
search by words and place measures an entry's distance from the row full-text search
has already fetched, instead of looking up its venues one entry at a time (with
"counselling" matching a few thousand entries, those lookups were most of the search).

PostgreSQL keeps the column in step: statement-level triggers on directory_location
rebuild the positions of every entry whose venues a statement added, moved or removed,
in the same transaction, whichever code made the change (the officer's services, the
Open Referral import, the admin, a bulk load). An entry with no venue on the map has
NULL. The column is not a Django field, so saving an entry never writes a stale copy
of it: directory/selectors.py reads it in SQL."""

from django.db import migrations

POSITIONS = """(SELECT array_agg(l.position ORDER BY l.id) FROM directory_location AS l
                WHERE l.service_id = s.id AND l.position IS NOT NULL)"""

FUNCTION = f"""
CREATE FUNCTION directory_service_venue_positions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE directory_communityservice AS s SET venue_positions = {POSITIONS}
        WHERE s.id IN (SELECT service_id FROM changed_new);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE directory_communityservice AS s SET venue_positions = {POSITIONS}
        WHERE s.id IN (SELECT service_id FROM changed_old UNION SELECT service_id FROM changed_new);
    ELSE
        UPDATE directory_communityservice AS s SET venue_positions = {POSITIONS}
        WHERE s.id IN (SELECT service_id FROM changed_old);
    END IF;
    RETURN NULL;
END $$"""  # noqa: S608 (no value comes from outside)

BACKFILL = f"""UPDATE directory_communityservice AS s SET venue_positions = {POSITIONS}
    WHERE EXISTS (SELECT 1 FROM directory_location AS l WHERE l.service_id = s.id)"""  # noqa: S608

TRIGGERS = [
    """CREATE TRIGGER directory_location_added AFTER INSERT ON directory_location
       REFERENCING NEW TABLE AS changed_new
       FOR EACH STATEMENT EXECUTE FUNCTION directory_service_venue_positions()""",
    """CREATE TRIGGER directory_location_changed AFTER UPDATE ON directory_location
       REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
       FOR EACH STATEMENT EXECUTE FUNCTION directory_service_venue_positions()""",
    """CREATE TRIGGER directory_location_removed AFTER DELETE ON directory_location
       REFERENCING OLD TABLE AS changed_old
       FOR EACH STATEMENT EXECUTE FUNCTION directory_service_venue_positions()""",
]


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_location_position")]

    operations = [
        migrations.RunSQL(
            sql=["ALTER TABLE directory_communityservice ADD COLUMN venue_positions point[]",
                 FUNCTION, *TRIGGERS,
                 BACKFILL],
            reverse_sql=["DROP TRIGGER directory_location_removed ON directory_location",
                         "DROP TRIGGER directory_location_changed ON directory_location",
                         "DROP TRIGGER directory_location_added ON directory_location",
                         "DROP FUNCTION directory_service_venue_positions()",
                         "ALTER TABLE directory_communityservice DROP COLUMN venue_positions"],
        ),
    ]
