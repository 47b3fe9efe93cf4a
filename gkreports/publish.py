"""The read-only copy of the warehouse that readers use while the nightly flow writes.

DuckDB lets one process open a database file for writing and no other process open it at all meanwhile, so a
reader of data/warehouse.duckdb would wait for the whole nightly run. After each successful run the writer
copies the whole database (tables, views, sequences) into a new file beside it and renames that file over
data/warehouse.readonly.duckdb: the rename is atomic, so a reader opening the copy sees the previous run's
state or the new one, never a half-written one, and a reader already open keeps reading the file it opened.
"""
from __future__ import annotations

import os
from pathlib import Path

from gkreports.warehouse import DEFAULT_DB

SUFFIX = ".readonly.duckdb"


def published_path(db: str | Path = DEFAULT_DB) -> Path:
    """Where the read-only copy of `db` is published: warehouse.duckdb → warehouse.readonly.duckdb."""
    db = Path(db)
    return db.with_name(db.name.removesuffix(".duckdb") + SUFFIX)


def publish_copy(con, db: str | Path, target: str | Path | None = None) -> Path:
    """Copy the warehouse `con` writes (the file `db`) to its read-only copy, atomically; returns its path.

    Call it between transactions: the copy holds everything committed when it starts."""
    target = Path(target) if target is not None else published_path(db)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH '{_quoted(tmp)}' AS gkreports_publish")
    try:
        con.execute(f'COPY FROM DATABASE "{catalog}" TO gkreports_publish')
    finally:
        con.execute("DETACH gkreports_publish")
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return target


def refresh_and_publish(con, db: str | Path, archive: str | Path | None = None) -> Path:
    """What follows a successful load: narrative signatures for new reports, then the read-only copy."""
    from gkreports.narrative import refresh_signatures
    refresh_signatures(con, archive)
    return publish_copy(con, db)


def open_for_reading(db: str | Path = DEFAULT_DB, prefer_copy: bool = False):
    """A read-only connection for analysts' commands, and what it reads. The warehouse itself when it is free;
    its published copy when a writer holds it (or when `prefer_copy` and the copy exists)."""
    from gkreports.locking import WarehouseBusy
    from gkreports.warehouse import connect
    db, copy = Path(db), published_path(db)
    if prefer_copy and copy.exists():
        return connect(copy, read_only=True), copy
    if not db.exists() and copy.exists():
        return connect(copy, read_only=True), copy
    try:
        return connect(db, read_only=True, wait=0), db
    except WarehouseBusy:
        if copy.exists():
            return connect(copy, read_only=True), copy
        raise


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
