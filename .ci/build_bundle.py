"""Build the one-folder app in a clean venv and smoke-test it.

    python .ci/build_bundle.py            # build into dist/jixiao, then test it

The smoke test runs the built program without Python on its path: import the
sample, print it to PDF, and open the window offscreen for a moment. Prints
the folder size.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
VENV = BUILD / "venv"
DIST = ROOT / "dist" / "jixiao"


def run(*cmd, **kw) -> subprocess.CompletedProcess:
    print("$", " ".join(map(str, cmd)), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def build() -> None:
    if not venv_python().exists():
        venv.create(VENV, with_pip=True)
    run(venv_python(), "-m", "pip", "install", "-q", f"{ROOT}[build]")
    run(venv_python(), "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", ROOT / "dist",
        "--workpath", BUILD / "pyinstaller", ROOT / "pyinstaller.spec")


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def smoke_test() -> None:
    exe = DIST / ("jixiao.exe" if os.name == "nt" else "jixiao")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env.update(QT_QPA_PLATFORM="offscreen", JIXIAO_DB=str(Path(tmp) / "smoke.sqlite3"), HOME=tmp)
        out = run(exe, "import", ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt",
                  env=env, cwd=tmp, capture_output=True, text=True).stdout
        assert out.count("\n") == 5, out
        pdf = Path(tmp) / "smoke.pdf"
        run(exe, "print", "--all", "-o", pdf, env=env, cwd=tmp)
        assert pdf.stat().st_size > 50_000
        run(exe, env={**env, "JIXIAO_QUIT_AFTER_MS": "1500"}, cwd=tmp, timeout=120)
    print(f"smoke test passed; {DIST} is {folder_size(DIST) / 1024 / 1024:.0f} MB")


if __name__ == "__main__":
    if "--no-build" not in sys.argv:
        shutil.rmtree(DIST, ignore_errors=True)
        build()
    smoke_test()
