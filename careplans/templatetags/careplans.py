from django import template

from careplans.models import SECTIONS

register = template.Library()


@register.simple_tag
def plan_sections(plan, version=None):
    """(name, heading, text) for each section, from the plan or one of its versions."""
    texts = version.sections if version is not None else plan.sections()
    return [(name, heading, texts.get(name, "")) for name, heading in SECTIONS]
