"""What a service refuses, in one plain Chinese sentence."""


class ServiceError(Exception):
    """The action did not happen (nothing was changed); the message says why."""


class Cancelled(Exception):
    """The user cancelled a long action (import, export, print); nothing was changed."""
