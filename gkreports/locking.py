"""Opening the DuckDB warehouse while another process holds its lock: wait a while, then say who holds it.

DuckDB lets one process write a database file, and no other process read it meanwhile. A second
`gkreports load` (or a reader) retries until the lock is free or `GKREPORTS_LOCK_WAIT` seconds (default 30)
have passed, then fails with `WarehouseBusy`, whose message names the process holding the file.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import duckdb

LOCK_WAIT_ENV = "GKREPORTS_LOCK_WAIT"
DEFAULT_LOCK_WAIT_S = 30.0
_HOLDER = re.compile(r"held in (?P<exe>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseBusy(Exception):
    """The warehouse file stayed locked by another process for the whole wait."""

    def __init__(self, path: Path, holder: str, waited: float):
        super().__init__(path, holder, waited)
        self.path, self.holder, self.waited = path, holder, waited

    def __str__(self) -> str:
        return (f"{self.path}: the warehouse is in use by another process ({self.holder}); waited {self.waited:g} s "
                f"(set {LOCK_WAIT_ENV} to wait longer)")


def lock_wait(wait: float | None = None) -> float:
    """Seconds to wait for the lock: the argument, else $GKREPORTS_LOCK_WAIT, else 30."""
    if wait is not None:
        return max(0.0, float(wait))
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_S)))
    except ValueError:
        return DEFAULT_LOCK_WAIT_S


def lock_holder(message: str) -> str:
    """'PID 123: python -m gkreports.cli load …' from DuckDB's lock error (the command line where readable)."""
    m = _HOLDER.search(message)
    if not m:
        return "holder unknown"
    pid = m.group("pid")
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        command = ""
    return f"PID {pid}: {command or m.group('exe')}"


def is_lock_error(err: Exception) -> bool:
    return isinstance(err, duckdb.IOException) and "lock" in str(err).lower()


def open_waiting(path: Path, read_only: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried while another process holds the file's lock, for at most `lock_wait(wait)` s."""
    limit = lock_wait(wait)
    deadline = time.monotonic() + limit
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as err:
            if not is_lock_error(err):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                raise WarehouseBusy(path, lock_holder(str(err)), limit) from None
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.5)
