"""What the crawl writes to the warehouse: its runs, every request (crawl_log), and the report documents found.

Rows are written as the crawl goes (each in its own short transaction), so a crash keeps everything up to
the last request; threads crawling different portals share one store.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from crawler.fetch import Fetched


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


class CrawlStore:
    def __init__(self, con):
        self.con = con
        self._lock = threading.Lock()
        self._validators: dict[str, tuple] | None = None

    def start_run(self, registry: str, portals: int) -> int:
        with self._lock:
            run_id = self.con.execute("SELECT nextval('crawl_run_seq')").fetchone()[0]
            self.con.execute("INSERT INTO crawl_runs VALUES (?, ?, NULL, ?, ?)", [run_id, _now(), registry, portals])
            return run_id

    def finish_run(self, run_id: int):
        with self._lock:
            self.con.execute("UPDATE crawl_runs SET finished_at = ? WHERE run_id = ?", [_now(), run_id])

    def validators(self, url: str) -> tuple[str | None, str | None, str] | None:
        """(etag, last_modified, sha256) of the last good download of a URL, for a conditional GET."""
        with self._lock:
            if self._validators is None:
                rows = self.con.execute(
                    "SELECT url, arg_max(etag, fetched_at), arg_max(last_modified, fetched_at),"
                    " arg_max(sha256, fetched_at) FROM crawl_log"
                    " WHERE outcome = 'fetched' AND status = 200 AND sha256 IS NOT NULL GROUP BY url").fetchall()
                self._validators = {r[0]: (r[1], r[2], r[3]) for r in rows}
            return self._validators.get(url)

    def log(self, run_id: int, region_code: str, got: Fetched, referrer: str | None, purpose: str,
            sha256: str | None):
        with self._lock:
            self.con.execute(
                "INSERT INTO crawl_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [run_id, region_code, got.url, got.final_url, referrer, purpose, got.outcome, got.status,
                 len(got.body) if got.body is not None and got.outcome == "fetched" else None, sha256,
                 got.content_type, got.etag, got.last_modified, got.attempts, round(got.elapsed, 4),
                 round(got.waited, 4), got.fetched_at, got.error])
            if self._validators is not None and got.outcome == "fetched" and got.status == 200 and sha256:
                self._validators[got.url] = (got.etag, got.last_modified, sha256)

    def found(self, doc: FoundDocument) -> FoundDocument:
        """Record a report document and its current version; tells whether the bytes are new at this URL."""
        now = _now()
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                seen = self.con.execute("SELECT 1 FROM document_versions WHERE url = ? AND sha256 = ?",
                                        [doc.url, doc.sha256]).fetchone()
                if seen:
                    self.con.execute("UPDATE document_versions SET last_seen = ? WHERE url = ? AND sha256 = ?",
                                     [now, doc.url, doc.sha256])
                else:
                    self.con.execute("INSERT INTO document_versions VALUES (?, ?, ?, ?)",
                                     [doc.url, doc.sha256, now, now])
                doc.new_version = not seen
                for src, (image_url, sha) in doc.images.items():
                    self.con.execute("INSERT INTO document_images VALUES (?, ?, ?, ?) ON CONFLICT (url, src) DO UPDATE"
                                     " SET image_url = excluded.image_url, sha256 = excluded.sha256",
                                     [doc.url, src, image_url, sha])
                self.con.execute(
                    "INSERT INTO source_documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET"
                    " region_code = excluded.region_code, kind = excluded.kind, article_url = excluded.article_url,"
                    " referrer = excluded.referrer, list_title = excluded.list_title,"
                    " title_year = excluded.title_year, publisher_kind = excluded.publisher_kind,"
                    " published = excluded.published, site_id_code = excluded.site_id_code,"
                    " sha256 = excluded.sha256, last_seen = excluded.last_seen",
                    [doc.url, doc.region_code, doc.kind, doc.article_url, doc.referrer, doc.list_title,
                     doc.title_year, doc.publisher_kind, doc.published, doc.site_id_code, doc.sha256, now, now])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
        return doc
