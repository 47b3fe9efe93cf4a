"""What the crawl writes to the warehouse: its runs, every request (crawl_log), and the report documents found.

Requests (log) and documents (found) wait in memory and are written in bulk, each flush in one transaction:
when 500 of them are waiting, when the oldest has waited a second (checked on each log() and found() call;
there is no timer), on flush(), and in finish_run(). Threads crawling different portals share one store.

A crash (SIGKILL) loses only what was still waiting: fewer than 500 requests and documents, all recorded in
the second before the crawl's last log() or found() call. It never leaves part of a flush in the warehouse,
and the bytes of what it lost are in the raw archive already: a re-run records them again (fetching anew,
unconditionally, a URL whose crawl_log row was lost). Whatever reads the crawl tables (crawl_log,
source_documents, document_versions, document_images) while a store is still in use calls its flush() first.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import pandas as pd

from crawler.fetch import Fetched

FLUSH_ROWS = 500  # rows (requests + documents) waiting in memory before a flush
FLUSH_SECONDS = 1.0  # age of the oldest waiting row before a flush

_LOG_COLUMNS = {  # crawl_log, in the table's order
    "run_id": "Int64", "region_code": object, "url": object, "final_url": object, "referrer": object,
    "purpose": object, "outcome": object, "status": "Int64", "bytes": "Int64", "sha256": object,
    "content_type": object, "etag": object, "last_modified": object, "attempts": "Int64", "seconds": "float64",
    "waited": "float64", "fetched_at": "datetime64[us]", "error": object}
_VERSION_COLUMNS = {"url": object, "sha256": object, "first_seen": "datetime64[us]", "last_seen": "datetime64[us]"}
_IMAGE_COLUMNS = {"url": object, "src": object, "image_url": object, "sha256": object}
_SOURCE_COLUMNS = {
    "url": object, "region_code": object, "kind": object, "article_url": object, "referrer": object,
    "list_title": object, "title_year": "Int64", "publisher_kind": object, "published": object,
    "site_id_code": object, "sha256": object, "first_seen": "datetime64[us]", "last_seen": "datetime64[us]"}


class Known(NamedTuple):
    """A URL's last good download (from crawl_log): its validators, its bytes, and the last time a request
    confirmed them current (that download, or a 304 since)."""
    etag: str | None
    last_modified: str | None
    sha256: str
    final_url: str | None
    content_type: str | None
    checked_at: datetime


@dataclass
class FoundDocument:
    url: str
    region_code: str
    kind: str  # article | attachment
    sha256: str
    article_url: str | None
    referrer: str | None
    list_title: str | None
    title_year: int | None
    publisher_kind: str
    published: str | None
    site_id_code: str | None
    new_version: bool = False  # bytes not seen at this URL before
    images: dict[str, tuple[str, str]] = field(default_factory=dict)  # image-only article: src → (URL, sha256)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _frame(columns: dict[str, object], rows: list[tuple]) -> pd.DataFrame:
    """The rows as a DataFrame whose column types DuckDB reads as the table's (None → NULL in every one)."""
    values = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame({name: pd.Series(list(v), dtype=dtype) for (name, dtype), v in zip(columns.items(), values)})


class CrawlStore:
    def __init__(self, con, flush_rows: int = FLUSH_ROWS, flush_seconds: float = FLUSH_SECONDS):
        self.con = con
        self.flush_rows, self.flush_seconds = flush_rows, flush_seconds
        self._lock = threading.Lock()
        self._validators: dict[str, tuple] | None = None
        self._versions: set[tuple[str, str]] | None = None  # (url, sha256) of document_versions, and of this run
        # Waiting rows, in call order: ("log", crawl_log row) or ("found", (version, images, source_documents row)).
        self._pending: list[tuple[str, tuple]] = []
        self._pending_since = 0.0  # time.monotonic() of the oldest waiting row

    def start_run(self, registry: str, portals: int) -> int:
        with self._lock:
            run_id = self.con.execute("SELECT nextval('crawl_run_seq')").fetchone()[0]
            self.con.execute("INSERT INTO crawl_runs VALUES (?, ?, NULL, ?, ?)", [run_id, _now(), registry, portals])
            return run_id

    def finish_run(self, run_id: int):
        with self._lock:
            self._flush()
            self.con.execute("UPDATE crawl_runs SET finished_at = ? WHERE run_id = ?", [_now(), run_id])

    def flush(self):
        """Write every waiting row to the warehouse (one transaction), for a reader of the crawl tables."""
        with self._lock:
            self._flush()

    def last_requests(self) -> dict[str, int]:
        """Requests per region code in the last finished crawl run: how long its portal's crawl is (the portals of
        one region, where a registry has several, count together)."""
        with self._lock:
            return dict(self.con.execute(
                "SELECT region_code, count(*) FROM crawl_log WHERE run_id = (SELECT max(run_id) FROM crawl_runs"
                " WHERE finished_at IS NOT NULL) GROUP BY region_code").fetchall())

    def known(self, url: str) -> Known | None:
        """What the crawl knows of a URL's last good download, and when its bytes were last confirmed current."""
        with self._lock:
            if self._validators is None:
                self._flush()  # the requests of this run logged so far count too
                good = "outcome = 'fetched' AND status = 200"
                rows = self.con.execute(
                    f"SELECT url, arg_max(etag, fetched_at) FILTER ({good}),"
                    f" arg_max(last_modified, fetched_at) FILTER ({good}), arg_max(sha256, fetched_at) FILTER ({good}),"
                    f" arg_max(final_url, fetched_at) FILTER ({good}), arg_max(content_type, fetched_at) FILTER ({good}),"
                    " max(fetched_at) FROM crawl_log"
                    f" WHERE sha256 IS NOT NULL AND (({good}) OR outcome = 'not_modified')"
                    f" GROUP BY url HAVING count(*) FILTER ({good}) > 0").fetchall()
                self._validators = {r[0]: Known(*r[1:]) for r in rows}
            return self._validators.get(url)

    def log(self, run_id: int, region_code: str, got: Fetched, referrer: str | None, purpose: str,
            sha256: str | None):
        row = (run_id, region_code, got.url, got.final_url, referrer, purpose, got.outcome, got.status,
               len(got.body) if got.body is not None and got.outcome == "fetched" else None, sha256,
               got.content_type, got.etag, got.last_modified, got.attempts, round(got.elapsed, 4),
               round(got.waited, 4), got.fetched_at, got.error)
        with self._lock:
            self._add("log", row)
            if self._validators is not None and sha256:
                if got.outcome == "fetched" and got.status == 200:
                    self._validators[got.url] = Known(got.etag, got.last_modified, sha256, got.final_url,
                                                      got.content_type, got.fetched_at)
                elif got.outcome == "not_modified" and got.url in self._validators:
                    self._validators[got.url] = self._validators[got.url]._replace(checked_at=got.fetched_at)
            self._flush_if_due()

    def found(self, doc: FoundDocument) -> FoundDocument:
        """Record a report document and its current version; tells whether the bytes are new at this URL."""
        now = _now()
        record = ((doc.url, doc.sha256, now, now),
                  tuple((doc.url, src, image_url, sha) for src, (image_url, sha) in doc.images.items()),
                  (doc.url, doc.region_code, doc.kind, doc.article_url, doc.referrer, doc.list_title, doc.title_year,
                   doc.publisher_kind, doc.published, doc.site_id_code, doc.sha256, now, now))
        with self._lock:
            if self._versions is None:
                self._versions = set(self.con.execute("SELECT url, sha256 FROM document_versions").fetchall())
            key = (doc.url, doc.sha256)
            doc.new_version = key not in self._versions
            self._versions.add(key)
            self._add("found", record)
            self._flush_if_due()
        return doc

    # ------------------------------------------------------------------ the buffer (callers hold the lock)

    def _add(self, kind: str, row: tuple):
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append((kind, row))

    def _flush_if_due(self):
        if len(self._pending) >= self.flush_rows or time.monotonic() - self._pending_since >= self.flush_seconds:
            self._flush()

    def _flush(self):
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            self._write(pending)
        except Exception:
            # One bad row fails its statement: write the rows one by one (each its own transaction, as the
            # row-by-row store did), so that it costs only itself, then raise its error.
            errors = []
            for item in pending:
                try:
                    self._write([item])
                except Exception as err:  # noqa: BLE001 - raised below
                    err.add_note(f"crawl store: this {item[0]} row was not written: {item[1]!r}")
                    errors.append(err)
            if errors:
                if len(errors) > 1:
                    errors[0].add_note(f"crawl store: {len(errors) - 1} more rows of this flush were not written")
                raise errors[0]

    def _write(self, pending: list[tuple[str, tuple]]):
        """The rows in one transaction: crawl_log appended, the documents' tables upserted (deduplicated by key
        first, with what writing them one at a time would have left: the last values, the first first_seen)."""
        log, versions, images, sources = [], {}, {}, {}
        for kind, row in pending:
            if kind == "log":
                log.append(row)
                continue
            version, image_rows, source = row
            key = version[:2]
            versions[key] = (*key, versions[key][2] if key in versions else version[2], version[3])
            for image in image_rows:
                images[image[:2]] = image
            first_seen = sources[source[0]][11] if source[0] in sources else source[11]
            sources[source[0]] = (*source[:11], first_seen, source[12])
        # DuckDB reads each frame by its variable's name (a replacement scan, as gkreports.warehouse does);
        # they are built before the transaction begins, to keep it short.
        crawl_log_batch = _frame(_LOG_COLUMNS, log) if log else None  # noqa: F841
        document_versions_batch = _frame(_VERSION_COLUMNS, list(versions.values())) if versions else None  # noqa: F841
        document_images_batch = _frame(_IMAGE_COLUMNS, list(images.values())) if images else None  # noqa: F841
        source_documents_batch = _frame(_SOURCE_COLUMNS, list(sources.values())) if sources else None  # noqa: F841
        self.con.execute("BEGIN TRANSACTION")
        try:
            if log:
                self.con.execute("INSERT INTO crawl_log BY NAME SELECT * FROM crawl_log_batch")
            if versions:
                self.con.execute("INSERT INTO document_versions BY NAME SELECT * FROM document_versions_batch"
                                 " ON CONFLICT (url, sha256) DO UPDATE SET last_seen = excluded.last_seen")
            if images:
                self.con.execute("INSERT INTO document_images BY NAME SELECT * FROM document_images_batch"
                                 " ON CONFLICT (url, src) DO UPDATE SET image_url = excluded.image_url,"
                                 " sha256 = excluded.sha256")
            if sources:
                self.con.execute(
                    "INSERT INTO source_documents BY NAME SELECT * FROM source_documents_batch ON CONFLICT (url)"
                    " DO UPDATE SET region_code = excluded.region_code, kind = excluded.kind,"
                    " article_url = excluded.article_url, referrer = excluded.referrer,"
                    " list_title = excluded.list_title, title_year = excluded.title_year,"
                    " publisher_kind = excluded.publisher_kind, published = excluded.published,"
                    " site_id_code = excluded.site_id_code, sha256 = excluded.sha256, last_seen = excluded.last_seen")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
