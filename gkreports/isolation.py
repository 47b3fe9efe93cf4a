"""Every extraction in a worker process, under a wall-clock and a memory limit: one bad file costs one recorded
failure (`timeout` or `too_large`), never the run.

The limits are enforced from outside the parser: the worker's address space is capped with setrlimit (an
allocation past it fails inside the worker, which answers `too_large`), and a document still running after
`Limits.seconds` has its worker killed (pebble) and a fresh one started. Workers are kept between documents, so
a document costs a round trip through a pipe, not an interpreter start-up. Workers are spawned (not forked from
a parent holding DuckDB and threads), so a script that extracts must guard its entry point with
`if __name__ == "__main__":`, as multiprocessing asks.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from concurrent.futures import CancelledError, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pebble import ProcessExpired, ProcessPool

from extractors import ExtractionError, Report, extract
from extractors.limits import ENV, MB, Limits, use_limits

__all__ = ["Limits", "Measured", "extract_limited", "run_limited", "run_many", "shutdown"]

# How much longer than its own limit the parent waits for a worker before giving up on the pool itself.
_GRACE_S = 30.0
# Share of the memory limit past which a failing document is taken to have hit it, and a worker is replaced.
NEAR_LIMIT = 0.85
# A worker is replaced after this many documents, so that fragmentation left by large ones cannot build up.
_TASKS_PER_WORKER = 200


@dataclass
class Measured:
    seconds: float  # wall-clock, as the caller waited for it
    peak_mb: float | None  # the worker's peak resident memory during this document; None when it had to be killed


# ------------------------------------------------------------------ the worker side

def _start_worker(limits: Limits) -> None:
    """Runs once in each new worker: cap its address space, follow the parent, import the readers."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    use_limits(limits)
    signal.signal(signal.SIGTERM, _stopped)
    parent = os.getppid()

    def follow_parent():  # a parent killed with SIGKILL must not leave a worker parsing on its own
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=follow_parent, name="follow-parent", daemon=True).start()
    import extractors.docx, extractors.html, extractors.pdf  # noqa: E401,F401 - paid once, not per document
    import gkreports.extracted, gkreports.narrative  # noqa: E401,F401 - what the warehouse's `finish` runs here


def _stopped(*_) -> None:
    """pebble stops a worker past its time with SIGTERM: end any LibreOffice it started (its own session keeps it
    out of reach otherwise), then exit at once. A worker stopped while still importing the readers (an idle one, at
    exit) has started none, and must not import them half-way now."""
    ole = sys.modules.get("extractors.ole")
    if ole is not None and hasattr(ole, "kill_conversions"):
        ole.kill_conversions()
    os._exit(1)


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:  # "5" resets the peak resident size (Linux ≥ 4.0)
            f.write("5")
    except OSError:
        pass


def _status_mb(key: str) -> float | None:
    """A line of /proc/self/status in MB: VmHWM the peak resident size, VmPeak the peak address space."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _memory_exhausted(err: BaseException) -> bool:
    """Whether an error, or one it was raised while handling, is an allocation that failed."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        text = str(err).lower()
        if isinstance(err, MemoryError) or "memory allocation failed" in text or "cannot allocate memory" in text:
            return True
        err = err.__cause__ or err.__context__
    return False


def _extract_in_worker(data: bytes, name: str | None, images, limits: Limits, finish=None):
    """(Report or ExtractionError — or what `finish(data, name, outcome)` made of it —, seconds, peak resident MB,
    whether the worker should be replaced)."""
    use_limits(limits)
    _reset_peak()
    space_before = _status_mb("VmPeak") or 0.0
    started = time.perf_counter()
    try:
        outcome = extract(data, name) if images is None else extract(data, name, images=images)
    except ExtractionError as err:
        outcome = err
    except Exception as err:
        if not _memory_exhausted(err):
            raise  # an extractor bug: the caller records it as such
        outcome = err
    space = _status_mb("VmPeak") or 0.0
    # A parser that runs out of memory does not always say so (libxml2 reports "unknown error"): an error raised
    # after this document took the address space to the edge of the limit is taken for the limit.
    near_limit = space > space_before and space >= NEAR_LIMIT * limits.memory_mb
    exhausted = (isinstance(outcome, BaseException) and getattr(outcome, "reason", None) != "too_large"
                 and (_memory_exhausted(outcome) or near_limit))
    if exhausted:
        outcome = ExtractionError("too_large", f"reading it needed more than the {limits.memory_mb:,} MB memory "
                                               f"limit ({ENV['memory_mb']})", name)
    # A worker left near its limit is replaced before the next document (fragmentation, half-freed arenas).
    replace = exhausted or space >= NEAR_LIMIT * limits.memory_mb
    if finish is not None:
        outcome = finish(data, name, outcome)
    return outcome, time.perf_counter() - started, _status_mb("VmHWM"), replace


# ------------------------------------------------------------------ the parent side

_lock = threading.Lock()
_pool: ProcessPool | None = None
_pool_key: tuple | None = None
_generation = 0  # counts pools started: a document caught in a pool another document had replaced is run again


def _get_pool(limits: Limits) -> tuple[ProcessPool, int]:
    global _pool, _pool_key, _generation
    key = (limits.memory_mb, limits.workers)
    with _lock:
        if _pool is not None and (_pool_key != key or not _pool.active):
            _stop(_pool)
            _pool = None
        if _pool is None:
            # spawn, not fork: the parent holds a DuckDB connection and threads (Prefect) a fork would copy.
            _pool = ProcessPool(max_workers=limits.workers, max_tasks=_TASKS_PER_WORKER, initializer=_start_worker,
                                initargs=(limits,), context=multiprocessing.get_context("spawn"))
            _pool_key = key
            _generation += 1
        return _pool, _generation


def warm(limits: Limits | None = None, wait: bool = False) -> None:
    """Start the extracting processes now, not with the first document: each pays 1–2 s to start and import the
    readers, which a flow can overlap with its crawl (or a benchmark keep out of its timing, `wait`)."""
    pool, _ = _get_pool(limits or Limits.from_env())
    started = pool.schedule(os.getpid)  # a pebble pool starts its processes with its first task
    if wait:
        started.result()


def _stop(pool: ProcessPool) -> None:
    pool.stop()
    pool.join(timeout=10)


def _restart(pool: ProcessPool) -> None:
    """Replace a pool whose worker was left in doubt (out of memory, or not answering)."""
    global _pool
    with _lock:
        if _pool is pool:
            _stop(pool)
            _pool = None


def shutdown() -> None:
    """Stop the workers (at exit, or to start again with other limits)."""
    global _pool
    with _lock:
        if _pool is not None:
            _stop(_pool)
            _pool = None


atexit.register(shutdown)


def run_limited(data: bytes, name: str | None = None, images: dict | None = None,
                limits: Limits | None = None, finish=None) -> tuple[Report | ExtractionError, Measured]:
    """Extract in a worker under `limits` (the environment's when None): the report or the ExtractionError, and
    what it cost. An extractor bug is raised as it was raised in the worker. `finish(data, name, outcome)`, a
    module-level function, runs in the worker on the report or the extractor's ExtractionError, and its result
    comes back instead (what the worker sends back is then whatever `finish` made); an ExtractionError the parent
    makes itself (timeout, a worker that died) comes back as such."""
    limits = limits or Limits.from_env()
    started = time.perf_counter()
    pool, generation = _get_pool(limits)
    outcome, peak, replace = _attempt(pool, data, name, images, limits, finish)
    if isinstance(outcome, _Displaced) and generation != _generation:
        # Another document had this pool replaced (its worker ran out of memory) while this one was in it: the
        # failure is not this document's, so it runs once more in the new pool.
        pool, generation = _get_pool(limits)
        outcome, peak, replace = _attempt(pool, data, name, images, limits, finish)
    if isinstance(outcome, _Displaced):
        outcome = outcome.error
    if replace:
        _restart(pool)
    return outcome, Measured(time.perf_counter() - started, peak)


class _Displaced:
    """A document whose worker went away (killed, or its pool stopped), with the error it would be recorded as."""

    def __init__(self, error: ExtractionError):
        self.error = error


def _attempt(pool: ProcessPool, data: bytes, name, images, limits: Limits, finish=None):
    future = pool.schedule(_extract_in_worker, args=(data, name, images, limits, finish), timeout=limits.seconds)
    try:
        outcome, _, peak, replace = _wait(future, pool, limits)
        return outcome, peak, replace
    except FutureTimeout:
        return ExtractionError("timeout", f"reading it took longer than the {limits.seconds:g} s limit "
                                          f"({ENV['seconds']}); it was stopped", name), None, False
    except ProcessExpired as err:
        return _Displaced(_died(err, name, limits)), None, False
    except CancelledError:
        return _Displaced(ExtractionError("extractor_error", "its extracting process was stopped", name)), None, False
    except BrokenProcessPool as err:  # the workers could not start (a limit too small to import the readers?)
        _restart(pool)
        return _Displaced(ExtractionError("extractor_error", f"no extracting process could be started: {err}",
                                          name)), None, False


def run_many(jobs: list[tuple[bytes, str | None, dict | None]], limits: Limits | None = None,
             finish=None) -> list[tuple[Report | ExtractionError | Exception, Measured]]:
    """`run_limited` over (data, name, images) jobs, `limits.workers` at a time, in the jobs' order. An extractor
    bug comes back as the exception it raised, in its place, so that one document cannot stop the others."""
    limits = limits or Limits.from_env()

    def one(job):
        try:
            return run_limited(*job, limits=limits, finish=finish)
        except Exception as err:  # noqa: BLE001 - the caller records it against its document
            return err, Measured(0.0, None)
    if limits.workers == 1 or len(jobs) <= 1:
        return [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="extract") as threads:
        return list(threads.map(one, jobs))


def _wait(future, pool: ProcessPool, limits: Limits):
    """The worker's answer. pebble stops a document at its limit (FutureTimeout); should the pool itself stop
    answering, the parent gives up `_GRACE_S` later, starts a fresh pool and reports the same timeout."""
    deadline = None
    while True:
        try:
            return future.result(timeout=1.0)
        except FutureTimeout:
            if future.done():
                raise  # pebble's own timeout
            if deadline is None and future.running():
                deadline = time.monotonic() + limits.seconds + _GRACE_S
            if deadline is not None and time.monotonic() > deadline:
                future.cancel()
                _restart(pool)
                raise


def _died(err: ProcessExpired, name: str | None, limits: Limits) -> ExtractionError:
    code = err.exitcode or 0
    if code == -signal.SIGKILL:  # the kernel's out-of-memory killer ends a process this way
        return ExtractionError("too_large", f"the extracting process was killed (SIGKILL) while reading it, as the "
                                            f"system does when memory runs out; its own limit is "
                                            f"{limits.memory_mb:,} MB ({ENV['memory_mb']})", name)
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
    return ExtractionError("extractor_error", f"the extracting process died while reading it ({how})", name)


def extract_limited(data: bytes, name: str | None = None, images: dict | None = None,
                    limits: Limits | None = None) -> Report:
    """`extractors.extract` in a worker under `limits`. Raises ExtractionError: the extractor's own, or `timeout` /
    `too_large` naming the limit that was hit."""
    outcome, _ = run_limited(data, name, images, limits)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
