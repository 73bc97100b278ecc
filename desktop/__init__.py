"""绩效目标申报表 desktop application."""

__version__ = "0.1.0"
