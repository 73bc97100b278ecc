"""The app opens no network connection (PRODUCT.md §7): starting, editing,
printing and importing are traced at the system-call level with strace."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt"
pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (.ci/run installs it)")
NETWORK_SOCKET = re.compile(r"socket\((AF_INET|AF_INET6|AF_PACKET)")
NETWORK_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_INET|AF_INET6)")


def traced(tmp_path: Path, *args: str) -> list[str]:
    log = tmp_path / f"strace-{len(list(tmp_path.glob('strace-*')))}.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=socket,connect", "-o", str(log),
                             sys.executable, *args], capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return log.read_text().splitlines()


def network_calls(lines: list[str]) -> list[str]:
    return [line for line in lines if NETWORK_SOCKET.search(line) or NETWORK_CONNECT.search(line)]


def test_a_whole_window_session_opens_no_network_socket(tmp_path):
    out = tmp_path / "out.pdf"
    lines = traced(tmp_path, str(ROOT / "tests" / "harness" / "session_child.py"), str(tmp_path / "s.sqlite3"),
                   str(SAMPLE), str(out), str(tmp_path / "settings"))
    assert out.exists() and out.stat().st_size > 10_000  # the session really printed
    assert network_calls(lines) == []


def test_command_line_import_validate_print_export_open_no_network_socket(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    calls = []
    for args in (["import", str(SAMPLE)], ["validate", "--all"], ["print", "--all", "-o", str(tmp_path / "a.pdf")],
                 ["export", "--all", "-o", str(tmp_path / "a.xlsx")]):
        try:
            calls += network_calls(traced(tmp_path, "-m", "desktop", "--db", db, *args))
        except AssertionError:
            if args[0] != "validate":  # validate exits 1 only when there are errors; the samples have none
                raise
    assert calls == []
