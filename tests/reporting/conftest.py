# The scheduling tests' small Adult Mental Health team, to book assessments with.
from tests.scheduling.conftest import room, staff, team, triaged  # noqa: F401
