"""`gkreports export`: the fact tables, dimensions and analysts' views as Parquet, partitioned by year.

DIR/<name>/year=2023/data_0.parquet for everything with a `year` column, DIR/<name>.parquet for the rest (regions,
template cells, portals, …). Readable without gkreports: `SELECT * FROM read_parquet('DIR/fact_applications/*/*.parquet',
hive_partitioning = true)` in DuckDB, or pandas/pyarrow on the folder.
"""
from __future__ import annotations

import shutil
from pathlib import Path

# What analysts need; the crawl's own bookkeeping (crawl_log, crawl_runs) and the internal signatures are left out.
EXPORTED = (
    "documents", "reports", "fact_active_disclosure", "fact_applications", "fact_review_litigation", "document_facts",
    "narrative_facts", "regions", "template_cells", "portals", "source_documents", "document_versions",
    "check_results",
    "facts", "applications_wide", "reports_overview", "publishers", "cell_mapping", "year_over_year",
    "indicator_catalog", "report_indicators", "indicators", "indicator_rankings", "coverage", "timeliness",
    "timeliness_summary", "revisions", "copied_narrative", "check_findings",
)


def export_parquet(con, out: str | Path) -> dict[str, int]:
    """Write every EXPORTED table and view under `out` (replacing what an earlier export left); rows per name."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in EXPORTED:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main'",
            [name]).fetchall()}
        if not columns:
            continue
        target = out / name
        shutil.rmtree(target, ignore_errors=True)
        (out / f"{name}.parquet").unlink(missing_ok=True)
        counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        if "year" in columns:
            # rows without a year (failed documents) land in year=NULL; an empty table still gets its folder
            con.execute(f"COPY (SELECT * FROM {name}) TO '{_quoted(target)}' "
                        "(FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE true)")
            target.mkdir(exist_ok=True)
        else:
            con.execute(f"COPY (SELECT * FROM {name}) TO '{_quoted(out / (name + '.parquet'))}' (FORMAT parquet)")
    return counts


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
