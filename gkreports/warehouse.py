"""The DuckDB warehouse: schema set-up and the idempotent load of one document's report.

Write behaviour, by construction:
- a document is identified by the sha256 of its bytes; loading it again changes nothing;
- a report is identified by (region_code, publisher, year); a different document for the same report
  replaces that report's facts in one transaction, and the old document stays listed as `superseded`;
- a document that cannot be read is listed as `failed` with its reason, and is retried on the next load
  (a converter may have been installed since).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from extractors import MEDIA_TYPES, ExtractionError, Report, sniff
from extractors.regions import lookup
from extractors.template import all_template_cells
from gkreports import DEFAULT_DB  # noqa: F401  (re-exported: the warehouse file)
from gkreports.isolation import extract_limited

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"

FACT_TABLES = {"t2": "fact_active_disclosure", "t3": "fact_applications", "t4": "fact_review_litigation"}


@dataclass
class LoadResult:
    source: str
    document_id: str
    status: str  # ok | partial | failed | unchanged
    message: str = ""
    replaced: str | None = None  # document id this one superseded


def connect(path: str | Path = DEFAULT_DB, read_only: bool = False,
            wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse with its schema, views and template dimension.

    While another process holds the file, wait for it up to `wait` seconds ($GKREPORTS_LOCK_WAIT, default
    30), then raise gkreports.locking.WarehouseBusy naming that process. `read_only` opens an existing
    warehouse for reading, as it is."""
    from gkreports.locking import open_waiting
    path = Path(path)
    if read_only:
        return open_waiting(path, read_only=True, wait=wait)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_waiting(path, wait=wait)
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    if con.execute("SELECT count(*) FROM template_cells").fetchone()[0] == 0:
        _insert_rows(con, "template_cells", all_template_cells())
    con.execute((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
    for analysis in sorted((SQL_DIR / "analysis").glob("*.sql")):  # analysts' tables and views (issue 7)
        con.execute(analysis.read_text(encoding="utf-8"))
    return con


def _insert_rows(con, table: str, rows: list[dict]):
    """One INSERT for many rows (executemany costs a round trip per row)."""
    incoming = pd.DataFrame(rows)  # found by DuckDB's replacement scan under this name
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")


def document_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _record_failure(con, doc_id: str, source: str, size: int, media_type: str | None, reason: str, message: str):
    same = con.execute("SELECT 1 FROM documents WHERE document_id = ? AND error_reason = ? AND error = ?",
                       [doc_id, reason, message]).fetchall()
    if same:  # failing again the same way changes nothing
        return
    con.execute("DELETE FROM documents WHERE document_id = ?", [doc_id])
    con.execute(
        "INSERT INTO documents (document_id, source, media_type, size_bytes, status, error_reason, error, loaded_at)"
        " VALUES (?, ?, ?, ?, 'failed', ?, ?, ?)", [doc_id, source, media_type, size, reason, message, _now()])


def _upsert_region(con, code: str | None):
    while code:
        region = lookup(code)
        if region is None:
            return
        con.execute("INSERT INTO regions VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [region.code, region.name, region.level, region.parent_code])
        code = region.parent_code


def _loc(cell, key):
    v = cell.source.get(key)
    return int(v) if v is not None else None


def _insert_report(con, doc_id: str, source: str, size: int, report: Report) -> str | None:
    """Insert a read report; returns the id of the document it replaced, if any. Caller holds the transaction."""
    now = _now()
    published = report.published if report.published and len(report.published) == 10 else None
    con.execute("DELETE FROM documents WHERE document_id = ?", [doc_id])  # a former failure of the same bytes
    con.execute(
        "INSERT INTO documents (document_id, source, media_type, size_bytes, title, publisher, region_code, year,"
        " template, published, status, missing_cells, notes, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [doc_id, source, report.media_type, size, report.title, report.publisher, report.region_code, report.year,
         report.template, published, report.status, report.missing, report.notes, now])
    _upsert_region(con, report.region_code)
    if report.template == "pre2019" or not report.cells:
        return None
    _insert_document_facts(con, doc_id, report)
    key = f"{report.region_code or ''}|{report.publisher}|{report.year}"
    old = con.execute("SELECT r.document_id, d.source, coalesce(len(d.missing_cells), 0) FROM reports r"
                      " JOIN documents d USING (document_id) WHERE r.report_key = ?", [key]).fetchone()
    replaced = None
    if old and old[0] != doc_id and old[1] != source and len(report.missing) > old[2]:
        # Another document of the same report (an article and its attachment) that reads fewer cells: the
        # report stays with the more complete one; this one is kept, its cells in document_facts.
        con.execute("UPDATE documents SET status = 'alternate' WHERE document_id = ?", [doc_id])
        return None
    if old and old[0] != doc_id:
        replaced = old[0]
        for table in FACT_TABLES.values():
            con.execute(f"DELETE FROM {table} WHERE document_id = ?", [replaced])
        con.execute("DELETE FROM narrative_facts WHERE document_id = ?", [replaced])
        con.execute("UPDATE documents SET status = 'superseded' WHERE document_id = ?", [replaced])
    con.execute("DELETE FROM reports WHERE report_key = ?", [key])
    con.execute("INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [key, report.region_code, report.publisher, report.year, report.template, doc_id, now])
    for table_name, fact_table in FACT_TABLES.items():
        rows = [{"document_id": doc_id, "region_code": report.region_code, "publisher": report.publisher,
                 "year": report.year, "template": report.template, "table_name": c.table, "row_name": c.row,
                 "column_name": c.column, "value": c.value, "raw": c.raw, "semantic": c.semantic, "reads": c.reads,
                 "source_page": _loc(c, "page"), "source_line": _loc(c, "line"), "source_table": _loc(c, "table"),
                 "source_row": _loc(c, "row"), "source_column": _loc(c, "col")}
                for c in report.cells if c.table == table_name]
        if rows:
            _insert_rows(con, fact_table, rows)
    for fact in report.narrative:
        con.execute("INSERT INTO narrative_facts VALUES (?,?,?,?,?,?,?,?,?)",
                    [doc_id, report.region_code, report.publisher, report.year, fact.fact, fact.value, fact.text,
                     fact.source.get("page"), fact.source.get("line")])
    return replaced


def _insert_document_facts(con, doc_id: str, report: Report):
    """Every cell the document gave, whether or not it becomes the current report."""
    con.execute("DELETE FROM document_facts WHERE document_id = ?", [doc_id])
    rows = [{"document_id": doc_id, "table_name": c.table, "row_name": c.row, "column_name": c.column,
             "value": None if c.value is None else float(c.value), "raw": c.raw, "semantic": c.semantic,
             "reads": c.reads}
            for c in report.cells]
    if rows:
        _insert_rows(con, "document_facts", rows)


def load_document(con, data: bytes, source: str, images: dict[str, bytes] | None = None) -> LoadResult:
    """Extract one document (an image-only article with its pictures, `images`: img src or URL → bytes) and load
    it. Never raises for a bad document: the failure is recorded."""
    doc_id = document_id(data)
    seen = con.execute("SELECT status FROM documents WHERE document_id = ?", [doc_id]).fetchone()
    if seen and seen[0] != "failed":
        return LoadResult(source, doc_id, "unchanged", "already loaded")
    try:
        report = extract_limited(data, source, images=images)  # under the time and memory limits
        if report.template != "pre2019" and (report.publisher is None or report.year is None):
            raise ExtractionError("metadata_missing", "the report's publisher or year could not be read "
                                  "from its title or text", source)
    except ExtractionError as err:
        _record_failure(con, doc_id, source, len(data), MEDIA_TYPES.get(sniff(data)), err.reason, err.message)
        return LoadResult(source, doc_id, "failed", f"{err.reason}: {err.message}")
    except Exception as err:  # an extractor bug must not stop the batch; it is recorded like any failure
        _record_failure(con, doc_id, source, len(data), MEDIA_TYPES.get(sniff(data)), "extractor_error",
                        f"{type(err).__name__}: {err}")
        return LoadResult(source, doc_id, "failed", f"extractor_error: {type(err).__name__}: {err}")
    con.execute("BEGIN TRANSACTION")
    try:
        replaced = _insert_report(con, doc_id, source, len(data), report)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    message = f"{report.publisher} {report.year}: {len(report.cells)} cells"
    if report.missing:
        message += f", {len(report.missing)} missing"
    status = con.execute("SELECT status FROM documents WHERE document_id = ?", [doc_id]).fetchone()[0]
    if status == "alternate":
        message += "; another document of this report reads more cells and stays current"
    return LoadResult(source, doc_id, status, message, replaced)


def load_archived(con, documents: list[tuple], read, retry_failed: bool = False,
                  progress=None) -> list[LoadResult]:
    """Load crawled documents given as (URL, sha256) or (URL, sha256, {img src: sha256}) in crawl order, reading
    bytes with `read(sha256)`; an image-only article is extracted together with its archived pictures.
    Bytes already loaded (under any URL) are not extracted again; nor are bytes that failed before, unless
    `retry_failed` (after installing a converter, say): unchanged bytes would fail the same way."""
    results, done = [], set()
    for url, sha, *rest in documents:
        if sha in done:
            continue
        done.add(sha)
        seen = con.execute("SELECT status FROM documents WHERE document_id = ?", [sha]).fetchone()
        if seen and (seen[0] != "failed" or not retry_failed):
            result = LoadResult(url, sha, "unchanged", "already loaded" if seen[0] != "failed"
                                else "failed before with the same bytes (retry with --retry-failed)")
        else:
            try:
                images = {src: read(image_sha) for src, image_sha in (rest[0] if rest else {}).items()}
                result = load_document(con, read(sha), url, images=images or None)
            except OSError as err:
                result = LoadResult(url, sha, "failed", f"archive_missing: {err.strerror or err}")
        results.append(result)
        if progress:
            progress(result)
    return results


def expand(paths: list[str | Path]) -> list[Path]:
    """Files as given, and the files under any folder given (hidden files and expected-JSON left out)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                          and not p.name.endswith(".expected.json"))
        else:
            out.append(path)
    return out


def load_files(con, paths: list[str | Path]) -> list[LoadResult]:
    results = []
    for path in expand(paths):
        try:
            data = path.read_bytes()
        except OSError as err:
            results.append(LoadResult(str(path), "", "failed", f"unreadable: {err.strerror or err}"))
            continue
        results.append(load_document(con, data, str(path)))
    return results
