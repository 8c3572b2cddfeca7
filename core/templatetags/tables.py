"""The NHS.UK responsive table's column headers, written once: `{% column_headers "Reference"
"Name" %}` gives one header cell each, in the order given."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def column_headers(*labels: str) -> SafeString:
    return format_html_join(
        "\n", '<th scope="col" class="nhsuk-table__header" role="columnheader">{}</th>',
        ((label,) for label in labels))
