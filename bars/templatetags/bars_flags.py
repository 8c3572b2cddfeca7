"""The flags a BaRS sender sent with a referral (safeguarding, reasonable adjustments),
for whoever reads or triages it."""

from django import template

from cap.models import Channel, Referral

from ..message import FLAG_LABELS

register = template.Library()


@register.inclusion_tag("bars/_flags.html")
def flags_sent(referral: Referral) -> dict:
    flags: list[dict[str, str]] = []
    if referral.channel == Channel.BARS:  # only a BaRS referral has messages: no query otherwise
        for sent in referral.bars_messages.values_list("flags", flat=True):
            for flag in sent:
                shown = {"label": FLAG_LABELS.get(flag.get("kind", ""), "Flag"), "text": flag.get("text", ""),
                         "kind": flag.get("kind", "")}
                if shown not in flags:
                    flags.append(shown)
    return {"flags": flags}
