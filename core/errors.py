"""The domain's errors, raised by services and translated once: to a form error
in the UI (`NHSFormMixin.add_domain_error` in core/forms.py) and to a problem
response in the API (`exception_handler` in core/api.py)."""


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(DomainError):
    """The request breaks a clinical or data rule."""


class Conflict(DomainError):
    """The request clashes with the current state (a double booking, a decided referral)."""


class NotAllowed(DomainError):
    """The actor's role does not allow this action."""


class StaleVersion(Conflict):
    """The change was made from an older version of the record than the current one: made,
    it would undo what someone else saved meanwhile (a lost update)."""

    def __init__(self, message: str, *, current_version: int, field: str | None = None):
        super().__init__(message, field=field)
        self.current_version = current_version
