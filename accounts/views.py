from django.shortcuts import redirect, render

from .roles import roles_of


def home(request):
    """Each role lands on its own home; the first of the user's roles wins."""
    roles = roles_of(request.user)
    if not roles:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(roles[0].home)
