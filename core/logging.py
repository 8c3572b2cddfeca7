import logging
import time


class UTCFormatter(logging.Formatter):
    """Log times in UTC with a Z, so an hour repeated at the autumn clock change stays unambiguous."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
