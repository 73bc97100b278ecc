"""Window settings kept between sessions (a typed wrapper over QSettings)."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORG = "jixiao"
APP = "jixiao"


class AppSettings:
    def __init__(self, settings: QSettings | None = None):
        self.q = settings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)

    def _bytes(self, key: str) -> QByteArray | None:
        v = self.q.value(key)
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.q.setValue("window/geometry", value)

    @property
    def state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @state.setter
    def state(self, value: QByteArray) -> None:
        self.q.setValue("window/state", value)

    def last_declaration(self, db_key: str) -> int | None:
        v = self.q.value(f"last/{_key(db_key)}")
        try:
            return int(v) if v is not None else None
        except (TypeError, ValueError):
            return None

    def set_last_declaration(self, db_key: str, decl_id: int | None) -> None:
        self.q.setValue(f"last/{_key(db_key)}", decl_id if decl_id is not None else "")

    def sync(self) -> None:
        self.q.sync()


def _key(path: str) -> str:
    # QSettings keys may not hold slashes or backslashes of file paths.
    import hashlib

    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]
