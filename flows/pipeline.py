"""The main job over a folder: extract → load → check the documents in it (default: the bundled samples), in
batches (flows.batches), on this machine's extracting processes or on a Dask cluster."""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import flows  # noqa: F401  (Prefect settings before Prefect is imported)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.batches import Span, batch_size, extraction_runner, extract_and_load, read_file, span
from gkreports.checks import CheckSummary, format_summary, run_checks
from gkreports.publish import refresh_and_publish
from gkreports.warehouse import DEFAULT_DB, Job, LoadResult, connect, document_id, expand

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


@dataclass
class FolderResult:
    loads: list[LoadResult]
    checks: list[CheckSummary]
    spans: list[Span] = field(default_factory=list)


@task(cache_policy=NO_CACHE)
def list_documents(folder: Path) -> list[Path]:
    return expand([folder])


def plan_files(con, paths: list[Path]) -> tuple[list[Job], list[LoadResult]]:
    """Files to extract, and those whose bytes are loaded already (under any name) or unreadable; one query."""
    ids, unreadable = {}, []
    for path in paths:
        try:
            ids[str(path)] = document_id(path.read_bytes())
        except OSError as err:
            unreadable.append(LoadResult(str(path), "", "failed", f"unreadable: {err.strerror or err}"))
    loaded = {row[0] for row in con.execute(
        "SELECT document_id FROM documents WHERE status <> 'failed' AND document_id IN (SELECT unnest(?))",
        [list(ids.values())]).fetchall()} if ids else set()
    jobs, left = [], list(unreadable)
    for source, doc_id in ids.items():
        if doc_id in loaded:
            left.append(LoadResult(source, doc_id, "unchanged", "already loaded"))
        else:
            jobs.append(Job(source, source))
            loaded.add(doc_id)  # the same bytes under a second name come after, as one by one
    return jobs, left


@task(cache_policy=NO_CACHE)
def check_warehouse(db: Path) -> tuple[list[CheckSummary], Span]:
    start = time.time()
    con = connect(db)
    try:
        summaries = run_checks(con)[1]
        refresh_and_publish(con, db)  # narrative signatures, then the readers' copy
        return summaries, Span("check", start, time.time())
    finally:
        con.close()


@flow(name="build-warehouse", log_prints=False)
def build_warehouse(folder: Path = SAMPLES, db: Path = DEFAULT_DB, dask: str | None = None,
                    batch: int | None = None) -> FolderResult:
    spans: list[Span] = []
    paths = list_documents(folder)
    with span(spans, "plan"):
        con = connect(db)
    try:
        with span(spans, "plan"):
            jobs, loads = plan_files(con, paths)
        with extraction_runner(dask) as runner:
            loads += extract_and_load(jobs, read_file, con, batch or batch_size(), runner, spans)
    finally:
        con.close()
    checks, check_span = check_warehouse(db)
    return FolderResult(loads, checks, spans + [check_span])


def main(argv: list[str] | None = None) -> int:
    from gkreports.cli import add_scale_options
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default=str(SAMPLES))
    parser.add_argument("--db", default=str(DEFAULT_DB))
    add_scale_options(parser)
    args = parser.parse_args(argv)
    out = build_warehouse(Path(args.folder), Path(args.db), args.dask, args.batch)
    loads = out.loads
    for r in loads:
        print(f"{r.status:<9} {r.source}: {r.message}")
    print(f"{len(loads)} documents: {sum(r.status in ('ok', 'partial') for r in loads)} loaded, "
          f"{sum(r.status == 'unchanged' for r in loads)} unchanged, {sum(r.status == 'failed' for r in loads)} failed\n")
    print(format_summary(out.checks))
    print(f"\nwarehouse: {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
