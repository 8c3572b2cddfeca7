import logging
import time


class UTCFormatter(logging.Formatter):
    """Log times in UTC with a Z, so an hour repeated at the autumn clock change stays unambiguous."""

    # staticmethod changes nothing at run time (a builtin never binds to the instance), but
    # tells the type checker this is Formatter's one-argument converter, not a method.
    converter = staticmethod(time.gmtime)
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
