"""The crawler against the demo portals on a real HTTP server (127.0.0.1): every family's reports found
(exact), no look-alike, robots.txt obeyed, per-host spacing, errors recorded, re-runs conditional and idempotent."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from demo_portals.verify import pictures_of

from crawler.archive import RawArchive
from crawler.crawl import crawl_portal
from crawler.fetch import Fetcher, FetchSettings
from crawler.registry import parse_registry
from crawler.store import CrawlStore
from demo_portals import DemoServer, build_demo
from gkreports.warehouse import connect, load_archived

SETTINGS = FetchSettings(read_timeout=4.0, backoff=0.05)  # the demo's slow attachment (2 s) arrives


@pytest.fixture(scope="module")
def site():
    return build_demo()


@pytest.fixture(scope="module")
def server(site):
    with DemoServer(site, slow_seconds=1.0) as srv:
        yield srv


def crawl(server, site, db, archive, keys=None, load=True):
    """One crawl of the demo portals (all, or those keyed), then the load: what the nightly flow composes."""
    portals = parse_registry(site.registry_toml(server.base_url), "demo")
    if keys is not None:
        codes = {site.portal(k).region_code for k in keys}
        portals = [p for p in portals if p.region_code in codes]
    con = connect(db)
    fetcher, store = Fetcher(SETTINGS), CrawlStore(con)
    run_id = store.start_run("demo", len(portals))
    summaries = [crawl_portal(p, fetcher, RawArchive(archive), store, run_id) for p in portals]
    loads = []
    if load:
        loads = load_archived(con, [(d.url, d.sha256, {src: sha for src, (_, sha) in d.images.items()})
                                    for s in summaries for d in s.found_documents], RawArchive(archive).get)
    store.finish_run(run_id)
    fetcher.close()
    con.close()
    return summaries, loads


@pytest.fixture(scope="module")
def first_run(server, site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    start = len(server.requests)
    summaries, loads = crawl(server, site, tmp / "w.duckdb", tmp / "raw")
    return {"summaries": {s.region_code: s for s in summaries}, "loads": loads, "tmp": tmp,
            "requests": server.requests[start:]}


def linked_path(site, path: str) -> str:
    """The URL path a page links for a document: a Hanweb downfile.jsp link that redirects to the file is
    recorded under the link (the page's own name for it), not the redirect's target."""
    for link, res in site.resources.items():
        if res.status in (301, 302) and res.headers.get("Location") == path:
            return link
    return path


FAMILY_OF = {"hulan": "heilongjiang", "daoli": "heilongjiang", "trs": "trs", "gbk": "trs", "hanweb": "hanweb",
             "gkmlpt": "gkmlpt", "hostile": "generic"}


@pytest.mark.parametrize("key", list(FAMILY_OF))
def test_every_report_of_each_family_is_found_and_no_lookalike(first_run, site, server, key):
    portal = site.portal(key)
    summary = first_run["summaries"][portal.region_code]
    assert summary.family == FAMILY_OF[key]
    found = {d.url for d in summary.found_documents}
    expected = {server.base_url + linked_path(site, e.path) for e in portal.expected}
    assert found == expected
    assert len(summary.found_documents) == len(portal.expected)
    lookalikes = {server.base_url + p for p in portal.lookalikes}
    assert not found & lookalikes
    fetched = {server.base_url + r.path for r in first_run["requests"]}
    assert not fetched & lookalikes  # look-alike articles are never even requested


@pytest.mark.parametrize("key", list(FAMILY_OF))
def test_documents_carry_their_provenance(first_run, site, server, key):
    portal = site.portal(key)
    by_url = {d.url: d for d in first_run["summaries"][portal.region_code].found_documents}
    for e in portal.expected:
        doc = by_url[server.base_url + linked_path(site, e.path)]
        assert (doc.title_year, doc.publisher_kind, doc.published) == (e.year, e.publisher_kind, e.published), e.path
        assert doc.kind == ("article" if e.path == e.article_path else "attachment")
        if doc.kind == "attachment" and e.path != e.article_path:
            assert doc.article_url == server.base_url + e.article_path
        assert doc.referrer is not None


def test_robots_disallowed_paths_are_never_requested(first_run, site):
    disallowed = [p for portal in site.portals for p in portal.disallowed]
    assert disallowed
    assert not [r.path for r in first_run["requests"] if any(r.path.startswith(d) for d in disallowed)]
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    logged = con.execute("SELECT count(*) FROM crawl_log WHERE outcome = 'disallowed'").fetchone()[0]
    assert logged >= 1


def test_the_dead_pre_migration_host_is_never_requested(first_run):
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM crawl_log WHERE url LIKE '%harbin.gov.cn%'").fetchone()[0] == 0


def test_loads_give_each_expected_outcome(first_run, site, server):
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    status = dict(con.execute("SELECT source, coalesce(error_reason, status) FROM documents").fetchall())
    reason = {"ok": {"ok", "superseded", "alternate"}, "needs_ocr": {"needs_ocr"},
              "corrupt": {"corrupt"}, "pre2019": {"ok", "pre2019", "table_not_found", "not_a_report"}}
    for portal in site.portals:
        for e in portal.expected:
            assert status[server.base_url + linked_path(site, e.path)] in reason[e.outcome], e.path


def test_report_values_come_from_the_figures(first_run, site, server):
    """Every cell of every report loaded from a crawled document equals its figures file."""
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    checked = 0
    for portal in site.portals:
        for e in portal.expected:
            if e.outcome != "ok" or not e.figures:
                continue
            fig = site.figures[e.figures]
            got = {(t, r, c): v for t, r, c, v in con.execute(
                "SELECT table_name, row_name, column_name, value FROM document_facts f JOIN documents d"
                " USING (document_id) WHERE d.source = ?", [server.base_url + linked_path(site, e.path)]).fetchall()}
            want = {(c["table"], c["row"], c["column"]): (None if c["value"] is None else float(c["value"]))
                    for c in fig["cells"]}
            assert got == want, e.path
            checked += 1
    assert checked >= 20


def test_errors_are_recorded_with_url_and_reason(first_run):
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    rows = con.execute("SELECT url, outcome, status, error FROM crawl_log WHERE outcome NOT IN"
                       " ('fetched', 'not_modified') ORDER BY url").fetchall()
    outcomes = {(o, (e or "").split(":")[0]) for _, o, _, e in rows}
    assert ("blocked", "HTTP 412") in outcomes  # the JavaScript challenge
    assert ("error", "HTTP 404") in outcomes
    assert ("error", "the server answered with an HTML page, not the PDF the link names") in outcomes
    assert ("refused", "www.gd.gov.cn is not one of this portal's hosts (127.0.0.1") in {
        (o, e.split(")")[0]) for o, e in outcomes}
    assert any(o == "error" and e.startswith("timeout") or e.startswith("network error") for o, e in outcomes)


def test_an_unchanged_second_run_sends_only_conditional_requests(first_run, site, server):
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    before = con.execute("SELECT * FROM documents ORDER BY ALL").fetchall(), \
        con.execute("SELECT * FROM fact_applications ORDER BY ALL").fetchall()
    con.close()
    start = len(server.requests)  # the portals are unchanged: faults that fired once stay quiet
    summaries, loads = crawl(server, site, first_run["tmp"] / "w.duckdb", first_run["tmp"] / "raw")
    requests = server.requests[start:]
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    had = {u for (u,) in con.execute("SELECT DISTINCT url FROM crawl_log WHERE outcome = 'fetched' AND run_id = 1"
                                     " AND status = 200 AND sha256 IS NOT NULL").fetchall()}
    con.close()
    ours = [r for r in requests if server.base_url + r.path in had and not r.path.endswith("robots.txt")]
    unconditional = [r.path for r in ours
                     if not {k.lower() for k in r.headers} & {"if-none-match", "if-modified-since"}]
    assert len(ours) >= 40 and unconditional == []
    # Hanweb's downfile.jsp redirects to its file; a cookie challenge asks each new crawl for its cookie first.
    assert {r.status for r in ours} == {302, 304, 412}
    challenged = {r.path for r in ours if r.status == 412}
    assert {site.resources[p].behaviour for p in challenged} == {"challenge_412"}
    assert all(any(r.path == p and r.status == 304 for r in ours) for p in challenged)
    targets = {res.headers["Location"] for res in site.resources.values() if res.status == 302}
    assert {r.status for r in requests if r.path in targets} == {304}
    assert sum(s.new for s in summaries) == 0
    assert {r.status for r in loads} == {"unchanged"}  # nothing extracted again
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    after = con.execute("SELECT * FROM documents ORDER BY ALL").fetchall(), \
        con.execute("SELECT * FROM fact_applications ORDER BY ALL").fetchall()
    assert after == before


def _dump(db) -> dict:
    """The warehouse's content, without run ids and clock times."""
    con = duckdb.connect(str(db), read_only=True)
    out = {
        "documents": con.execute("SELECT document_id, source, status, publisher, year, error_reason FROM documents"
                                 " ORDER BY ALL").fetchall(),
        "reports": con.execute("SELECT report_key, document_id FROM reports ORDER BY ALL").fetchall(),
        "facts": con.execute("SELECT * FROM facts ORDER BY ALL").fetchall(),
        "sources": con.execute("SELECT url, kind, sha256, publisher_kind, published FROM source_documents"
                               " ORDER BY ALL").fetchall(),
        "versions": con.execute("SELECT url, sha256 FROM document_versions ORDER BY ALL").fetchall(),
    }
    con.close()
    return out


def test_a_crash_between_crawl_and_load_then_a_rerun_gives_the_clean_warehouse(first_run, site, server, tmp_path):
    server.reset_faults()
    crawl(server, site, tmp_path / "w.duckdb", tmp_path / "raw", keys=["trs", "hanweb"], load=False)  # "crash"
    server.reset_faults()
    crawl(server, site, tmp_path / "w.duckdb", tmp_path / "raw", keys=["trs", "hanweb"])
    server.reset_faults()
    crawl(server, site, tmp_path / "clean.duckdb", tmp_path / "raw2", keys=["trs", "hanweb"])
    assert _dump(tmp_path / "w.duckdb") == _dump(tmp_path / "clean.duckdb")
    raw = list((tmp_path / "raw").rglob("*"))
    assert not [p for p in raw if p.name.startswith(".part-")]  # no partial file left in the archive


def test_a_changed_report_keeps_both_versions(site, server, tmp_path):
    portal = site.portal("daoli")
    e = next(x for x in portal.expected if x.media == "html" and x.outcome == "ok")
    crawl(server, site, tmp_path / "w.duckdb", tmp_path / "raw", keys=["daoli"])
    resource = site.resources[e.path]
    original = resource.body
    try:
        resource.body = original.replace("</body>".encode(), "<p>更正说明</p></body>".encode())
        crawl(server, site, tmp_path / "w.duckdb", tmp_path / "raw", keys=["daoli"])
    finally:
        resource.body = original
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    versions = con.execute("SELECT count(*), count(DISTINCT sha256) FROM document_versions WHERE url = ?",
                           [server.base_url + e.path]).fetchone()
    assert versions == (2, 2)
    statuses = sorted(r[0] for r in con.execute(
        "SELECT d.status FROM document_versions v JOIN documents d ON d.document_id = v.sha256 WHERE v.url = ?",
        [server.base_url + e.path]).fetchall())
    assert statuses == ["ok", "superseded"]


def test_an_image_only_article_is_archived_with_its_pictures(first_run, site, server):
    con = duckdb.connect(str(first_run["tmp"] / "w.duckdb"), read_only=True)
    pictures = [e for p in site.portals for e in p.expected if e.outcome in ("needs_ocr", "ocr")
                or (e.media == "html" and pictures_of(site, e.path))]
    assert pictures
    archive = first_run["tmp"] / "raw"
    for e in pictures:
        rows = con.execute("SELECT src, image_url, sha256 FROM document_images WHERE url = ? ORDER BY src",
                           [server.base_url + e.path]).fetchall()
        page = site.resources[e.path].body.decode("utf-8", "replace")
        assert len(rows) >= 1
        for src, image_url, sha in rows:
            assert (archive / sha[:2] / sha).is_file()
            assert image_url.startswith(server.base_url) and src in page
    logged = con.execute("SELECT count(*) FROM crawl_log WHERE purpose = 'image' AND outcome = 'fetched'").fetchone()[0]
    assert logged >= len(pictures)
    # Articles that print their tables bring no pictures along.
    assert con.execute("SELECT count(DISTINCT url) FROM document_images").fetchone()[0] == len(pictures)


CHILD = """
import sys
from pathlib import Path
from crawler.archive import RawArchive
from crawler.crawl import crawl_portal
from crawler.fetch import Fetcher
from crawler.registry import parse_registry
from crawler.store import CrawlStore
from gkreports.warehouse import connect, load_archived
db, raw, registry = sys.argv[1], sys.argv[2], Path(sys.argv[3]).read_text(encoding="utf-8")
con = connect(db)
store, fetcher, archive = CrawlStore(con), Fetcher(), RawArchive(raw)
run_id = store.start_run("demo", 2)
found = [d for p in parse_registry(registry) for d in crawl_portal(p, fetcher, archive, store, run_id).found_documents]
load_archived(con, [(d.url, d.sha256) for d in found], archive.get)
"""


@pytest.mark.parametrize("kill_after", [8, 24])
def test_a_crawl_killed_mid_way_then_rerun_gives_the_clean_warehouse(site, server, tmp_path, kill_after):
    """SIGKILL while the crawl is fetching (after N requests reach the server), rerun, compare."""
    import os
    import signal
    import subprocess
    import sys
    import time
    keys = ["trs", "hanweb"]  # no picture to OCR: the crash tests are about the crawl
    registry = tmp_path / "portals.toml"
    registry.write_text("\n".join(site.portal(k).toml(server.base_url) for k in keys), encoding="utf-8")
    server.reset_faults()
    start = len(server.requests)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "w.duckdb"), str(tmp_path / "raw"),
                              str(registry)], cwd=str(Path(__file__).resolve().parent.parent))
    deadline = time.monotonic() + 60
    while len(server.requests) - start < kill_after and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert child.poll() is None, "the crawl finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    server.reset_faults()
    crawl(server, site, tmp_path / "w.duckdb", tmp_path / "raw", keys=keys)
    server.reset_faults()
    crawl(server, site, tmp_path / "clean.duckdb", tmp_path / "raw2", keys=keys)
    assert _dump(tmp_path / "w.duckdb") == _dump(tmp_path / "clean.duckdb")
    assert not [p for p in (tmp_path / "raw").rglob(".part-*")]  # a killed write's leftover is swept
    assert not [p for p in (tmp_path / "raw").rglob("*") if p.is_file() and p.parent.name != p.name[:2]]
