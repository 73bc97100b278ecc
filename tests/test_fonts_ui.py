"""The window shows Chinese with the font we ship, not whatever the PC has."""
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QLabel

from desktop.qt.fonts import register_ui_font, ui_font

TEXT = "二级项目支出绩效目标申报表"


def test_the_bundled_font_is_registered_and_has_the_glyphs(qtbot):
    family = register_ui_font()
    assert family and "WenQuanYi" in family
    assert family in QFontDatabase.families()
    metrics = QFontMetrics(ui_font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in TEXT)


def _grab(qtbot, font: QFont):
    label = QLabel(TEXT)
    label.setFont(font)
    qtbot.addWidget(label)
    label.resize(400, 40)
    return label.grab().toImage()


def test_chinese_renders_unlike_a_font_without_the_glyphs(qtbot):
    with_glyphs = _grab(qtbot, ui_font(14))
    no_glyphs = QFont("DejaVu Sans", 14)
    no_glyphs.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)  # no fallback: boxes
    boxes = _grab(qtbot, no_glyphs)
    assert with_glyphs != boxes
    # and the text really drew something (not a blank label)
    blank = _grab(qtbot, ui_font(14))
    blank_label = QLabel("")
    blank_label.resize(400, 40)
    qtbot.addWidget(blank_label)
    assert blank != blank_label.grab().toImage()
