"""Extraction and loading in batches, shared by both flows: documents go to the extracting processes (or a Dask
cluster) tens at a time, and the flow itself writes each batch to the warehouse, in crawl order, as one transaction.

Why batches: a Prefect task run costs tens of milliseconds of orchestration, and a DuckDB connection or a
transaction a few more; per document that is more than reading an HTML report. Per batch of 50 it is noise.

Where the work runs: without Dask, a batch's documents are read side by side by the limited worker processes of
this machine (gkreports.isolation: one per core); with `dask` set, each batch is a task on the Dask cluster, whose
worker reads it in one limited process of its own. Either way the warehouse has one writer: the flow.

Every task hands back when its work ran (`Span`), so that a run can tell its own work from the time spent in
Prefect around it (`orchestration_share`).
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from extractors.limits import Limits
from gkreports.warehouse import Extracted, Job, LoadResult, batches, extract_jobs, write_batch

BATCH_SIZE = 50  # documents per extraction task and per load transaction (GKREPORTS_BATCH_SIZE)


def batch_size() -> int:
    try:
        return max(1, int(os.environ.get("GKREPORTS_BATCH_SIZE", BATCH_SIZE)))
    except ValueError:
        return BATCH_SIZE


@dataclass(frozen=True)
class Span:
    """A stretch of the run's own work: which stage, and its wall-clock start and end (time.time(), so that spans
    measured on Dask workers line up with the flow's)."""
    stage: str
    start: float
    end: float


@contextmanager
def span(spans: list[Span], stage: str):
    start = time.time()
    try:
        yield
    finally:
        spans.append(Span(stage, start, time.time()))


def orchestration_share(spans: list[Span], start: float, end: float) -> float:
    """The share of [start, end] in which none of the run's own work was running: Prefect's start-up, task
    submission and state keeping, and waiting on them."""
    covered, reach = 0.0, start
    for s in sorted(spans, key=lambda s: s.start):
        lo, hi = max(s.start, reach), min(s.end, end)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return 1 - covered / (end - start) if end > start else 0.0


def read_file(key: str) -> bytes:
    """Keys of a folder's documents are their paths."""
    with open(key, "rb") as f:
        return f.read()


@task(cache_policy=NO_CACHE, task_run_name="extract batch {number}")
def extract_task(jobs: list[Job], read, number: int, workers: int | None = None) -> tuple[list[Extracted], Span]:
    """Read one batch of documents; `workers` caps the extracting processes (a Dask worker uses one)."""
    start = time.time()
    limits = Limits.from_env()
    if workers is not None:
        limits = replace(limits, workers=workers)
    return extract_jobs(jobs, read, limits), Span("extract", start, time.time())


@task(cache_policy=NO_CACHE, task_run_name="load batch {number}")
def load_task(con, extracted: list[Extracted], number: int) -> tuple[list[LoadResult], Span]:
    start = time.time()
    return write_batch(con, extracted), Span("load", start, time.time())


@contextmanager
def dask_runner(address: str | None):
    """The Dask task runner for `address` (a scheduler, "tcp://host:8786"; default $GKREPORTS_DASK, so that a
    served deployment finds its cluster in its environment), or None when neither says. The address "local:N"
    starts a LocalCluster of N single-threaded worker processes on this machine."""
    address = address or os.environ.get("GKREPORTS_DASK") or None
    if not address:
        yield None
        return
    from prefect_dask import DaskTaskRunner
    if address.startswith("local:"):
        import dask
        # Each Dask worker keeps a limited extracting process of its own (gkreports.isolation), which a daemonic
        # worker could not start. A real cluster's workers are started with DASK_DISTRIBUTED__WORKER__DAEMON=False.
        dask.config.set({"distributed.worker.daemon": False})
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": int(address.split(":", 1)[1]), "threads_per_worker": 1,
                                                "processes": True, "dashboard_address": None})
    else:
        runner = DaskTaskRunner(address=address)
    with runner:
        yield runner


def extract_and_load(jobs: list[Job], read, con, size: int, runner=None, spans: list[Span] | None = None,
                     progress=None) -> list[LoadResult]:
    """Inside a flow: submit every batch for extraction (to `runner`, a Dask task runner, or the flow's own), then
    write the batches as they come back, in order, so that the warehouse sees the documents in crawl order."""
    spans = spans if spans is not None else []
    parts = batches(jobs, size)
    if runner is None:
        futures = [extract_task.submit(quote(part), read, n) for n, part in enumerate(parts, 1)]
    else:
        futures = [runner.submit(extract_task, {"jobs": part, "read": read, "number": n, "workers": 1})
                   for n, part in enumerate(parts, 1)]
    results = []
    for n, future in enumerate(futures, 1):
        extracted, extract_span = future.result()
        spans.append(extract_span)
        loaded, load_span = load_task(quote(con), quote(extracted), n)
        spans.append(load_span)
        results += loaded
        if progress:
            for result in loaded:
                progress(result)
    return results
