"""The break-glass page in place of a page whose reader has no care relationship."""

from django.http import HttpRequest, HttpResponse

from .forms import BreakGlassForm
from .views import BreakGlassRequired, break_glass_page


class BreakGlassMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BreakGlassRequired):
            return None
        form = BreakGlassForm(initial={"next": exception.next_url})
        return break_glass_page(request, exception.person, form, status=403)
