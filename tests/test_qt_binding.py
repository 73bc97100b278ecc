"""The pinned Qt binding must not leak references on calls the app makes all day long.

PySide6 6.12.0 drops a reference to None on every void call; on Python 3.11
(None is not immortal there) the app died with "deallocating None" after a few
thousand keystrokes. This pins the binding version that works.
"""
import sys

from PySide6.QtWidgets import QApplication, QLineEdit


def test_void_calls_keep_none_alive(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    before = sys.getrefcount(None)
    for i in range(5000):
        edit.setText(str(i))
        QApplication.processEvents()
    assert sys.getrefcount(None) >= before - 100
