"""A measured crawl of the demo portals on 127.0.0.1: requests, bytes, documents, seconds, and the share of
the crawl spent waiting on the per-host rate limit — a first crawl and an unchanged re-run, side by side.

    python bench/crawl.py [--rate R]    # R: requests per second per host for every demo portal (default 50)
    python bench/crawl.py --hosts 64 --rate 2 --concurrent 8,32,64   # a night's crawl: portals at once

The crawl stage is composed as the nightly flow composes it (one thread per portal, longest crawls first, one
shared fetcher), without Prefect, so the figures are the crawler's own. All demo portals live on one host
(127.0.0.1:port), so they share that host's spacing: at R requests per second the crawl cannot take less than
requests / R.

With --hosts H, each of H portals (the demo portals in turn) is served from a host of its own (its own port), as
county portals are, at a real site's pace (--rate); the crawl alone, first and unchanged, is timed for each number
of portals crawled at once (--concurrent), against the floor that politeness sets: requests / (rate × portals at
once), and no less than the longest portal's requests / rate (less one request each: a host's first request waits
for nothing).
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import machine  # noqa: E402
from crawler.archive import RawArchive  # noqa: E402
from crawler.crawl import crawl_portal  # noqa: E402
from crawler.fetch import Fetcher  # noqa: E402
from crawler.registry import parse_registry  # noqa: E402
from crawler.store import CrawlStore  # noqa: E402
from flows.nightly import crawl_order  # noqa: E402
from demo_portals import DemoServer, build_demo  # noqa: E402
from gkreports.warehouse import connect, load_archived  # noqa: E402


def one_run(registry: str, db: Path, archive: Path, at_once: int = 8, load: bool = True) -> dict:
    portals = parse_registry(registry, "demo")
    con = connect(db)
    fetcher, store = Fetcher(), CrawlStore(con)
    order = [portals[i] for i in crawl_order(portals, store.last_requests())]
    run_id = store.start_run("bench", len(portals))
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        summaries = list(pool.map(lambda p: crawl_portal(p, fetcher, RawArchive(archive), store, run_id), order))
    crawl_s = time.monotonic() - start
    store.flush()  # the crawl tables as the crawl left them
    if not load:
        store.finish_run(run_id)
        fetcher.close()
        con.close()
        return {"requests": fetcher.requests, "crawl_s": crawl_s, "documents": sum(s.documents for s in summaries),
                "longest": max(sum(s.requests.values()) for s in summaries)}
    documents = [(d.url, d.sha256) for s in summaries for d in s.found_documents]
    start = time.monotonic()
    loads = load_archived(con, documents, RawArchive(archive).get)
    load_s = time.monotonic() - start
    limiter_wait = con.execute("SELECT coalesce(sum(waited), 0) FROM crawl_log WHERE run_id = ?", [run_id]).fetchone()[0]
    outcomes = dict(con.execute("SELECT outcome, count(*) FROM crawl_log WHERE run_id = ? GROUP BY ALL",
                                [run_id]).fetchall())
    store.finish_run(run_id)
    fetcher.close()
    con.close()
    return {"requests": fetcher.requests, "bytes": fetcher.bytes, "documents": len(documents),
            "new": sum(s.new for s in summaries), "extracted": sum(r.status != "unchanged" for r in loads),
            "not_modified": outcomes.get("not_modified", 0), "crawl_s": crawl_s, "load_s": load_s,
            # Threads wait side by side; the share is the host's rate-limit wait per request, against the
            # crawl's wall time spread over its threads (the wait a single-threaded crawl would have).
            "wait_share": min(1.0, fetcher.waited / max(crawl_s * len(portals), 1e-9)),
            "limiter_wait": limiter_wait, "portals": len(portals)}


def night(hosts: int, rate: float, levels: list[int]) -> None:
    """Each of `hosts` portals on a host of its own at `rate`; the crawl timed for each number at once."""
    site = build_demo()
    servers = [DemoServer(site, slow_seconds=1.0).start() for _ in range(hosts)]
    try:
        registry = "\n".join(re.sub(r"rate = [\d.]+", f"rate = {rate}",
                                    site.portals[j % len(site.portals)].toml(servers[j].base_url))
                             for j in range(hosts))
        print(f"{hosts} portals (the {len(site.portals)} demo portals in turn), each on a host of its own at "
              f"{rate:g} requests/s; the crawl alone\n")
        print(f"{'at once':>8} {'run':>10} {'requests':>9} {'seconds':>8} {'floor s':>8} {'seconds / floor':>16}")
        for level in levels:
            for server in servers:
                server.reset_faults()  # the hostile portal's first-time faults fire again for each level
            with tempfile.TemporaryDirectory() as tmp:
                for label in ("first", "unchanged"):
                    r = one_run(registry, Path(tmp) / "w.duckdb", Path(tmp) / "raw", at_once=level, load=False)
                    # n requests to one host take (n - 1) / rate: its first one waits for nothing
                    floor = max((r["requests"] - hosts) / (rate * min(level, hosts)), (r["longest"] - 1) / rate)
                    print(f"{level:>8} {label:>10} {r['requests']:>9,} {r['crawl_s']:>8.1f} {floor:>8.1f}"
                          f" {r['crawl_s'] / floor:>16.2f}")
    finally:
        for server in servers:
            server.close()
    print(f"machine: {machine()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=None,
                        help="requests per second per host (default 50; 2 with --hosts)")
    parser.add_argument("--hosts", type=int, default=None, help="serve this many portals, each on a host of its own")
    parser.add_argument("--concurrent", default="8,32,64", help="with --hosts: portals crawled at once, to compare")
    args = parser.parse_args(argv)
    if args.hosts:
        night(args.hosts, args.rate or 2.0, [int(x) for x in args.concurrent.split(",")])
        return 0
    args.rate = args.rate or 50.0
    site = build_demo()
    with DemoServer(site, slow_seconds=1.0) as server, tempfile.TemporaryDirectory() as tmp:
        registry = re.sub(r"rate = [\d.]+", f"rate = {args.rate}", site.registry_toml(server.base_url))
        first = one_run(registry, Path(tmp) / "w.duckdb", Path(tmp) / "raw")
        again = one_run(registry, Path(tmp) / "w.duckdb", Path(tmp) / "raw")
    print(f"demo crawl: {first['portals']} portals on one host at {args.rate:g} requests/s\n")
    print(f"{'':<22}{'first crawl':>14}{'unchanged re-run':>18}")
    rows = [("requests", "requests", "{:,}"), ("bytes downloaded", "bytes", "{:,}"),
            ("report documents", "documents", "{:,}"), ("new versions", "new", "{:,}"),
            ("304 Not Modified", "not_modified", "{:,}"), ("documents extracted", "extracted", "{:,}"),
            ("crawl seconds", "crawl_s", "{:.2f}"), ("extract+load seconds", "load_s", "{:.2f}"),
            ("rate-limit wait share", "wait_share", "{:.0%}")]
    for label, key, fmt in rows:
        print(f"{label:<22}{fmt.format(first[key]):>14}{fmt.format(again[key]):>18}")
    total_first, total_again = first["crawl_s"] + first["load_s"], again["crawl_s"] + again["load_s"]
    print(f"\nre-run / first run wall time: {total_again / total_first:.2f}")
    print(f"per request: {first['crawl_s'] / max(first['requests'], 1) * 1000:.1f} ms crawl wall time; "
          f"per new document: {first['load_s'] / max(first['extracted'], 1) * 1000:.0f} ms to extract and load")
    print(f"machine: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
