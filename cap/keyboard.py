"""The call handlers' keyboard shortcuts: Alt+Shift and a letter, listed on each page
that has them (templates/components/keyboard_shortcuts.html) and carried out by
static/js/shortcuts.mjs from that same list, so what the page says is what the keys do.

Why Alt+Shift: single letters would type into the call's fields, and screen readers use
them in browse mode (NVDA's and JAWS's H, B, F, ...); Alt alone opens browser menus on
Windows (Alt+F, Alt+E, Alt+S is Firefox's History); Ctrl+Alt is AltGr on many keyboards
(it types characters) and VoiceOver's modifier. NVDA and JAWS keep their commands on
Insert or Caps Lock, and no page here sets accesskey (Firefox's Alt+Shift keys). The
letters avoid Chrome's own Alt+Shift+A, I and T."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    key: str  # the letter pressed with Alt and Shift
    does: str  # what the page says it does
    target: str  # a CSS selector: a field or a radio group is focused, a button or link pressed
    confirm: str = ""  # asked first when something has been typed (the call would be lost)


CALL_FORM = (
    Shortcut("F", "Find the person: go to the NHS number box of the search", "#id_find-nhs_number"),
    Shortcut("C", "The call: go to who is calling", "#id_caller_type input"),
    Shortcut("O", "Go to the call's outcome", "#id_outcome_kind input"),
    Shortcut("S", "Save the call", "#save-call"),
    Shortcut("N", "Start a new call (what is typed here is not saved)", "#new-call",
             confirm="Start a new call? What you have typed about this call will not be saved."),
)

def call_list(user) -> tuple[Shortcut, ...]:
    """The calls list's shortcuts; a new call only for those who log calls."""
    find = Shortcut("F", "Find a call: go to the search box", "#id_q")
    if user.has_perm("cap.log_call"):
        return (find, Shortcut("N", "Log a new call", "#log-a-call"))
    return (find,)
