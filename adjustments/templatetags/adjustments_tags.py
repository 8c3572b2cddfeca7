"""`{% adjustment_flag person referral %}`: the person's Reasonable Adjustment flag on any
page about them, as the viewer may see it (that it exists, to everyone; what it says, to
those whose work acts on it: adjustments.selectors)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("adjustments/_flag_summary.html", takes_context=True)
def adjustment_flag(context, person, referral=None):
    user = context["request"].user
    summary = selectors.flag_summary(user, person)
    confirmed = referral is not None and selectors.confirmed_for(referral, summary.flag)
    return {"summary": summary, "flag": summary.flag, "referral": referral,
            "confirmed_for_referral": confirmed, "can_open": referral is not None and summary.readable}


@register.simple_tag
def adjustments_in_letter(person, audience="person") -> list[str]:
    """`{% adjustments_in_letter person "gp" as noted %}`: what a letter or copy says of
    the person's reasonable adjustments (adjustments.selectors.adjustments_in_letter)."""
    return selectors.adjustments_in_letter(person, audience)
