"""The bundled Chinese font, registered with Qt so the UI renders without system CJK fonts."""
from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from desktop import paths

UI_FONT_FILE = "wqy-microhei.ttc"
_family: str | None = None


def register_ui_font() -> str | None:
    """Register the bundled sans font; returns its family name (None if missing)."""
    global _family
    if _family is None:
        font_id = QFontDatabase.addApplicationFont(str(paths.fonts_dir() / UI_FONT_FILE))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else ""
    return _family or None


def ui_font(point_size: int = 10) -> QFont:
    family = register_ui_font()
    font = QFont(family) if family else QFont()
    font.setPointSize(point_size)
    return font
