"""The fault table: every hostile input and network fault the nightly run must survive, what it must cost, and
what it did — case, expected, observed, time, peak memory, pass.

    python bench/faults.py [--only NAME ...] [--cache DIR] [--messages]

Document cases are loaded with `load_document` into a warehouse that already holds a report, under the limits
each case names (set through the GKREPORTS_* variables, as an operator would): a case passes when the document
ends as expected, the recorded message names the limit that was hit, and nothing already in the warehouse
changed. Network cases fetch from a DemoServer on 127.0.0.1 that plays a public portal host. tests/test_faults.py
runs the same CASES. Peak memory is the largest resident size of this process's children (the extracting worker,
LibreOffice) while the case ran, sampled every 20 ms.

Only light imports at module level: the extracting workers are spawned, and a spawned worker imports the main
module again.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MB = 1024 * 1024
# The demo server plays a public portal host under this name (requests are routed to 127.0.0.1; no name is
# ever resolved), and this private address is where a redirect tries to send the crawler.
PORTAL_HOST = "www.portal.test"
PRIVATE_HOST = "10.1.2.3"


@dataclass(frozen=True)
class Case:
    name: str
    what: str  # the input, in a few words
    expected: str  # "failed: REASON", "ok", "partial", or for network cases the fetch outcome ("error", "refused", "fetched")
    kind: str = "document"  # document | network
    filename: str = ""  # the name a document is loaded under
    make: Callable | None = None  # document: (Inputs) -> bytes; network: (Network) -> (outcome, message)
    env: dict = field(default_factory=dict)  # GKREPORTS_* settings for the case (limits small enough to test)
    says: str = ""  # words the recorded message must carry (the limit's variable, the reason)


@dataclass
class Observation:
    case: Case
    observed: str
    message: str
    seconds: float
    peak_mb: float | None
    passed: bool
    why: str = ""  # what failed, when it did

    def row(self) -> list[str]:
        peak = f"{self.peak_mb:,.0f} MB" if self.peak_mb else "—"
        return [self.case.name, self.case.expected, self.observed, f"{self.seconds:.2f} s", peak,
                "pass" if self.passed else f"FAIL {self.why}"]


# ------------------------------------------------------------------ inputs

class Inputs:
    """Figures to draw from, and where big inputs are made once: `scratch` for this run, `keep` (when given) for
    the slow ones to be kept between runs, under the version of the code that draws them."""

    def __init__(self, scratch: Path, keep: Path | None = None):
        from renderers.common import FIGURES_DIR, load_figures
        from renderers.hostile import version
        self.scratch = scratch
        self.keep = keep / version() if keep else scratch
        self.fig = {slug: load_figures(FIGURES_DIR / f"{slug}.json")
                    for slug in ("hulan-2023", "hulan-2022", "mulan-2022", "fangzheng-2023", "daoli-2023")}

    def big(self, name: str, make, keep: bool = False) -> bytes:
        from renderers.hostile import cached
        return cached(self.keep if keep else self.scratch, name, make)


def _h():
    from renderers import hostile
    return hostile


def _expected_doc() -> str:
    """Where LibreOffice is installed it tries and fails; where it is not, the file asks for it."""
    import shutil
    return "failed: corrupt" if shutil.which("soffice") or shutil.which("libreoffice") else "failed: needs_libreoffice"


DOCUMENT_CASES = [
    Case("empty", "an empty file", "failed: empty", filename="empty.pdf", make=lambda i: b""),
    Case("random_bytes", "200 KB of random bytes named .pdf", "failed: unsupported_format", filename="random.pdf",
         make=lambda i: _h().random_bytes(), says="named like a PDF"),
    Case("html_saved_as_pdf", "a portal's 404 page saved as .pdf", "failed: not_a_report", filename="report.pdf",
         make=lambda i: _h().html_error_page(), says="named like a PDF but the bytes are an HTML page"),
    Case("truncated_pdf", "a report PDF cut at two thirds", "failed: corrupt", filename="cut.pdf",
         make=lambda i: _h().truncated_pdf(i.fig["hulan-2023"]), says="truncated"),
    Case("encrypted_pdf", "a report PDF that needs a password", "failed: encrypted", filename="secret.pdf",
         make=lambda i: _h().encrypted_pdf(i.fig["hulan-2023"])),
    Case("corrupt_pdf", "a PDF header and %%EOF around noise", "failed: corrupt", filename="noise.pdf",
         make=lambda i: _h().corrupt_pdf()),
    Case("pdf_2000_pages", "a 2,000-page PDF", "failed: too_large", filename="long.pdf",
         make=lambda i: i.big("long.pdf", lambda: _h().many_pages_pdf(2000)), says="GKREPORTS_MAX_PDF_PAGES"),
    Case("pdf_deeply_nested", "a PDF whose metadata nests an array 100,000 deep", "failed: not_a_report",
         filename="nested.pdf", make=lambda i: _h().deeply_nested_pdf(100_000)),
    Case("pdf_ruled_maze", "a page ruled into 14,400 cells (table finding is super-linear)", "failed: timeout",
         filename="maze.pdf", make=lambda i: _h().ruled_maze_pdf(120), env={"GKREPORTS_EXTRACT_SECONDS": "2"},
         says="GKREPORTS_EXTRACT_SECONDS"),
    Case("docx_bomb_one_node", "1.6 MB DOCX, document.xml one 1.5 GB text node", "failed: too_large",
         filename="bomb1.docx", make=lambda i: i.big("bomb1.docx", lambda: _h().docx_bomb_one_node(i.fig["hulan-2023"]), keep=True),
         says="GKREPORTS_MAX_UNZIPPED_MB"),
    Case("docx_bomb_many_nodes", "480 KB DOCX of 4.5 million tiny paragraphs", "failed: too_large",
         filename="bomb2.docx", make=lambda i: i.big("bomb2.docx", lambda: _h().docx_bomb_many_nodes(i.fig["hulan-2023"])),
         says="nothing was inflated"),
    Case("docx_too_big_to_parse", "DOCX within the zip caps (60 MB of XML) that parses past 600 MB",
         "failed: too_large", filename="heavy.docx",
         make=lambda i: i.big("heavy.docx", lambda: _h().docx_heavy_within_caps(i.fig["hulan-2023"]), keep=True),
         env={"GKREPORTS_EXTRACT_MEMORY_MB": "600"}, says="GKREPORTS_EXTRACT_MEMORY_MB"),
    Case("docx_billion_laughs", "DOCX whose XML defines 10⁹ nested entities", "failed: corrupt",
         filename="laughs.docx", make=lambda i: _h().docx_billion_laughs(i.fig["hulan-2023"]), says="declares a DTD"),
    Case("docx_external_entity", "DOCX whose text is an entity naming file:///etc/hostname", "failed: corrupt",
         filename="xxe.docx", make=lambda i: _h().docx_external_entity(i.fig["hulan-2023"]), says="declares a DTD"),
    Case("html_100mb", "a 100 MB HTML page", "failed: too_large", filename="huge.html",
         make=lambda i: i.big("huge.html", lambda: _h().huge_html(i.fig["hulan-2023"])), says="GKREPORTS_MAX_HTML_MB"),
    Case("gbk_declared_utf8", "a report page in GBK that declares UTF-8", "ok", filename="gbk.html",
         make=lambda i: _h().gbk_declared_utf8(i.fig["hulan-2022"])),
    Case("utf8_declared_gbk", "a report page in UTF-8 that declares GB2312", "ok", filename="utf8.html",
         make=lambda i: _h().utf8_declared_gbk(i.fig["mulan-2022"])),
    Case("doc_unopenable", "a .doc LibreOffice cannot open", _expected_doc(), filename="broken.doc",
         make=lambda i: _h().doc_libreoffice_cannot_open()),
    Case("two_tables_three", "a report printing table 三 twice (the copy's numbers +1)", "ok", filename="twice.html",
         make=lambda i: _h().two_tables_three(i.fig["fangzheng-2023"]), says="printed twice; kept the first"),
    Case("not_a_report", "a news article (tree planting)", "failed: not_a_report", filename="news.html",
         make=lambda i: _h().not_a_report()),
]


# ------------------------------------------------------------------ network faults

def _fault_site():
    from demo_portals import DemoSite, Resource
    from renderers.pdf import render_pdf
    from renderers.common import FIGURES_DIR, load_figures
    pdf = render_pdf(load_figures(FIGURES_DIR / "hulan-2023.json"), "ruled")
    html = "text/html; charset=utf-8"
    return DemoSite({
        "/files/trickle.pdf": Resource(pdf[:600], "application/pdf", behaviour="trickle"),
        "/files/reset.pdf": Resource(pdf, "application/pdf", behaviour="reset"),
        "/loop/a.html": Resource(b"", html, status=302, headers={"Location": "/loop/b.html"}),
        "/loop/b.html": Resource(b"", html, status=302, headers={"Location": "/loop/a.html"}),
        "/away.pdf": Resource(b"", html, status=302, headers={"Location": "http://www.elsewhere.example/x.pdf"}),
        "/inside.pdf": Resource(b"", html, status=302, headers={"Location": f"http://{PRIVATE_HOST}/admin.pdf"}),
        "/files/huge.pdf": Resource(b"%PDF-1.4\n" + b"0" * (2 * MB), "application/pdf"),
        "/files/typed-as-html.pdf": Resource(pdf, html),
        "/files/gone.pdf": Resource("<html><body><h1>文件不存在</h1></body></html>".encode("utf-8"), html),
    }, [], {})


class Network:
    """A DemoServer playing a public portal host, and a Fetcher with limits small enough to test."""

    def __init__(self):
        import httpx

        from crawler.fetch import Fetcher, FetchSettings
        from demo_portals import DemoServer
        self.server = DemoServer(_fault_site(), trickle_seconds=1.0).start()
        # A byte a second never trips the 2 s read timeout; the 1.5 s cap on the whole download does.
        self.fetcher = Fetcher(FetchSettings(connect_timeout=1, read_timeout=2, attempts=2, backoff=0.05,
                                             max_bytes=1 * MB, max_seconds=1.5, max_redirects=5))
        self.fetcher.client = httpx.Client(transport=_Loopback(self.server.port), follow_redirects=False,
                                           headers={"User-Agent": self.fetcher.settings.user_agent},
                                           timeout=self.fetcher.client.timeout)
        self.fetcher.set_rate(PORTAL_HOST, 100)
        self.hosts = frozenset({PORTAL_HOST, PRIVATE_HOST})

    def get(self, path: str):
        import crawler.fetch as fetch
        real = fetch.is_private_host
        fetch.is_private_host = lambda host: False if host == PORTAL_HOST else real(host)  # it stands in for a public host
        try:
            return self.fetcher.fetch(f"http://{PORTAL_HOST}{path}", hosts=self.hosts, allow_private=False)
        finally:
            fetch.is_private_host = real

    def close(self):
        self.fetcher.close()
        self.server.close()


class _Loopback:
    """An httpx transport that sends every request to the demo server on 127.0.0.1, whatever its host: the
    fault cases name other hosts, and nothing may leave this machine even if a refusal failed."""

    def __init__(self, port: int):
        import httpx
        self.port = port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request):
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self):
        self.inner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _fetch(path: str):
    def run(net: Network) -> tuple[str, str]:
        got = net.get(path)
        return got.outcome, got.error or f"HTTP {got.status}, {len(got.body or b''):,} bytes"
    return run


def _judged(path: str):
    """Fetched, then judged by its bytes as the crawl judges an attachment."""
    def run(net: Network) -> tuple[str, str]:
        from crawler.crawl import PortalCrawl
        from extractors import sniff
        got = net.get(path)
        if got.outcome != "fetched":
            return got.outcome, got.error or ""
        problem = PortalCrawl._judge(got.final_url, got.body)
        if problem:
            return "error", problem
        return "fetched", f"Content-Type {got.content_type}; the bytes are {sniff(got.body)}"
    return run


NETWORK_CASES = [
    Case("trickle", "a server sending one byte a second", "error", "network", make=_fetch("/files/trickle.pdf"),
         says="took longer than 1.5 s"),
    Case("reset_mid_body", "the connection reset half-way through the body", "error", "network",
         make=_fetch("/files/reset.pdf"), says="network error"),
    Case("redirect_loop", "two pages redirecting to each other", "error", "network", make=_fetch("/loop/a.html"),
         says="more than 5 redirects"),
    Case("redirect_other_host", "a redirect to another host", "refused", "network", make=_fetch("/away.pdf"),
         says="not one of this portal's hosts"),
    Case("redirect_private", f"a redirect to a private address ({PRIVATE_HOST})", "refused", "network",
         make=_fetch("/inside.pdf"), says="private or loopback"),
    Case("huge_content_length", "a Content-Length of 2 MB over a 1 MB cap", "error", "network",
         make=_fetch("/files/huge.pdf"), says="exceeds the 1,048,576-byte limit"),
    Case("wrong_content_type", "a PDF served as text/html", "fetched", "network",
         make=_judged("/files/typed-as-html.pdf"), says="the bytes are pdf"),
    Case("html_error_page_for_pdf", "200 with an HTML error page for a .pdf", "error", "network",
         make=_judged("/files/gone.pdf"), says="an HTML page, not the PDF"),
]

CASES = DOCUMENT_CASES + NETWORK_CASES


# ------------------------------------------------------------------ running a case

def canonical_dump(con) -> dict[str, list[tuple]]:
    """Every base table's rows, ordered, without clock columns (TIMESTAMP: when a row was written)."""
    tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                        "'main' AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
    dump = {}
    for table in tables:
        columns = [c for c, kind in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND "
            "table_name = ? ORDER BY ordinal_position", [table]).fetchall() if not kind.startswith("TIMESTAMP")]
        listed = ", ".join(f'"{c}"' for c in columns)
        dump[table] = [tuple(map(_frozen, row)) for row in
                       con.execute(f'SELECT {listed} FROM "{table}" ORDER BY ALL').fetchall()]
    return dump


def _frozen(value):
    """Lists and structs as tuples, so that rows can be compared as sets."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


@contextlib.contextmanager
def settings(env: dict):
    """GKREPORTS_* variables set for the duration (the limits are read from the environment per document)."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class PeakSampler:
    """The largest resident size of this process's descendants while it runs."""

    def __init__(self, interval: float = 0.02):
        self.interval, self.peak_kb, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float | None:
        return self.peak_kb / 1024 if self.peak_kb else None

    def _run(self):
        while not self._stop.is_set():
            for pid in _descendants(os.getpid()):
                self.peak_kb = max(self.peak_kb, _rss_kb(pid))
            self._stop.wait(self.interval)


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/task/{current}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        out += kids
        todo += kids
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Bench:
    """What the cases share: inputs, a warehouse holding one report already, the network fixture."""

    def __init__(self, folder: Path, keep: Path | None = None):
        from gkreports.warehouse import connect, load_document
        from renderers.html import render_html
        self.inputs = Inputs(folder / "inputs", keep)
        self.con = connect(folder / "faults.duckdb")
        base = load_document(self.con, render_html(self.inputs.fig["daoli-2023"], "plain"), "daoli-2023.html")
        assert base.status == "ok", base
        self._network: Network | None = None

    @property
    def network(self) -> Network:
        if self._network is None:
            self._network = Network()
        return self._network

    def close(self):
        if self._network is not None:
            self._network.close()
        self.con.close()

    def run(self, case: Case) -> Observation:
        return self._document(case) if case.kind == "document" else self._fetch(case)

    def _document(self, case: Case) -> Observation:
        from gkreports.warehouse import document_id, load_document
        data = case.make(self.inputs)
        before = canonical_dump(self.con)
        with settings(case.env), PeakSampler() as sampler:
            started = time.perf_counter()
            result = load_document(self.con, data, case.filename)
            seconds = time.perf_counter() - started
        observed = result.status if result.status != "failed" else f"failed: {result.message.split(':', 1)[0]}"
        message = result.message
        if result.status in ("ok", "partial"):
            notes = self.con.execute("SELECT notes FROM documents WHERE document_id = ?", [result.document_id]).fetchone()
            message += "; " + "; ".join((notes[0] or [])[:2]) if notes and notes[0] else ""
        why = []
        if observed != case.expected:
            why.append(f"expected {case.expected}")
        if case.says and case.says not in message:
            why.append(f"message lacks {case.says!r}")
        changed = _changes(before, canonical_dump(self.con), document_id(data))
        if changed:
            why.append(f"changed what was there: {changed}")
        return Observation(case, observed, message, seconds, sampler.peak_mb, not why, "; ".join(why))

    def _fetch(self, case: Case) -> Observation:
        with PeakSampler() as sampler:
            started = time.perf_counter()
            outcome, message = case.make(self.network)
            seconds = time.perf_counter() - started
        why = []
        if outcome != case.expected:
            why.append(f"expected {case.expected}")
        if case.says and case.says not in message:
            why.append(f"message lacks {case.says!r}")
        return Observation(case, outcome, message, seconds, None, not why, "; ".join(why))


def _changes(before: dict, after: dict, doc_id: str) -> str:
    """Rows that disappeared, and rows added that belong to another document than the one loaded."""
    problems = []
    for table, rows in before.items():
        gone = set(rows) - set(after.get(table, []))
        if gone:
            problems.append(f"{table}: {len(gone)} rows changed or removed")
    for table, rows in after.items():
        added = set(rows) - set(before.get(table, []))
        foreign = [r for r in added if table not in ("regions",) and doc_id not in r]
        if foreign:
            problems.append(f"{table}: {len(foreign)} rows added for another document")
    return "; ".join(problems)


def format_table(observations: list[Observation]) -> str:
    header = ["case", "expected", "observed", "time", "peak memory", "pass"]
    rows = [header] + [o.row() for o in observations]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    parser.add_argument("--cache", type=Path, help="keep the slow-to-make inputs here between runs")
    parser.add_argument("--messages", action="store_true", help="print each case's recorded message too")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if not args.only or c.name in args.only]
    with tempfile.TemporaryDirectory(prefix="gkreports-faults-") as tmp:
        bench = Bench(Path(tmp), args.cache)
        observations = []
        try:
            for case in cases:
                observations.append(bench.run(case))
                print(f"  {case.name}: {observations[-1].observed} ({observations[-1].seconds:.2f} s)",
                      file=sys.stderr, flush=True)
        finally:
            bench.close()
    print(format_table(observations))
    if args.messages:
        for o in observations:
            print(f"\n{o.case.name} — {o.case.what}:\n  {o.message}")
    return 0 if all(o.passed for o in observations) else 1


if __name__ == "__main__":
    sys.exit(main())
