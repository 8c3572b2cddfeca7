"""pg_trgm, for correcting misspelt search words and for searching skills."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [TrigramExtension()]
