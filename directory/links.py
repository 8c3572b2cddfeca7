"""The only links the directory keeps and shows: http(s) websites, tel: and mailto:.

A directory entry's website is rendered as a link people click (staff on the helpline, the
public on /find-support/). A `javascript:` link would run script in the service's own
origin, and `data:` or `file:` ones open content that is not the service's: so the one
rule below refuses them wherever a link comes in (an import drops them with a line in its
report; the form and the model refuse them) and the templates render nothing else."""

import re

from django.core.exceptions import ValidationError

ALLOWED_SCHEMES = frozenset({"http", "https", "tel", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What a browser ignores in a URL before reading its scheme ("java\tscript:" is javascript:).
_IGNORED = re.compile(r"[\t\n\r]")


def link_scheme(value: str) -> str | None:
    """The scheme a browser would read from this link, lower case; None for a relative one."""
    cleaned = _IGNORED.sub("", value or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                 "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
                                                 "\x1a\x1b\x1c\x1d\x1e\x1f ")
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_allowed_link(value: str) -> bool:
    """An http(s), tel or mailto link; or none at all. A value with no scheme is refused
    too: a browser would read it as an address on this service, never what was meant."""
    if not value:
        return True
    return link_scheme(value) in ALLOWED_SCHEMES


def validate_link(value: str) -> None:
    if not is_allowed_link(value):
        raise ValidationError("Enter a web address starting https:// or http:// (or a tel: or mailto: link).",
                              code="link_scheme")
