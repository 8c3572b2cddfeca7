from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts and roles"

    def ready(self):
        # A migration runs once, but accounts/roles.py will change: syncing after every
        # migrate (and the flush that empties a test database) keeps the groups equal to it.
        # Connected for this app only, so it runs once per migrate.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="accounts.roles_sync")


def sync_roles_after_migrate(sender, apps=global_apps, **kwargs):
    from .roles import roles_sync

    try:
        apps.get_model("auth", "Group")
    except LookupError:  # auth migrated back to zero: there are no groups to keep
        return
    roles_sync(apps)
