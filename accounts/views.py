from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .roles import roles_of


def home(request):
    """Each role lands on its own home; the first of the user's roles wins."""
    roles = roles_of(request.user)
    if not roles:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(roles[0].home)


@require_POST
def session_keep_alive(request):
    """"Stay signed in" on the timeout warning: any signed-in request renews the idle
    timeout (SESSION_SAVE_EVERY_REQUEST); this one does nothing else. Says how long the
    session now has, for the page's timer."""
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})
