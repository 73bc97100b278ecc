"""Exporters by file suffix."""
from __future__ import annotations

from desktop.io.excel import export_xlsx
from desktop.io.json_io import export_json

EXPORTERS = {".json": export_json, ".xlsx": export_xlsx}
