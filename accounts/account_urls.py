"""The signed-in user's own account: the second step of sign-in, recovery codes and
their password. (The older sign-in addresses, accounts/urls.py, have no namespace.)"""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/changed/", views.password_change_done, name="password_change_done"),
]
