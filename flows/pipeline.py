"""The main job: extract → load → check over a folder of documents (default: the bundled samples)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import flows  # noqa: F401  (Prefect settings before Prefect is imported)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from gkreports.checks import CheckSummary, format_summary, run_checks
from gkreports.warehouse import DEFAULT_DB, LoadResult, connect, expand, load_document
from gkreports.publish import refresh_and_publish

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


@task(cache_policy=NO_CACHE)
def list_documents(folder: Path) -> list[Path]:
    return expand([folder])


@task(cache_policy=NO_CACHE)
def load_one(db: Path, path: Path) -> LoadResult:
    con = connect(db)
    try:
        return load_document(con, path.read_bytes(), str(path))
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def check_warehouse(db: Path) -> list[CheckSummary]:
    con = connect(db)
    try:
        summaries = run_checks(con)[1]
        refresh_and_publish(con, db)  # narrative signatures, then the readers' copy
        return summaries
    finally:
        con.close()


@flow(name="build-warehouse", log_prints=False)
def build_warehouse(folder: Path = SAMPLES, db: Path = DEFAULT_DB) -> dict:
    results = [load_one(db, path) for path in list_documents(folder)]
    return {"loads": results, "checks": check_warehouse(db)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default=str(SAMPLES))
    parser.add_argument("--db", default=str(DEFAULT_DB))
    args = parser.parse_args(argv)
    out = build_warehouse(Path(args.folder), Path(args.db))
    loads = out["loads"]
    for r in loads:
        print(f"{r.status:<9} {r.source}: {r.message}")
    print(f"{len(loads)} documents: {sum(r.status in ('ok', 'partial') for r in loads)} loaded, "
          f"{sum(r.status == 'unchanged' for r in loads)} unchanged, {sum(r.status == 'failed' for r in loads)} failed\n")
    print(format_summary(out["checks"]))
    print(f"\nwarehouse: {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
