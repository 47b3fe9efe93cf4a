"""What a crawl run prints: one line per portal (found, fetched, unchanged, failed, loaded), then the checks."""
from __future__ import annotations

import sys
from collections import Counter

from rich.console import Console
from rich.table import Table

from gkreports.checks import format_summary


def load_counts(result) -> dict[str, Counter]:
    """Load outcomes per portal (region code), matched through the documents each portal found."""
    owner = {d.url: s.region_code for s in result.portals for d in s.found_documents}
    counts: dict[str, Counter] = {s.region_code: Counter() for s in result.portals}
    for r in result.loads:
        counts.setdefault(owner.get(r.source, "?"), Counter())[r.status] += 1
    return counts


def print_nightly(result, db, console: Console | None = None, errors_per_portal: int = 5):
    console = console or Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
    loads = load_counts(result)
    table = Table(title="crawl summary", show_lines=False)
    for name, justify in (("portal", "left"), ("family", "left"), ("lists", "right"), ("found", "right"),
                          ("documents", "right"), ("new", "right"), ("fetched", "right"), ("304", "right"),
                          ("fresh", "right"),
                          ("failed", "right"), ("skipped", "right"), ("loaded", "right"), ("unchanged", "right"),
                          ("load failed", "right")):
        table.add_column(name, justify=justify)
    for s in result.portals:
        c = loads.get(s.region_code, Counter())
        table.add_row(f"{s.region_code} {s.region_name}", s.family or "-", str(s.list_pages), str(s.found),
                      str(s.documents), str(s.new), str(s.requests["fetched"]), str(s.requests["not_modified"]),
                      str(s.fresh), str(s.failed), str(s.requests["disallowed"] + s.requests["refused"]),
                      str(c["ok"] + c["partial"] + c["alternate"]), str(c["unchanged"]), str(c["failed"]))
    console.print(table)
    for s in result.portals:
        if s.errors:
            console.print(f"[bold]{s.region_code} {s.region_name}[/bold]: {len(s.errors)} request(s) not completed")
            for line in s.errors[:errors_per_portal]:
                console.print(f"  {line}", markup=False)
            if len(s.errors) > errors_per_portal:
                console.print(f"  … {len(s.errors) - errors_per_portal} more in crawl_log")
    failed_loads = [r for r in result.loads if r.status == "failed"]
    for r in failed_loads[:20]:
        console.print(f"load failed: {r.source}: {r.message}", markup=False)
    secs = result.seconds
    console.print(f"{result.requests} requests, {result.bytes:,} bytes, {result.waited:.1f} s waiting on rate limits; "
                  f"crawl {secs.get('crawl', 0):.1f} s, then extraction and load {secs.get('extract+load', 0):.1f} s more, "
                  f"check {secs.get('check', 0):.1f} s", markup=False)
    if result.checks:
        console.print(format_summary(result.checks), markup=False)
    console.print(f"warehouse: {db}", markup=False)
