"""Real disk trouble for tests: a tiny tmpfs that can fill up or turn read-only.

Mounting needs root (CI runs as root); elsewhere these tests are skipped.
Root ignores permission bits, so a read-only *mount* is the honest way to
make a folder that nobody, root included, can write to.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


class SmallDisk:
    """A tmpfs of `size` bytes mounted at `path`."""

    def __init__(self, path: Path, size: int):
        self.path = path
        self.size = size
        self._filler = path / ".filler"

    def _mount(self, *opts: str) -> None:
        subprocess.run(["mount", *opts], check=True, capture_output=True)

    def fill(self, leave: int = 0) -> None:
        """Take every free byte but `leave`, so writes soon fail with ENOSPC."""
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 1 << 16, 1 << 12, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        if leave:
            os.truncate(self._filler, max(0, self._filler.stat().st_size - leave))

    def free(self) -> None:
        """Space returns (the user deleted something)."""
        self._filler.unlink(missing_ok=True)

    def read_only(self) -> None:
        self._mount("-o", "remount,ro", str(self.path))

    def writable(self) -> None:
        self._mount("-o", "remount,rw", str(self.path))

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def mount_small_disk(path: Path, size: int = 4 * 1024 * 1024) -> SmallDisk:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs (CI runs as root)")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return SmallDisk(path, size)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB disk of its own; unmounted at the end whatever happened."""
    disk = mount_small_disk(tmp_path / "disk")
    yield disk
    disk.unmount()
