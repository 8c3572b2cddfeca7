from django.contrib import admin

from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """API clients to look at: which systems hold a credential, who to contact, and when
    each token expires. Issuing, rotating and revoking are the api_client_* commands, which
    print a token once; nothing here shows or changes one."""

    list_display = ("name", "contact", "user", "token_expires_at", "revoked_at")
    search_fields = ("name", "contact")
    readonly_fields = ("name", "contact", "user", "created_at", "created_by", "token_issued_at",
                       "token_expires_at", "revoked_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
