"""One core for the window and the command line (no Qt).

Every action that checks, reads, writes or prints declarations is a function
here; `desktop/commands.py` and `desktop/qt` are thin callers that turn a
``ServiceError`` into an exit code or a message box. Checking happens in one
place (``checking.check``), so a declaration has the same problems, and the
same stored counts, whichever way it was saved.
"""
from desktop.services.errors import Cancelled, ServiceError

__all__ = ["Cancelled", "ServiceError"]
