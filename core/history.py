"""Saving clinical records with their history user set from the acting user.

django-simple-history takes the user from the request when there is one; a
service may run from a Celery task or a command, so services name the actor."""


def save_as(instance, actor, **kwargs):
    instance._history_user = actor
    instance.save(**kwargs)
    return instance
