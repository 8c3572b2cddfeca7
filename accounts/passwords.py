"""A password rule that refuses what is guessable, not only what is short or on a list.

zxcvbn estimates how many guesses a password would take, knowing dictionaries of
words, names and common passwords, keyboard patterns, dates, repeats and l33t
substitutions; "Password123!" passes Django's own validators but zxcvbn finds it in a
few guesses. The user's own details and the words anyone attacking this service would
try first count as known too."""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from zxcvbn import zxcvbn

# Words an attacker of this service tries first, as well as the user's own details.
TRUST_WORDS = ("nhs", "cap", "central", "access", "point", "leicester", "leicestershire", "rutland",
               "llr", "password", "mental", "health")
OWN_WORDS_WARNING = "It is built on your own name or username, which anyone who knows you would try."
TRUST_WORDS_WARNING = ("It is built on words anyone trying to get into this service would try first, "
                       "such as NHS or Leicester.")
# zxcvbn looks at this much of a password (it slows down on longer ones, which are
# rarely weak anyway).
CHECKED_LENGTH = 100


class ZxcvbnValidator:
    """Refuse a password zxcvbn scores below `min_score` (0 to 4; 3 is "safely
    unguessable: moderate protection from an offline attack")."""

    def __init__(self, min_score: int = 3):
        if not 0 <= min_score <= 4:
            raise ImproperlyConfigured("PASSWORD_MIN_SCORE is a zxcvbn score, from 0 to 4.")
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        own = user_words(user)
        result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=[*own, *TRUST_WORDS])
        warning = result["feedback"].get("warning")
        # zxcvbn can score a name with separators in it ("Jade-Morris-2026") as strong; what
        # is left once the person's own name and the service's words are taken out has to
        # be strong on its own.
        rest = without_words(password, [*own, *TRUST_WORDS])
        if rest != password:
            rest_result = zxcvbn(rest[:CHECKED_LENGTH])
            if rest_result["score"] < result["score"]:
                result = rest_result
                warning = (OWN_WORDS_WARNING if without_words(password, own) != password
                           else TRUST_WORDS_WARNING)
        if result["score"] >= self.min_score:
            return
        feedback = result["feedback"]
        advice = [warning or "This password would be easy to guess."]
        advice += feedback.get("suggestions") or []
        advice.append("Try a passphrase: three or four unrelated words, such as a line only you would "
                      "think of.")
        raise ValidationError(" ".join(_sentence(a) for a in advice if a), code="password_guessable")

    def get_help_text(self) -> str:
        return ("Your password must not be easy to guess: not a common password, a word with numbers "
                "added, your name or username. A passphrase of three or four unrelated words works well.")


def user_words(user) -> list[str]:
    if user is None:
        return []
    values = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")]
    words = [v for v in values if v]
    # A username such as "jade.morris" and an address such as "jade.morris@nhs.net" in parts too.
    for value in values:
        words += [part for part in value.replace("@", ".").replace("_", ".").split(".") if len(part) > 2]
    return words


def without_words(password: str, words: list[str]) -> str:
    """The password with every (case-insensitive) occurrence of the words taken out."""
    rest = password
    for word in sorted({w.lower() for w in words if len(w) > 2}, key=len, reverse=True):
        index = rest.lower().find(word)
        while index >= 0:
            rest = rest[:index] + rest[index + len(word):]
            index = rest.lower().find(word)
    return rest


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
