"""The writer's cost as the warehouse grows: `write_batch` of 50 reports into one warehouse until it holds N
documents, with nothing else running in the process, so that the figures are the writer's own.

    python bench/load.py [N] [--batch 50]

Each batch is a real report (hulan 2023, read once) under 50 distinct publishers, so that every document is a
new current report: its cells go to document_facts and the three fact tables, as in a first national night.
Printed at each tenth of N: the wall time and the process's CPU time (DuckDB's threads included) per batch,
averaged over the batches since the last line, and both against the first line (1.00 = flat: the cost of a batch
does not grow with the warehouse, so the whole load grows linearly with N); then the machine.

The load column of bench/scale.py is the same writer measured inside the flow, where it shares the flow's
interpreter with the crawl's threads; this one shows what the writer itself costs.
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _batches(base, size: int):
    """Endless batches of `size` copies of `base`, each with bytes and a publisher of its own."""
    n = 0
    while True:
        items = []
        for _ in range(size):
            n += 1
            report = copy.copy(base.report)
            report.publisher = f"{base.report.publisher}（第{n}号）"
            items.append(dataclasses.replace(base, document_id=f"{n:064x}", source=f"https://bench.invalid/{n}",
                                             report=report))
        yield items


def measure(n: int, size: int, db: Path) -> list[tuple[int, float, float]]:
    """(documents in the warehouse after the stretch, wall ms per batch, CPU ms per batch) at each tenth of n."""
    from extractors import extract
    from gkreports.warehouse import connect, extracted, write_batch
    from renderers.common import FIGURES_DIR, load_figures
    from renderers.html import render_html

    data = render_html(load_figures(FIGURES_DIR / "hulan-2023.json"), "word")
    base = extracted(data, "hulan-2023.html", extract(data, "hulan-2023.html"))
    con = connect(db)
    rows, written = [], 0
    step = max(size, n // 10)
    wall = cpu = 0.0
    count = 0
    try:
        for items in _batches(base, size):
            w, c = time.perf_counter(), time.process_time()
            results = write_batch(con, items)
            wall += time.perf_counter() - w
            cpu += time.process_time() - c
            assert all(r.status == "ok" for r in results), results[0]
            written += len(items)
            count += 1
            if written % step == 0 or written >= n:
                rows.append((written, wall / count * 1000, cpu / count * 1000))
                wall = cpu = 0.0
                count = 0
            if written >= n:
                break
        facts = con.execute("SELECT count(*) FROM document_facts").fetchone()[0]
    finally:
        con.close()
    print(f"{written:,} documents, {facts:,} cells in document_facts, {db.stat().st_size / 2**20:.0f} MB")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args(argv)
    from bench.accuracy import machine
    with tempfile.TemporaryDirectory(prefix="gkreports-load-") as tmp:
        rows = measure(args.n, args.batch, Path(tmp) / "warehouse.duckdb")
    print(f"write_batch of {args.batch} reports, per batch, as the warehouse grows:")
    print(f"{'documents':>10} {'wall ms':>8} {'CPU ms':>8} {'wall ×':>7} {'CPU ×':>7}")
    _, wall0, cpu0 = rows[0]
    for written, wall, cpu in rows:
        print(f"{written:>10,} {wall:>8.0f} {cpu:>8.0f} {wall / wall0:>7.2f} {cpu / cpu0:>7.2f}")
    print(f"machine: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
