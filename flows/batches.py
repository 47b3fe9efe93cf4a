"""Extraction and loading in batches, shared by both flows: documents go to the extracting processes (or a Dask
cluster) tens at a time, and the flow itself writes each batch to the warehouse, in crawl order, as one transaction.

Why batches: a Prefect task run costs tens of milliseconds of orchestration, and a DuckDB connection or a
transaction a few more; per document that is more than reading an HTML report. Per batch of 50 it is noise.

Where the work runs: without Dask, a batch's documents are read side by side by the limited worker processes of
this machine (gkreports.isolation: one per core); with `dask` set, each batch is a task on the Dask cluster, whose
worker reads it in one limited process of its own (the raw archive must be mounted at the same path there). Either
way the warehouse has one writer: the flow.

Every task hands back when its work ran (`Span`), so that a run can tell its own work from the time spent in
Prefect around it (`orchestration_share`).
"""
from __future__ import annotations

import os
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, replace

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from extractors.limits import Limits
from gkreports.isolation import warm
from gkreports.warehouse import Extracted, Job, LoadResult, batches, extract_jobs, write_batch

BATCH_SIZE = 50  # documents per extraction task and per load transaction (GKREPORTS_BATCH_SIZE)


def env_setting(name: str, default, minimum):
    """A number the operator may set in the environment (`name`), of the default's type, at least `minimum`; the
    default when unset or unreadable."""
    try:
        return max(minimum, type(default)(os.environ.get(name, default)))
    except ValueError:
        return default


def batch_size() -> int:
    return env_setting("GKREPORTS_BATCH_SIZE", BATCH_SIZE, 1)


@dataclass(frozen=True)
class Span:
    """A stretch of the run's own work: which stage, and its wall-clock start and end (time.time(), so that spans
    measured on Dask workers line up with the flow's)."""
    stage: str
    start: float
    end: float
    cpu: float | None = None  # CPU seconds of the thread that did the work, where that is the whole of it (load)


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
    start, cpu = time.time(), time.thread_time()
    loaded = write_batch(con, extracted)
    return loaded, Span("load", start, time.time(), time.thread_time() - cpu)


@contextmanager
def extraction_runner(dask: str | None):
    """Where extraction tasks run: the Dask cluster at `dask` (a scheduler, "tcp://host:8786"; default
    $GKREPORTS_DASK, so that a served deployment finds its cluster in its environment; "local:N" starts a
    LocalCluster of N single-threaded worker processes here), else two threads of the flow's process feeding this
    machine's extracting processes — threads of their own, so that extraction is not queued behind the crawl's."""
    address = dask or os.environ.get("GKREPORTS_DASK") or None
    if not address:
        with ThreadPoolTaskRunner(max_workers=2) as runner:
            warm()  # the extracting processes start beside the crawl, not with the first batch
            yield runner
        return
    from prefect_dask import DaskTaskRunner
    api = _prefect_api()
    if address.startswith("local:"):
        import dask as dask_config
        # Each Dask worker keeps a limited extracting process of its own (gkreports.isolation), which a daemonic
        # worker could not start. A real cluster's workers are started with DASK_DISTRIBUTED__WORKER__DAEMON=False.
        # The worker's statistical profiler samples every thread every 10 ms: CPU the extraction needs on a
        # machine with as many cores as workers.
        dask_config.config.set({"distributed.worker.daemon": False, "distributed.worker.profile.enabled": False})
        # Workers run their tasks through the Prefect API: this run's, even when it is a temporary local server
        # (each worker would otherwise start a server of its own).
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": int(address.split(":", 1)[1]), "threads_per_worker": 1,
                                                "processes": True, "dashboard_address": None,
                                                "env": {"PREFECT_API_URL": api}})
    else:
        if not os.environ.get("PREFECT_API_URL"):
            raise RuntimeError(f"the workers of the Dask cluster at {address} report their tasks to the Prefect API: "
                               "set PREFECT_API_URL to a Prefect server they can reach (this run has only a "
                               "temporary one on 127.0.0.1)")
        runner = DaskTaskRunner(address=address)
    runner.on_dask = True
    with runner:
        warm_workers(runner)
        yield runner


def warm_workers(runner, wait: bool = False) -> None:
    """Start each Dask worker's extracting process now (1–2 s of start-up and imports), beside the crawl; with
    `wait`, return when every worker's is ready."""
    runner.client.run(_warm_worker, wait, wait=wait)


async def _warm_worker(ready: bool) -> None:
    """On a Dask worker (a coroutine: Dask runs only those without waiting; a thread keeps its event loop free)."""
    import asyncio
    await asyncio.to_thread(warm, replace(Limits.from_env(), workers=1), ready)  # the limits extract_task uses


def _prefect_api() -> str:
    """The URL of the Prefect API this flow run reports to (configured, or the temporary local server)."""
    from prefect.client.orchestration import get_client
    with get_client(sync_client=True) as client:
        return str(client.api_url)


class Extraction:
    """Batches submitted as their documents become known (to `runner`, a Dask task runner, or the flow's own), and
    written back by the flow in the order they were submitted: the warehouse sees the documents in crawl order,
    whichever batch the workers finish first."""

    def __init__(self, read, con, size: int, runner, spans: list[Span] | None = None, progress=None):
        self.read, self.con, self.size, self.runner, self.progress = read, con, size, runner, progress
        self.spans = spans if spans is not None else []
        self.pending: deque = deque()  # (batch number, future), oldest first
        self.results: list[LoadResult] = []
        self.submitted = 0

    def submit(self, jobs: list[Job]) -> None:
        for part in batches(jobs, self.size):
            self.submitted += 1
            # On Dask, a worker extracts with one process of its own: the cluster's workers are the parallelism.
            future = self.runner.submit(extract_task, {"jobs": part, "read": self.read, "number": self.submitted,
                                                       "workers": 1 if getattr(self.runner, "on_dask", False)
                                                       else None})
            self.pending.append((self.submitted, future))

    def write_ready(self) -> None:
        """Write the leading batches that are extracted already, without waiting for the others."""
        while self.pending and self.pending[0][1].wrapped_future.done():
            self._write(*self.pending.popleft())

    def finish(self) -> list[LoadResult]:
        """Wait for every batch, write them all; the results of every batch written."""
        while self.pending:
            self._write(*self.pending.popleft())
        return self.results

    def _write(self, number: int, future) -> None:
        extracted, extract_span = future.result()
        loaded, load_span = load_task(quote(self.con), quote(extracted), number)
        self.spans += [extract_span, load_span]
        self.results += loaded
        if self.progress:
            for result in loaded:
                self.progress(result)


def extract_and_load(jobs: list[Job], read, con, size: int, runner, spans: list[Span] | None = None,
                     progress=None) -> list[LoadResult]:
    """Inside a flow: extract and write known documents (see Extraction)."""
    extraction = Extraction(read, con, size, runner, spans, progress)
    extraction.submit(jobs)
    return extraction.finish()
