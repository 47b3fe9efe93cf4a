"""The `gkreports` command line: extract, load, check, run. A thin layer over the library."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractors import ExtractionError
from gkreports.isolation import extract_limited
from gkreports import DEFAULT_DB


def _pictures_beside(page: Path, data: bytes) -> dict[str, bytes] | None:
    """The pictures a saved HTML page shows by relative path, read from beside it (src as written → bytes)."""
    import re

    from extractors import sniff
    if sniff(data) != "html":
        return None
    out = {}
    for raw in set(re.findall(rb"""<img[^>]+?src\s*=\s*["']?([^"' >]+)""", data, re.I)):
        src = raw.decode("utf-8", "replace")
        if "://" in src or src.startswith(("/", "data:")):
            continue
        picture = (page.parent / src.split("?")[0]).resolve()
        if picture.is_file() and picture.is_relative_to(page.parent.resolve()):
            out[src] = picture.read_bytes()
    return out or None


def _extract(args) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"gkreports: {path}: cannot read: {err.strerror or err}", file=sys.stderr)
        return 2
    try:
        report = extract_limited(data, str(path), images=_pictures_beside(path, data))  # limited, like a load
    except ExtractionError as err:
        print(f"gkreports: {path}: {err.reason}: {err.message}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_json(), ensure_ascii=False, indent=None if args.compact else 1))
    if report.missing:
        print(f"gkreports: {path}: partial report, {len(report.missing)} template cells missing: "
              f"{', '.join(report.missing[:10])}{' …' if len(report.missing) > 10 else ''}", file=sys.stderr)
        return 1
    return 0


# Exit codes: 0 done; 1 done, but some document failed or is partial, or a check found errors; 2 the input or
# the warehouse cannot be used (the reason on one line); 3 the warehouse stayed locked by another process for
# $GKREPORTS_LOCK_WAIT seconds; 4 an internal error (a bug: one line, no traceback); 130 interrupted.
EXIT_UNUSABLE, EXIT_BUSY, EXIT_INTERNAL, EXIT_INTERRUPTED = 2, 3, 4, 130
DEMO_PORT = 8765  # the demo portals' port: fixed, so a second demo run finds its URLs again
# A load holds the warehouse at most this long before letting readers and other writers in.
HOLD_WAREHOUSE_S = 1.0


def _warehouse_error(db, err: Exception) -> int:
    """One line for a warehouse that cannot be opened or written; the exit code to return."""
    from gkreports.locking import WarehouseBusy
    if isinstance(err, WarehouseBusy):
        print(f"gkreports: {err}", file=sys.stderr)
        return EXIT_BUSY
    message = " ".join(str(getattr(err, "strerror", None) or err).split())
    print(f"gkreports: {db}: cannot use the warehouse: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _load(args) -> int:
    import time

    import duckdb

    from gkreports.locking import WarehouseBusy
    from gkreports.warehouse import connect, expand, load_files
    results = []
    con, opened = None, 0.0
    try:
        for path in expand(args.files):
            if con is None:
                con, opened = connect(args.db), time.monotonic()
            for r in load_files(con, [path]):
                results.append(r)
                extra = f" (replaces {r.replaced[:12]})" if r.replaced else ""
                print(f"{r.status:<9} {r.source}: {r.message}{extra}", flush=True)
            if time.monotonic() - opened >= HOLD_WAREHOUSE_S:  # short holds: readers get in between documents
                con.close()
                con = None
    except (WarehouseBusy, duckdb.Error, OSError) as err:
        return _warehouse_error(args.db, err)
    finally:
        if con is not None:
            con.close()
    failed = sum(r.status == "failed" for r in results)
    print(f"{len(results)} files: {sum(r.status in ('ok', 'partial') for r in results)} loaded, "
          f"{sum(r.status == 'unchanged' for r in results)} unchanged, {failed} failed → {args.db}")
    return 1 if failed else 0


def _check(args) -> int:
    import duckdb

    from gkreports.checks import format_summary, run_checks
    from gkreports.locking import WarehouseBusy
    from gkreports.warehouse import connect
    try:
        con = connect(args.db)
        try:
            run_id, summaries = run_checks(con)
            rows = con.execute("SELECT check_id, outcome, publisher, year, table_name, row_name, column_name, detail"
                               " FROM check_results WHERE run_id = ? ORDER BY check_id, publisher, year LIMIT ?",
                               [run_id, args.show]).fetchall() if args.show else []
        finally:
            con.close()
    except (WarehouseBusy, duckdb.Error, OSError) as err:
        return _warehouse_error(args.db, err)
    print(format_summary(summaries))
    for row in rows:
        print("  " + " | ".join("" if v is None else str(v) for v in row))
    return 1 if any(s.severity == "error" and s.failed for s in summaries) else 0


def _run(args) -> int:
    if args.folder:
        from flows.pipeline import main as run_pipeline
        return run_pipeline([str(args.folder), "--db", str(args.db), *(["--dask", args.dask] if args.dask else []),
                             *(["--batch", str(args.batch)] if args.batch else [])])
    return _nightly(args, check=True)


def _crawl(args) -> int:
    return _nightly(args, check=False)


def _nightly(args, check: bool) -> int:
    from flows.nightly import run_command
    return run_command(args, check=check)


def _portals(args) -> int:
    from crawler.registry import RegistryError, load_registry
    try:
        portals = load_registry(args.registry)
    except RegistryError as err:
        print(f"gkreports: {err}", file=sys.stderr)
        return 2
    from rich.console import Console
    from rich.table import Table
    table = Table(title=f"{len(portals)} portals in {args.registry}", title_justify="left")
    for column in ("code", "region", "family", "rate/s", "verified", "entries", "base URL"):
        table.add_column(column)
    for p in portals:
        table.add_row(p.region_code, p.region_name, p.family or "(detected)", f"{p.rate:g}",
                      "yes" if p.verified else "no", "\n".join(p.entries), p.base_url)
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)
    return 0


def _serve(args) -> int:  # pragma: no cover - runs until stopped
    from flows.nightly import serve
    serve(args.name)
    return 0


# ------------------------------------------------------------------ for analysts (read-only)

def _open_for_reading(db):
    """A read-only connection: the warehouse, or its published copy while a writer holds it (said on stderr)."""
    from gkreports.publish import open_for_reading
    con, path = open_for_reading(db)
    if Path(path) != Path(db):
        print(f"gkreports: {db} is being written; reading the copy published after the last run: {path}",
              file=sys.stderr)
    return con


def _compare(args) -> int:
    import duckdb

    from gkreports.compare import CompareError, compare, parse_years, to_csv, to_json, to_table
    from gkreports.locking import WarehouseBusy
    try:
        con = _open_for_reading(args.db)
    except (WarehouseBusy, duckdb.Error, OSError) as err:
        return _warehouse_error(args.db, err)
    try:
        result = compare(con, args.region, parse_years(args.years), args.indicator, args.kind)
    except CompareError as err:
        print(f"gkreports: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    finally:
        con.close()
    if args.format == "csv":
        sys.stdout.write(to_csv(result))
    elif args.format == "json":
        print(to_json(result))
    else:
        from rich.console import Console
        Console().print(to_table(result))
    return 0


def _report(args) -> int:
    import duckdb

    from gkreports.locking import WarehouseBusy
    from gkreports.report_html import write_report
    try:
        con = _open_for_reading(args.db)
        try:
            out = write_report(con, args.out, str(args.db))
        finally:
            con.close()
    except (WarehouseBusy, duckdb.Error) as err:
        return _warehouse_error(args.db, err)
    print(f"{out} ({out.stat().st_size // 1024} KiB): open it in any browser, no network needed")
    return 0


def _export(args) -> int:
    import duckdb

    from gkreports.export import export_parquet
    from gkreports.locking import WarehouseBusy
    try:
        con = _open_for_reading(args.db)
        try:
            counts = export_parquet(con, args.out)
        finally:
            con.close()
    except (WarehouseBusy, duckdb.Error) as err:
        return _warehouse_error(args.db, err)
    print(f"{len(counts)} tables and views, {sum(counts.values())} rows → {args.out} (Parquet, partitioned by year)")
    return 0


def add_registry_option(p):
    from crawler.registry import DEFAULT_REGISTRY
    p.add_argument("--registry", default=str(DEFAULT_REGISTRY), help="the portal registry (TOML)")


def add_crawl_options(p):
    """The options of `gkreports crawl` and `run` (and `python -m flows.nightly`)."""
    from crawler.archive import DEFAULT_ARCHIVE
    add_registry_option(p)
    p.add_argument("--only", action="append", metavar="CODE", help="only the portal of this region code (repeatable)")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.add_argument("--archive", default=str(DEFAULT_ARCHIVE), help="the raw archive folder")
    p.add_argument("--demo", action="store_true", help="serve the bundled demo portals on 127.0.0.1 and crawl those")
    p.add_argument("--demo-port", type=int, default=DEMO_PORT, help=f"the demo portals' port (default {DEMO_PORT})")
    p.add_argument("--retry-failed", action="store_true", help="extract again documents that failed before")
    p.add_argument("--concurrent-portals", type=int, default=None, metavar="N",
                   help="portals crawled at once, each at its host's rate (default $GKREPORTS_CONCURRENT_PORTALS, "
                        "else 32)")
    p.add_argument("--recheck-days", type=float, default=None, metavar="D",
                   help="ask again for an archived report page or file D to 2×D days after its last check "
                        "(default $GKREPORTS_RECHECK_DAYS, else 7; 0: every one on every run). List pages: always")
    add_scale_options(p)


def add_scale_options(p):
    """Where extraction runs, and in what batches (`run`, `crawl`, and `run --folder`)."""
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="extract on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), or on a local "
                        "cluster of N worker processes (local:N); default $GKREPORTS_DASK, else this machine's "
                        "extracting processes")
    p.add_argument("--batch", type=int, default=None, metavar="N",
                   help="documents per extraction task and per load transaction (default $GKREPORTS_BATCH_SIZE, "
                        "else 50)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gkreports", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="print one document's report as JSON")
    p.add_argument("file")
    p.add_argument("--compact", action="store_true", help="one line of JSON")
    p.set_defaults(func=_extract)
    p = sub.add_parser("load", help="extract documents and load them into the warehouse")
    p.add_argument("files", nargs="+", help="files, or folders to load every file under")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.set_defaults(func=_load)
    p = sub.add_parser("check", help="run the data checks and store their results")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.add_argument("--show", type=int, default=20, help="print up to N offending rows (0: none)")
    p.set_defaults(func=_check)
    p = sub.add_parser("portals", help="list the portal registry")
    add_registry_option(p)
    p.set_defaults(func=_portals)
    p = sub.add_parser("crawl", help="crawl the registered portals and load what they publish (a Prefect flow)")
    add_crawl_options(p)
    p.set_defaults(func=_crawl)
    p = sub.add_parser("run", help="the nightly job: crawl → extract → load → check (a Prefect flow)")
    add_crawl_options(p)
    p.add_argument("--folder", help="instead of crawling, extract → load → check the documents in a folder")
    p.set_defaults(func=_run)
    p = sub.add_parser("serve", help="serve the nightly deployment (cron, Asia/Shanghai) against a Prefect server")
    p.add_argument("--name", default="nightly")
    p.set_defaults(func=_serve)
    p = sub.add_parser("compare", help="indicators of regions side by side, year by year")
    p.add_argument("--region", action="append", required=True, metavar="CODE", help="6-digit region code (repeatable)")
    p.add_argument("--years", metavar="FIRST-LAST", help="e.g. 2021-2024 (default: every year loaded)")
    p.add_argument("--indicator", action="append", metavar="NAME", help="an indicator (repeatable; default: the headline ones)")
    p.add_argument("--kind", default="government", choices=("government", "department", "township"),
                   help="which publisher of each region (default: its government)")
    p.add_argument("--format", default="table", choices=("table", "csv", "json"))
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.set_defaults(func=_compare)
    p = sub.add_parser("report", help="write one self-contained HTML report with charts (opens offline)")
    p.add_argument("--out", default="report.html")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.set_defaults(func=_report)
    p = sub.add_parser("export", help="write the fact tables and views as Parquet, partitioned by year")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--db", default=str(DEFAULT_DB))
    p.set_defaults(func=_export)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("gkreports: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # noqa: BLE001 - a bug still ends in one line, never a traceback
        print(f"gkreports: internal error: {type(err).__name__}: {' '.join(str(err).split())}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
