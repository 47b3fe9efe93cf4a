"""A measured crawl of the demo portals on 127.0.0.1: requests, bytes, documents, seconds, and the share of
the crawl spent waiting on the per-host rate limit — a first crawl and an unchanged re-run, side by side.

    python bench/crawl.py [--rate R]    # R: requests per second per host for every demo portal (default 50)

The crawl stage is composed as the nightly flow composes it (one thread per portal, one shared fetcher),
without Prefect, so the figures are the crawler's own. All demo portals live on one host (127.0.0.1:port),
so they share that host's spacing: at R requests per second the crawl cannot take less than requests / R.
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
from demo_portals import DemoServer, build_demo  # noqa: E402
from gkreports.warehouse import connect, load_archived  # noqa: E402


def one_run(registry: str, db: Path, archive: Path) -> dict:
    portals = parse_registry(registry, "demo")
    con = connect(db)
    fetcher, store = Fetcher(), CrawlStore(con)
    run_id = store.start_run("bench", len(portals))
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        summaries = list(pool.map(lambda p: crawl_portal(p, fetcher, RawArchive(archive), store, run_id), portals))
    crawl_s = time.monotonic() - start
    store.flush()  # the crawl tables as the crawl left them
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second per host (default 50)")
    args = parser.parse_args(argv)
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
