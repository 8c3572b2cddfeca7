"""The API's request parsers (a module of its own: DRF imports it while loading its views)."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that JSON nested too deeply to read (Python's parser gives
    up with a RecursionError, which DRF does not catch) is a 400 like any other bad JSON."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the JSON is nested too deeply.") from None
