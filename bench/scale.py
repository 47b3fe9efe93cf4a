"""The nightly flow at scale: N generated reports (HTML, PDF, DOCX) served by demo portals on 127.0.0.1, crawled,
extracted, loaded and checked by the real flow — and crawled again unchanged — with each stage's cost.

    python bench/scale.py 100 1000 10000        # one line per N, then how each stage's cost per document grows
    python bench/scale.py 1000 --dask local:2   # extraction on a local Dask cluster of 2 workers
    python bench/scale.py --speedup 400         # extraction on 1 and 2 Dask workers, side by side

Each N runs in a process of its own (a fresh warehouse, archive and Prefect engine; its own peak memory). The
corpus is generated once per N under --cache and served from disk by a process of its own. Figures per N:
- wall: the flow as the operator waits for it; peak MB: the largest resident size of the flow's process and of
  any one extracting process;
- per stage, documents per second over that stage's wall time (spans of the run's own work, see flows.batches);
  the load's CPU time per document in the writing thread (its wall time includes waiting for the interpreter,
  which the flow shares with the crawl's threads); check and publish (narrative signatures, the readers' copy) in
  seconds;
- Prefect: the share of the wall time in which none of the run's own work was running. The runs report to a
  Prefect server started once beforehand, as the nightly deployment does (`gkreports serve`); what a run without
  one pays to start a temporary server is measured on its own line;
- re-runs: the same flow again over unchanged portals, twice: as the next night runs it (report pages and files
  checked within the recheck window are taken from the archive unasked: "fresh"), and asking for every one again
  (--recheck-days 0, as for documents whose window has passed): requests, those answered 304, those answered
  otherwise (robots.txt, redirects), documents extracted again (must be 0), and the wall time as a share of the
  first run's.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("setup", "crawl", "plan", "extract", "load", "check", "publish")


def _stage_seconds(spans) -> dict[str, float]:
    """Per stage, the wall time in which any of its work ran (stages overlap: extraction starts with the first
    portal crawled, and batches are written while others are extracted)."""
    out = {}
    for stage in STAGES:
        mine = sorted((s.start, s.end) for s in spans if s.stage == stage)
        covered, reach = 0.0, float("-inf")
        for start, end in mine:
            if end > reach:
                covered += end - max(start, reach)
                reach = end
        if mine:
            out[stage] = covered
    return out


def _peak_mb() -> dict[str, float]:
    return {"flow": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def one(n: int, cache: Path, dask: str | None, batch: int | None) -> dict:
    """Generate (or reuse) the corpus, serve it, run the flow twice; the figures as a dict."""
    import flows  # noqa: F401
    from flows.batches import orchestration_share
    from flows.nightly import nightly
    from demo_portals.scale import build_scale_site
    import duckdb

    started = time.monotonic()
    site = build_scale_site(n, cache)
    generate_s = time.monotonic() - started
    expected = sum(len(p.expected) for p in site.portals)
    with tempfile.TemporaryDirectory(prefix="gkreports-scale-") as tmp, PortalServer(n, cache) as base_url:
        db, archive = Path(tmp) / "warehouse.duckdb", Path(tmp) / "raw"
        registry = site.registry_toml(base_url)
        runs = []
        # The first run; the unchanged re-run the next night would be (report pages and files were checked
        # within the recheck window, so only list pages are asked for); and one asking for every page and file
        # again (conditionally), as a night does for those whose window has passed.
        for label, recheck in (("first", None), ("re-run", None), ("re-run, every document asked", 0)):
            start = time.time()
            result = nightly(f"scale {n}", str(db), str(archive), registry_text=registry, dask=dask, batch=batch,
                             recheck=recheck)
            end = time.time()
            runs.append({"label": label, "wall": end - start, "stages": _stage_seconds(result.spans),
                         "load_cpu": sum(s.cpu or 0.0 for s in result.spans if s.stage == "load"),
                         "prefect": orchestration_share(result.spans, start, end), "requests": result.requests,
                         "extracted": sum(r.status != "unchanged" for r in result.loads),
                         "not_modified": sum(p.requests["not_modified"] for p in result.portals),
                         "fresh": sum(p.fresh for p in result.portals),
                         "fetched": sum(p.requests["fetched"] for p in result.portals),
                         "documents": sum(len(p.found_documents) for p in result.portals)})
        from gkreports.isolation import shutdown
        shutdown()  # the extracting processes end here, so that their peak memory is counted
        size_mb = db.stat().st_size / 2**20
        con = duckdb.connect(str(db), read_only=True)
        loaded = con.execute("SELECT count(*) FROM documents WHERE status IN ('ok', 'partial', 'alternate',"
                             " 'superseded')").fetchone()[0]
        con.close()
    return {"n": n, "expected": expected, "loaded": loaded, "generate_s": generate_s, "runs": runs,
            "peak_mb": _peak_mb(), "dask": dask, "db_mb": size_mb}


def speedup(n: int, cache: Path, batch: int | None) -> dict:
    """The same N documents extracted on a local Dask cluster of 1 and of 2 workers, in the order 1, 2, 2, 1 (so
    that a drift in the machine's load cancels): the wall time from the first batch submitted to the last one
    back, each worker's extracting process started beforehand; then the whole folder flow (extract, load, check)
    on 1 and on 2 workers, cluster start included."""
    import flows  # noqa: F401
    from flows.pipeline import build_warehouse
    from demo_portals.scale import build_scale_site

    site = build_scale_site(n, cache)
    folder = Path(tempfile.mkdtemp(prefix="gkreports-speedup-"))
    for path, resource_ in site.documents():  # the report files themselves, as a folder
        (folder / path).write_bytes(resource_)
    size = batch or 20
    out = {"n": n, "batch": size, "extract": {1: [], 2: []}, "flow": {}}
    for workers in (1, 2, 2, 1):
        seconds, done = extraction_only(sorted(folder.iterdir()), f"local:{workers}", size)
        assert done == n, (done, n)
        out["extract"][workers].append(seconds)
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.time()
            build_warehouse(folder, Path(tmp) / "w.duckdb", dask=f"local:{workers}", batch=size)
            out["flow"][workers] = time.time() - started
    return out


def extraction_only(paths: list[Path], dask: str, size: int) -> tuple[float, int]:
    """Extraction alone on the cluster at `dask`, through the flow's own extraction task, nothing written."""
    from prefect import flow
    from flows.batches import extract_task, extraction_runner, read_file, warm_workers
    from gkreports.warehouse import Job, batches

    @flow(name="extraction-only")
    def run() -> tuple[float, int]:
        jobs = [Job(str(p), str(p)) for p in paths]
        with extraction_runner(dask) as runner:
            warm_workers(runner, wait=True)
            started = time.time()
            futures = [runner.submit(extract_task, {"jobs": part, "read": read_file, "number": i, "workers": 1})
                       for i, part in enumerate(batches(jobs, size), 1)]
            done = sum(len(future.result()[0]) for future in futures)
            return time.time() - started, done
    return run()


class PortalServer:
    """The scale corpus served by `python -m demo_portals serve` in a process of its own: real portals are other
    machines, and a server in the flow's process would take its interpreter (the GIL) from the flow's threads."""

    def __init__(self, n: int, cache: Path):
        self.args = [sys.executable, "-m", "demo_portals", "serve", "--scale", str(n), "--scale-root", str(cache),
                     "--port", str(_free_port())]

    def __enter__(self) -> str:
        self.process = subprocess.Popen(self.args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True)
        first = self.process.stdout.readline().strip()
        if not first.startswith("# base URL: "):
            self.process.kill()
            raise SystemExit(f"the portal server did not start ({first!r})")
        import threading
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # the registry it prints next
        return first.removeprefix("# base URL: ")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer:
    """`prefect server start` on 127.0.0.1 with its own state, for the runs to report to; its start-up time."""

    def __enter__(self):
        import httpx
        self.home = tempfile.mkdtemp(prefix="gkreports-prefect-")
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_HOME": self.home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        started = time.monotonic()
        self.process = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                         "--port", str(port), "--no-ui", "--log-level", "WARNING"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.monotonic() - started < 120:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the Prefect server did not start within 120 s")
        self.startup = time.monotonic() - started
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


_SERVER_URL: str | None = None


def _child(args: list[str]) -> dict:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"}
    if _SERVER_URL:
        env["PREFECT_API_URL"] = _SERVER_URL
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"the run {' '.join(args)} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def format_runs(rows: list[dict]) -> str:
    lines = [f"{'N':>6} {'found':>6} {'loaded':>6} {'wall s':>8} {'peak MB flow/worker':>20}  "
             + "  ".join(f"{s + ' doc/s':>13}" for s in ("crawl", "extract", "load")) + f" {'load CPU ms/doc':>15}"
             f" {'check s':>8} {'publish s':>9} {'Prefect':>8} {'MB/1k docs':>10}"]
    for r in rows:
        first = r["runs"][0]
        st = first["stages"]
        rate = {s: first["documents"] / st[s] if st.get(s) else float("nan") for s in ("crawl", "extract", "load")}
        lines.append(f"{r['n']:>6} {first['documents']:>6} {r['loaded']:>6} {first['wall']:>8.1f} "
                     f"{r['peak_mb']['flow']:>9.0f}/{r['peak_mb']['worker']:<10.0f} "
                     + "  ".join(f"{rate[s]:>13.1f}" for s in ("crawl", "extract", "load"))
                     + f" {first['load_cpu'] / max(first['documents'], 1) * 1000:>15.1f}"
                     + f" {st.get('check', 0):>8.2f} {st.get('publish', 0):>9.2f} {first['prefect']:>8.1%}"
                       f" {r['db_mb'] / r['n'] * 1000:>10.1f}")
    lines.append(f"\nunchanged re-runs (fetched: answered other than 304 — robots.txt, each host's cookie challenge, "
                 "redirects):\n"
                 f"{'N':>6} {'run':<30} {'wall s':>8} {'of first':>8} {'requests':>8} {'304':>6} {'fresh':>6}"
                 f" {'fetched':>7} {'re-extr':>7} {'crawl s':>8} {'publish s':>9}")
    for r in rows:
        first = r["runs"][0]
        for again in r["runs"][1:]:
            lines.append(f"{r['n']:>6} {again['label']:<30} {again['wall']:>8.1f} {again['wall'] / first['wall']:>8.1%}"
                         f" {again['requests']:>8} {again['not_modified']:>6} {again['fresh']:>6}"
                         f" {again['fetched']:>7} {again['extracted']:>7}"
                         f" {again['stages'].get('crawl', 0):>8.1f} {again['stages'].get('publish', 0):>9.2f}")
    if len(rows) > 1:
        base = rows[0]
        lines.append(f"\ncost per document relative to N = {base['n']} (1.00 = linear growth):")
        for r in rows[1:]:
            parts = []
            for stage in ("crawl", "extract", "load", "check", "publish"):
                a = base["runs"][0]["stages"].get(stage, 0) / base["n"]
                b = r["runs"][0]["stages"].get(stage, 0) / r["n"]
                parts.append(f"{stage} {b / a:.2f}" if a else f"{stage} -")
            a, b = base["runs"][0]["load_cpu"] / base["n"], r["runs"][0]["load_cpu"] / r["n"]
            parts.append(f"load CPU {b / a:.2f}" if a else "load CPU -")
            parts.append(f"wall {r['runs'][0]['wall'] / r['n'] / (base['runs'][0]['wall'] / base['n']):.2f}")
            lines.append(f"  N = {r['n']}: " + ", ".join(parts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "gkreports-scale-corpus"),
                        help="where generated corpora are kept between runs")
    parser.add_argument("--dask", default=None, help="extract on this Dask cluster (local:N, or a scheduler address)")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--speedup", type=int, metavar="N", help="measure extraction on 1 and 2 Dask workers")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    if args.child:
        figures = speedup(args.speedup, cache, args.batch) if args.speedup else one(args.n[0], cache, args.dask,
                                                                                      args.batch)
        print(json.dumps(figures))
        return 0
    from bench.accuracy import machine
    print(f"machine: {machine()}")
    global _SERVER_URL
    server = PrefectServer().__enter__()
    _SERVER_URL = server.url
    print(f"Prefect server started in {server.startup:.1f} s (a run without PREFECT_API_URL starts a temporary one, "
          "paying about as much)")
    try:
        return _main(args, cache)
    finally:
        server.__exit__(None, None, None)


def _main(args, cache: Path) -> int:
    extra = [*(["--dask", args.dask] if args.dask else []), *(["--batch", str(args.batch)] if args.batch else [])]
    if args.speedup:
        r = _child(["--speedup", str(args.speedup), "--cache", str(cache), *extra])
        one_, two = (statistics.mean(r["extract"][k]) for k in ("1", "2"))
        print(f"{r['n']} documents in batches of {r['batch']} on a local Dask cluster (runs in the order 1, 2, 2, 1 "
              "workers; s each):")
        print(f"  extraction alone: 1 worker {one_:.1f} s ({', '.join(f'{x:.1f}' for x in r['extract']['1'])}), "
              f"2 workers {two:.1f} s ({', '.join(f'{x:.1f}' for x in r['extract']['2'])}): speed-up {one_ / two:.2f}×")
        f1, f2 = r["flow"]["1"], r["flow"]["2"]
        print(f"  the folder flow (cluster start, extract, load, check): 1 worker {f1:.1f} s, 2 workers {f2:.1f} s: "
              f"speed-up {f1 / f2:.2f}×")
        return 0
    rows = []
    for n in args.n:
        rows.append(_child([str(n), "--cache", str(cache), *extra]))
        print(f"N = {n}: done in {rows[-1]['runs'][0]['wall']:.0f} s (corpus ready in {rows[-1]['generate_s']:.0f} s)",
              file=sys.stderr)
    print(f"batch {args.batch or 'default'}, extraction {'on Dask ' + args.dask if args.dask else 'in this machine’s worker processes'}")
    print(format_runs(rows))
    missing = [r["n"] for r in rows if r["loaded"] < r["expected"]]
    if missing:
        print(f"NOT ALL LOADED at N = {missing}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
