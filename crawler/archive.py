"""The raw archive: every downloaded byte, stored once under data/raw/ and named by its sha256."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

DEFAULT_ARCHIVE = Path(__file__).resolve().parent.parent / "data" / "raw"


class RawArchive:
    """Content-addressed files: data/raw/ab/abcdef…; never named from a URL, never left half-written."""

    def __init__(self, root: str | Path = DEFAULT_ARCHIVE):
        self.root = Path(root)
        # Files being written live in root/.tmp until renamed into place; whatever a killed run left there is
        # incomplete by construction, and goes.
        self.tmp = self.root / ".tmp"
        if self.tmp.is_dir():
            for stale in self.tmp.iterdir():
                stale.unlink(missing_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.is_file():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file on the same file system, fsync, then rename: a crash leaves no partial file
        # under a real name, and a rerun simply writes it again.
        fd, tmp = tempfile.mkstemp(dir=self.tmp, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
