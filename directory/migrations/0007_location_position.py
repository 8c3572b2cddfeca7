"""A location's position in kilometres on a flat map of the area, kept by PostgreSQL
from its latitude and longitude, with a GiST index so the nearest venues are found by
walking the index (K-nearest-neighbour) instead of sorting every entry by distance.

The map is equirectangular about 52.65°N, the middle of Leicester, Leicestershire and
Rutland: a degree of latitude is 110.574 km and a degree of longitude 67.55 km there
(111.320 km × cos 52.65°). Within the area, and the districts just over its border,
distances on it are within about 1% of the great-circle distance. The column is not a
Django field: directory/selectors.py reads it in SQL."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_role_permissions")]

    operations = [
        migrations.RunSQL(
            sql=["""ALTER TABLE directory_location ADD COLUMN position point
                    GENERATED ALWAYS AS (point(longitude * 67.55, latitude * 110.574)) STORED""",
                 "CREATE INDEX directory_location_position ON directory_location USING gist (position)"],
            reverse_sql=["ALTER TABLE directory_location DROP COLUMN position"],
        ),
    ]
