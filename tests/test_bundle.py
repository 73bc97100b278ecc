"""The one-folder PyInstaller build starts, prints a sample form headless and opens
its window offscreen. Takes minutes, so it runs only when asked for:

    python -m pytest -m slow tests/test_bundle.py
"""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_bundle_builds_and_passes_its_smoke_test():
    result = subprocess.run([sys.executable, str(ROOT / ".ci" / "build_bundle.py")], capture_output=True,
                            text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "smoke test passed" in result.stdout
