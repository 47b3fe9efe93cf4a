"""The nightly job: crawl every registered portal (hosts concurrently) → extract → load (the one DuckDB writer)
→ check → summary. `python -m flows.nightly --demo` runs it against the bundled demo portals, offline.
"""
from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import flows  # noqa: F401  (Prefect settings before Prefect is imported)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from crawler.archive import DEFAULT_ARCHIVE, RawArchive
from crawler.crawl import PortalSummary, crawl_portal
from crawler.fetch import Fetcher, FetchSettings
from crawler.registry import DEFAULT_REGISTRY, Portal, RegistryError, load_registry, parse_registry
from crawler.store import CrawlStore
from gkreports.checks import CheckSummary, run_checks
from flows.batches import Extraction, Span, batch_size, env_setting, extraction_runner, span
from gkreports.warehouse import DEFAULT_DB, LoadResult, connect, plan
from gkreports.portals import record_portals
from gkreports.publish import refresh_and_publish

# Portals crawled at once. A portal's crawl mostly waits on its host's rate limit (1 request/s by default), so a
# night's crawl takes about requests / (rate × portals at once): 8 at once would need most of a day for ~3,000
# county portals; the threads are cheap while they wait. GKREPORTS_CONCURRENT_PORTALS, or --concurrent-portals.
CONCURRENT_PORTALS = 32
# A report page or file already archived is asked for again (conditionally) 7 to 14 days after its last check,
# not every night: reports hardly change once published, and at one request a second per host a portal's ~400
# documents would otherwise cost it ~7 minutes every night. List pages, where new reports appear, are asked for
# every night. GKREPORTS_RECHECK_DAYS, or --recheck-days (0: every document every night).
RECHECK_DAYS = 7.0
NIGHTLY_CRON = "30 2 * * *"  # 02:30 in Beijing: after the portals' own nightly publishing jobs
NIGHTLY_TIMEZONE = "Asia/Shanghai"


@dataclass
class RunContext:
    """The heavy objects one run shares between its tasks (kept out of task parameters)."""
    fetcher: Fetcher
    archive: RawArchive
    store: CrawlStore
    run_id: int
    recheck_days: float = 0


_RUNS: dict[int, RunContext] = {}


def _run(run_id: int) -> RunContext:
    """The run's shared objects. The flow function reaches them only through functions like this one: Dask
    pickles the flow with each task it sends, and a module-level function travels by name, whereas the flow's
    own references to a module global (this dict, holding locks and a connection) would travel by value."""
    return _RUNS[run_id]


def _begin(ctx: RunContext) -> None:
    _RUNS[ctx.run_id] = ctx


def _end(run_id: int) -> None:
    _RUNS.pop(run_id, None)


@dataclass
class NightlyResult:
    portals: list[PortalSummary]
    loads: list[LoadResult] = field(default_factory=list)
    checks: list[CheckSummary] = field(default_factory=list)
    # wall time: the crawl (extraction runs alongside it), what extraction and loading took after it, the checks
    seconds: dict[str, float] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)  # when the run's own work ran (see flows.batches)
    requests: int = 0
    bytes: int = 0
    waited: float = 0.0

    @property
    def anything_done(self) -> bool:
        return any(p.usable for p in self.portals)


@task(cache_policy=NO_CACHE, task_run_name="crawl {portal.region_code} {portal.region_name}")
def crawl_task(portal: Portal, run_id: int) -> tuple[PortalSummary, Span]:
    ctx = _run(run_id)
    start = time.time()
    summary = crawl_portal(portal, ctx.fetcher, ctx.archive, ctx.store, ctx.run_id, ctx.recheck_days)
    return summary, Span("crawl", start, time.time())


class _Bars:
    """Two progress bars: portals crawled, and documents extracted and loaded (their number grows with the crawl)."""

    progress = None

    def crawled(self, description: str):
        if self.progress is not None:
            self.progress.update(self.crawl, advance=1, description=description)

    def expect(self, documents: int):
        if self.progress is not None:
            self.progress.update(self.load, total=self.progress.tasks[self.load].total + documents)

    def loaded(self, description: str):
        if self.progress is not None:
            self.progress.update(self.load, advance=1, description=description)


@contextmanager
def run_progress(portals: int):
    """Progress bars on a terminal (nothing in logs and tests)."""
    if not sys.stderr.isatty():
        yield _Bars()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("{task.fields[name]:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), transient=True) as progress:
        bars = _Bars()
        bars.progress = progress  # one bar per stage; the second's total grows as portals are crawled
        bars.crawl = progress.add_task("", total=portals, name="crawling portals")
        bars.load = progress.add_task("", total=0, name="extracting and loading")
        yield bars


@task(cache_policy=NO_CACHE)
def check_task(run_id: int) -> tuple[list[CheckSummary], Span]:
    start = time.time()
    return run_checks(_run(run_id).store.con)[1], Span("check", start, time.time())


def select(portals: list[Portal], only: list[str] | None) -> list[Portal]:
    if not only:
        return portals
    chosen = [p for p in portals if p.region_code in only]
    unknown = sorted(set(only) - {p.region_code for p in portals})
    if unknown:
        raise RegistryError(f"no portal with region code {', '.join(unknown)} in the registry "
                            f"(known: {', '.join(sorted({p.region_code for p in portals}))})")
    return chosen


def crawl_order(portals: list[Portal], last_requests: dict[str, int]) -> list[int]:
    """The order portals start in: the longest crawls (by their region's requests in the last run) first, so
    that the night does not end waiting on one big portal started last; a portal never crawled first of all (it
    may be the biggest: its first crawl downloads everything). Ties keep the registry's order."""
    return sorted(range(len(portals)), key=lambda i: -last_requests.get(portals[i].region_code, float("inf")))


@flow(name="nightly-crawl", log_prints=False)
def nightly(registry: str = str(DEFAULT_REGISTRY), db: str = str(DEFAULT_DB), archive: str = str(DEFAULT_ARCHIVE),
            only: list[str] | None = None, check: bool = True, retry_failed: bool = False,
            registry_text: str | None = None, settings: dict | None = None, dask: str | None = None,
            batch: int | None = None, concurrent: int | None = None, recheck: float | None = None) -> NightlyResult:
    """Crawl the registry's portals (`concurrent` at once, see CONCURRENT_PORTALS; report pages and files checked
    again after `recheck` days, see RECHECK_DAYS), extract what they hold in batches (on this machine's worker
    processes, or on the Dask cluster at `dask`), load it, run the checks."""
    spans: list[Span] = []
    with span(spans, "setup"):
        portals = select(parse_registry(registry_text, registry) if registry_text else load_registry(registry), only)
        con = connect(db)
        record_portals(con, portals)  # coverage expects a report from every registered portal
        fetcher = Fetcher(FetchSettings(**(settings or {})))
        store = CrawlStore(con)
        run_id = store.start_run(registry, len(portals))
        recheck_days = max(0.0, recheck) if recheck is not None else \
            env_setting("GKREPORTS_RECHECK_DAYS", RECHECK_DAYS, 0.0)
        _begin(RunContext(fetcher, RawArchive(archive), store, run_id, recheck_days))
    try:
        t0 = time.monotonic()
        writer = con.cursor()  # the flow's own connection: crawl threads write crawl tables through `store`
        planned: set[str] = set()
        summaries: dict[int, PortalSummary] = {}
        loads: list[LoadResult] = []
        with run_progress(len(portals)) as bar, extraction_runner(dask) as runner, \
                ThreadPoolTaskRunner(max_workers=max(1, concurrent) if concurrent else
                                     env_setting("GKREPORTS_CONCURRENT_PORTALS", CONCURRENT_PORTALS, 1)) as crawling:
            extraction = Extraction(_run(run_id).archive.get, writer, batch or batch_size(), runner, spans,
                                    lambda r: bar.loaded(f"{r.status} {r.source.rsplit('/', 1)[-1][:40]}"))
            futures = {crawling.submit(crawl_task, {"portal": portals[i], "run_id": run_id}): i
                       for i in crawl_order(portals, store.last_requests())}
            # Extraction starts with the first portal crawled, while the others are still being walked; each
            # portal's documents are written in its crawl order, portals in the order their crawls end.
            for future in as_completed(futures):
                summary, crawl_span = future.result()
                summaries[futures[future]] = summary
                spans.append(crawl_span)
                bar.crawled(f"{summary.region_code} {summary.region_name}: {summary.documents} documents")
                with span(spans, "plan"):
                    documents = [(d.url, d.sha256, {src: sha for src, (_, sha) in d.images.items()})
                                 for d in summary.found_documents]
                    jobs, unchanged = plan(writer, documents, retry_failed, planned)
                loads += unchanged
                bar.expect(len(jobs))
                extraction.submit(jobs)
                extraction.write_ready()
            t1 = time.monotonic()
            store.flush()  # the crawl tables complete before the checks read them (C-1, C-2)
            loads += extraction.finish()
        t2 = time.monotonic()
        checks = []
        if check:
            checks, check_span = check_task(run_id)
            spans.append(check_span)
        t3 = time.monotonic()
        with span(spans, "publish"):
            store.finish_run(run_id)
            refresh_and_publish(con, db, archive)  # narrative signatures, then the readers' copy
        return NightlyResult([summaries[i] for i in range(len(portals))], loads, checks,
                             {"crawl": t1 - t0, "extract+load": t2 - t1, "check": t3 - t2}, spans, fetcher.requests,
                             fetcher.bytes, fetcher.waited)
    finally:
        _end(run_id)
        fetcher.close()
        con.close()


# ------------------------------------------------------------------ the deployment

def deployment(name: str = "nightly"):
    """The nightly deployment: a cron at night, Beijing time."""
    from prefect.schedules import Cron
    return nightly.to_deployment(name=name, schedules=[Cron(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)],
                                 description="Crawl every registered portal, load and check, every night.")


def serve(name: str = "nightly"):  # pragma: no cover - runs until stopped
    from prefect import serve as prefect_serve
    prefect_serve(deployment(name))


# ------------------------------------------------------------------ the command line

def main(argv: list[str] | None = None, check: bool = True) -> int:
    """`python -m flows.nightly`, with the options of `gkreports run`."""
    from gkreports.cli import add_crawl_options
    parser = argparse.ArgumentParser(prog="python -m flows.nightly", description=__doc__)
    add_crawl_options(parser)
    return run_command(parser.parse_args(argv), check)


def run_command(args, check: bool = True) -> int:
    """Run the flow as `gkreports crawl` / `run` were asked to (parsed options), print the summary, exit code."""
    from gkreports.summary import print_nightly
    with ExitStack() as stack:
        registry, registry_text = args.registry, None
        if args.demo:
            from demo_portals import DemoServer, build_demo
            site = build_demo()
            try:  # a fixed port keeps the demo's URLs, so a second run sends conditional requests only
                server = stack.enter_context(DemoServer(site, port=args.demo_port))
            except OSError as err:
                print(f"port {args.demo_port} is taken ({err.strerror}); serving the demo on a free port, "
                      "so its URLs differ from earlier runs", file=sys.stderr)
                server = stack.enter_context(DemoServer(site))
            registry, registry_text = f"demo portals at {server.base_url}", site.registry_toml(server.base_url)
            print(f"demo portals served at {server.base_url}")
        try:  # a bad registry or an unknown --only is the operator's to fix before anything runs
            select(parse_registry(registry_text, registry) if registry_text else load_registry(registry), args.only)
        except RegistryError as err:
            print(f"gkreports: {err}", file=sys.stderr)
            return 2
        result = nightly(registry, args.db, args.archive, args.only, check, args.retry_failed, registry_text,
                         dask=args.dask, batch=args.batch, concurrent=args.concurrent_portals,
                         recheck=args.recheck_days)
    print_nightly(result, args.db)
    return 0 if result.anything_done else 1


if __name__ == "__main__":
    sys.exit(main())
