"""The DuckDB warehouse: schema set-up and the idempotent load of one document's report.

Write behaviour, by construction:
- a document is identified by the sha256 of its bytes; loading it again changes nothing;
- a report is identified by (region_code, publisher, year); a different document for the same report
  replaces that report's facts in one transaction, and the old document stays listed as `superseded`;
- a document that cannot be read is listed as `failed` with its reason, and is retried on the next load
  (a converter may have been installed since).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from extractors import ExtractionError, Report
from extractors.regions import lookup
from extractors.template import all_template_cells
from gkreports import DEFAULT_DB  # noqa: F401  (re-exported: the warehouse file)
from gkreports.extracted import Extracted, _bug, document_id, extracted  # noqa: F401  (re-exported)
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


def _insert_rows(con, table: str, rows: list[dict], or_ignore: bool = False):
    """One INSERT for many rows (executemany costs a round trip per row); `or_ignore`: rows whose key is there
    already are left out."""
    incoming = pd.DataFrame(rows)  # noqa: F841  found by DuckDB's replacement scan under this name
    con.execute(f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO {table} BY NAME SELECT * FROM incoming")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Job:
    """One document to extract: where it came from, and the keys `read` takes for its bytes and its pictures."""
    source: str  # URL or path, as the warehouse records it
    key: str  # sha256 in the raw archive, or a file path
    images: tuple[tuple[str, str], ...] = ()  # an image-only article's pictures: (img src, key)


def extract_jobs(jobs: list[Job], read, limits=None) -> list[Extracted]:
    """Extract documents side by side in the limited worker processes (gkreports.isolation), in the jobs' order.
    `read(key)` gives bytes; a document whose bytes cannot be read comes back unrecorded, with the reason. The
    extracting process makes each `Extracted` itself (hash, prose signature): what comes back is the report without
    its prose, and this process does no work per document beyond reading its bytes."""
    from gkreports.isolation import run_many
    inputs, unreadable = [], {}
    for i, job in enumerate(jobs):
        try:
            data = read(job.key)
            images = {src: read(key) for src, key in job.images} or None
        except OSError as err:
            unreadable[i] = Extracted(job.source, job.key, 0, None, reason="archive_missing",
                                      message=str(err.strerror or err), recorded=False)
            continue
        inputs.append((i, data, job.source, images))
    out: list[Extracted | None] = [unreadable.get(i) for i in range(len(jobs))]
    outcomes = run_many([(data, source, images) for _, data, source, images in inputs], limits, finish=extracted)
    for (i, data, source, _), (outcome, _) in zip(inputs, outcomes):
        # What the parent decided itself (a timeout, a process that died, an extractor bug) is made here.
        out[i] = outcome if isinstance(outcome, Extracted) else extracted(
            data, source, outcome if isinstance(outcome, (Report, ExtractionError)) else _bug(outcome, source))
    return out


def load_document(con, data: bytes, source: str, images: dict[str, bytes] | None = None) -> LoadResult:
    """Extract one document (an image-only article with its pictures, `images`: img src or URL → bytes) and load
    it. Never raises for a bad document: the failure is recorded."""
    doc_id = document_id(data)
    seen = con.execute("SELECT status FROM documents WHERE document_id = ?", [doc_id]).fetchone()
    if seen and seen[0] != "failed":
        return LoadResult(source, doc_id, "unchanged", "already loaded")
    try:
        outcome = extract_limited(data, source, images=images)  # under the time and memory limits
    except ExtractionError as err:
        outcome = err
    except Exception as err:
        outcome = _bug(err, source)
    return write_batch(con, [extracted(data, source, outcome)])[0]


# ------------------------------------------------------------------ the writer

def _region_rows(codes) -> list[dict]:
    """Each region and the regions above it, once."""
    rows, seen = [], set()
    for code in codes:
        while code and code not in seen:
            seen.add(code)
            region = lookup(code)
            if region is None:
                break
            rows.append({"region_code": region.code, "name": region.name, "level": region.level,
                         "parent_code": region.parent_code})
            code = region.parent_code
    return rows


_CELL_COLUMNS = ("document_id", "table_name", "row_name", "column_name", "value", "raw", "semantic", "reads",
                 "source_page", "source_line", "source_table", "source_row", "source_column")


def _cell_columns(items: list[Extracted]) -> dict[str, list]:
    """Every cell of the batch's reports, column by column (one DataFrame for DuckDB to scan)."""
    cols: dict[str, list] = {name: [] for name in _CELL_COLUMNS}
    for item in items:
        for c in item.report.cells:
            cols["document_id"].append(item.document_id)
            cols["table_name"].append(c.table)
            cols["row_name"].append(c.row)
            cols["column_name"].append(c.column)
            cols["value"].append(None if c.value is None else float(c.value))
            cols["raw"].append(c.raw)
            cols["semantic"].append(c.semantic)
            cols["reads"].append(c.reads)
            for key in ("page", "line", "table", "row", "col"):
                v = c.source.get(key)
                cols["source_column" if key == "col" else f"source_{key}"].append(None if v is None else int(v))
    return cols


def write_batch(con, items: list[Extracted]) -> list[LoadResult]:
    """Write a batch of extracted documents in one transaction, as loading them one after another in this order
    would: a report's current document, `alternate` and `superseded` are decided document by document, against
    the warehouse and the batch's earlier documents; rows go in as a few bulk inserts."""
    given, items, ids = items, [], set()
    for item in given:  # the same bytes twice in a batch: the second finds them loaded, as one by one would
        if item.recorded and item.document_id not in ids:
            ids.add(item.document_id)
            items.append(item)
    results: dict[str, LoadResult] = {}
    now = _now()
    reported = [i for i in items if i.report is not None]
    failed = [i for i in items if i.report is None]
    # Failing again the same way changes nothing (not even loaded_at).
    before = {row[0]: (row[1], row[2]) for row in con.execute(
        "SELECT document_id, error_reason, error FROM documents WHERE status = 'failed'"
        " AND document_id IN (SELECT unnest(?))", [[i.document_id for i in failed]]).fetchall()} if failed else {}
    documents, status = [], {}
    for item in failed:
        results[item.document_id] = LoadResult(item.source, item.document_id, "failed", item.failure)
        if before.get(item.document_id) != (item.reason, item.message):
            documents.append(_document_row(item, now, status="failed", error_reason=item.reason, error=item.message))
    # The report each document belongs to, decided in order.
    keyed = [i for i in reported if i.report.template != "pre2019" and i.report.cells]
    keyed_ids = {i.document_id for i in keyed}
    keys = sorted({_report_key(i.report) for i in keyed})
    current = {row[0]: (row[1], row[2], row[3]) for row in con.execute(
        "SELECT r.report_key, r.document_id, d.source, coalesce(len(d.missing_cells), 0) FROM reports r"
        " JOIN documents d USING (document_id) WHERE r.report_key IN (SELECT unnest(?))", [keys]).fetchall()
    } if keys else {}
    superseded, changed = [], {}
    for item in reported:
        report = item.report
        status[item.document_id] = report.status
        replaced = None
        if item.document_id in keyed_ids:
            key = _report_key(report)
            old = current.get(key)
            if old and old[0] != item.document_id and old[1] != item.source and len(report.missing) > old[2]:
                # Another document of the same report (an article and its attachment) that reads fewer cells: the
                # report stays with the more complete one; this one is kept, its cells in document_facts.
                status[item.document_id] = "alternate"
            else:
                if old and old[0] != item.document_id:
                    replaced = old[0]
                    superseded.append(replaced)
                current[key] = (item.document_id, item.source, len(report.missing))
                changed[key] = item
        message = f"{report.publisher} {report.year}: {len(report.cells)} cells"
        if report.missing:
            message += f", {len(report.missing)} missing"
        if status[item.document_id] == "alternate":
            message += "; another document of this report reads more cells and stays current"
        results[item.document_id] = LoadResult(item.source, item.document_id, status[item.document_id], message,
                                               replaced)
    for doc_id in superseded:
        status[doc_id] = "superseded"  # within the batch (an earlier document's rows are written below as such)
    for item in reported:
        r = item.report
        documents.append(_document_row(
            item, now, title=r.title, publisher=r.publisher, region_code=r.region_code, year=r.year,
            template=r.template, published=r.published if r.published and len(r.published) == 10 else None,
            status=status[item.document_id], missing_cells=r.missing, notes=r.notes))
    facts_of = list(changed.values())
    narrative = [{"document_id": i.document_id, "region_code": i.report.region_code, "publisher": i.report.publisher,
                  "year": i.report.year, "fact": f.fact, "value": f.value, "text": f.text,
                  "source_page": f.source.get("page"), "source_line": f.source.get("line")}
                 for i in facts_of for f in i.report.narrative]
    reports = [{"report_key": key, "region_code": i.report.region_code, "publisher": i.report.publisher,
                "year": i.report.year, "template": i.report.template, "document_id": i.document_id, "loaded_at": now}
               for key, i in changed.items()]
    heads = [{"document_id": i.document_id, "region_code": i.report.region_code, "publisher": i.report.publisher,
              "year": i.report.year, "template": i.report.template} for i in facts_of]
    cells = _cell_columns(keyed)
    signatures = [{"document_id": i.document_id, "characters": i.narrative[0], "shingles": i.narrative[1],
                   "signature": i.narrative[2], "computed_at": now} for i in reported if i.narrative is not None]
    in_db = [d for d in superseded if d not in results]
    regions = _region_rows(i.report.region_code for i in reported)
    for clean in (False, True):
        con.execute("BEGIN TRANSACTION")
        try:
            _insert_batch(con, documents, in_db, keyed, cells, heads, reports, narrative, regions, signatures, clean)
            con.execute("COMMIT")
            break
        except duckdb.ConstraintException:
            con.execute("ROLLBACK")
            if clean:
                raise
        except Exception:
            con.execute("ROLLBACK")
            raise
    first = {}
    for item in items:
        first.setdefault(item.document_id, item)
    return [LoadResult(i.source, i.document_id, "failed", i.failure) if not i.recorded
            else results[i.document_id] if first[i.document_id] is i
            else LoadResult(i.source, i.document_id, "unchanged", "already loaded") for i in given]


_DOCUMENT_COLUMNS = ("document_id", "source", "media_type", "size_bytes", "title", "publisher", "region_code", "year",
                     "template", "published", "status", "error_reason", "error", "missing_cells", "notes", "loaded_at")


def _document_row(item: Extracted, now: datetime, **values) -> dict:
    """A row of `documents` with every column present (a DataFrame fills absent keys with NaN, not NULL)."""
    row = dict.fromkeys(_DOCUMENT_COLUMNS)
    row.update(document_id=item.document_id, source=item.source, media_type=item.media_type, size_bytes=item.size,
               loaded_at=now, **values)
    return row


def _report_key(report: Report) -> str:
    return f"{report.region_code or ''}|{report.publisher}|{report.year}"


def _insert_batch(con, documents, superseded_in_db, keyed, cells, heads, reports, narrative, regions, signatures,
                  clean: bool = False):
    """The batch's rows, inside the caller's transaction. `clean`: first delete cells the batch's documents left
    behind (see below)."""
    replaced_docs = [d["document_id"] for d in documents]  # a former failure of the same bytes
    if replaced_docs:
        con.execute("DELETE FROM documents WHERE document_id IN (SELECT unnest(?))", [replaced_docs])
        _insert_rows(con, "documents", documents)
    if signatures:  # keyed by the bytes: a signature already there is the same one
        _insert_rows(con, "narrative_signatures", signatures, or_ignore=True)
    if regions:
        _insert_rows(con, "regions", regions, or_ignore=True)
    if superseded_in_db:
        for table in (*FACT_TABLES.values(), "narrative_facts"):
            con.execute(f"DELETE FROM {table} WHERE document_id IN (SELECT unnest(?))", [superseded_in_db])
        con.execute("UPDATE documents SET status = 'superseded' WHERE document_id IN (SELECT unnest(?))",
                    [superseded_in_db])
    if not keyed:
        return
    batch_cells = pd.DataFrame(cells)  # noqa: F841
    # A document written here has no cells yet (never loaded, or failed). Cells left behind by a document row
    # deleted by hand make the insert fail on the key; the caller then writes the batch again with `clean`, and
    # they are replaced. Deleting first every time would scan all of document_facts for every batch.
    if clean:
        con.execute("DELETE FROM document_facts WHERE document_id IN (SELECT unnest(?))",
                    [[i.document_id for i in keyed]])
    con.execute("INSERT INTO document_facts BY NAME SELECT document_id, table_name, row_name, column_name, value,"
                " raw, semantic, reads FROM batch_cells")
    if reports:
        con.execute("DELETE FROM reports WHERE report_key IN (SELECT unnest(?))", [[r["report_key"] for r in reports]])
        _insert_rows(con, "reports", reports)
    if heads:
        batch_heads = pd.DataFrame(heads)  # noqa: F841  the documents that are now their report's current one
        for table_name, fact_table in FACT_TABLES.items():
            con.execute(f"INSERT INTO {fact_table} BY NAME SELECT c.* EXCLUDE (table_name), h.region_code,"
                        f" h.publisher, h.year, h.template, c.table_name FROM batch_cells c JOIN batch_heads h"
                        f" USING (document_id) WHERE c.table_name = '{table_name}'")
    if narrative:
        _insert_rows(con, "narrative_facts", narrative)


def plan(con, documents: list[tuple], retry_failed: bool = False,
         done: set[str] | None = None) -> tuple[list[Job], list[LoadResult]]:
    """The crawled documents (URL, sha256) or (URL, sha256, {img src: sha256}), in crawl order, split into those
    to extract and those left alone: bytes already loaded under any URL, and bytes that failed before unless
    `retry_failed` (after installing a converter, say): unchanged bytes would fail the same way. One query.
    `done`: the sha256 of documents planned earlier in the run (added to), which are not planned again."""
    shas = list(dict.fromkeys(sha for _, sha, *_ in documents))
    seen = dict(con.execute("SELECT document_id, status FROM documents WHERE document_id IN (SELECT unnest(?))",
                            [shas]).fetchall()) if shas else {}
    jobs, unchanged = [], []
    done = set() if done is None else done
    for url, sha, *rest in documents:
        if sha in done:
            continue
        done.add(sha)
        status = seen.get(sha)
        if status is not None and (status != "failed" or not retry_failed):
            unchanged.append(LoadResult(url, sha, "unchanged", "already loaded" if status != "failed"
                                        else "failed before with the same bytes (retry with --retry-failed)"))
        else:
            jobs.append(Job(url, sha, tuple(sorted((rest[0] if rest else {}).items()))))
    return jobs, unchanged


def batches(jobs: list, size: int) -> list[list]:
    return [jobs[i:i + size] for i in range(0, len(jobs), max(1, size))]


def load_archived(con, documents: list[tuple], read, retry_failed: bool = False, progress=None,
                  batch_size: int = 50) -> list[LoadResult]:
    """Load crawled documents given as (URL, sha256) or (URL, sha256, {img src: sha256}) in crawl order, reading
    bytes with `read(sha256)`; an image-only article is extracted together with its archived pictures. Documents
    are extracted `batch_size` at a time in the worker processes, and each batch written in one transaction.
    See `plan` for what is not extracted again."""
    jobs, results = plan(con, documents, retry_failed)
    for result in results:
        if progress:
            progress(result)
    for batch in batches(jobs, batch_size):
        for result in write_batch(con, extract_jobs(batch, read)):
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
