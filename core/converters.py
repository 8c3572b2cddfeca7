"""The path converter for a record's id in an address: up to 18 digits, so a longer number
(past PostgreSQL's bigint) is a plain 404 rather than a database error."""


class RecordIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
