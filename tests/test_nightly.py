"""The nightly Prefect flow over the demo portals, its deployment (cron, Asia/Shanghai), and its exit codes."""
from __future__ import annotations

import duckdb
import pytest

from demo_portals import DemoServer, build_demo
from flows.nightly import NIGHTLY_CRON, NIGHTLY_TIMEZONE, deployment, main, nightly


@pytest.fixture(scope="module")
def demo():
    site = build_demo()
    with DemoServer(site, slow_seconds=0.5) as server:
        yield site, server


def test_the_deployment_is_a_nightly_cron_in_beijing_time(prefect_harness):
    from prefect.client.orchestration import get_client
    deployment_id = deployment("nightly-test").apply()
    with get_client(sync_client=True) as client:
        registered = client.read_deployment(deployment_id)
    assert registered.name == "nightly-test"
    assert registered.entrypoint == "flows/nightly.py:nightly"
    assert [(s.schedule.cron, s.schedule.timezone, s.active) for s in registered.schedules] == \
        [(NIGHTLY_CRON, NIGHTLY_TIMEZONE, True)] == [("30 2 * * *", "Asia/Shanghai", True)]


def test_the_nightly_flow_crawls_loads_and_checks_then_reruns_unchanged(prefect_harness, demo, tmp_path):
    site, server = demo
    # Four families, 25 documents, none that needs OCR: the flow's composition is under test here.
    registry = "\n".join(site.portal(k).toml(server.base_url) for k in ("trs", "gbk", "hanweb", "gkmlpt"))
    db, raw = str(tmp_path / "w.duckdb"), str(tmp_path / "raw")
    first = nightly("demo", db, raw, registry_text=registry)
    expected = sum(len(site.portal(k).expected) for k in ("trs", "gbk", "hanweb", "gkmlpt"))
    assert sum(s.documents for s in first.portals) == expected
    assert sum(s.new for s in first.portals) == expected
    assert {c.id for c in first.checks} >= {"T3-1", "T3-2", "T3-3", "T4-1", "C-1", "C-2"}
    assert all(c.failed == 0 for c in first.checks if c.severity == "error")
    con = duckdb.connect(db, read_only=True)
    loaded = con.execute("SELECT count(*) FROM documents WHERE status IN ('ok', 'superseded', 'alternate')"
                         " AND source LIKE 'http://127.0.0.1:%'").fetchone()[0]
    before = con.execute("SELECT * FROM facts ORDER BY ALL").fetchall()
    con.close()
    assert loaded >= 10
    start = len(server.requests)
    again = nightly("demo", db, raw, registry_text=registry)  # report pages and files were checked just now
    assert sum(s.new for s in again.portals) == 0
    assert {r.status for r in again.loads} == {"unchanged"}
    assert sum(s.fresh for s in again.portals) >= expected  # taken from the archive, unasked
    assert sum(s.documents for s in again.portals) == expected
    asked = server.requests[start:]
    lists = sum(s.list_pages for s in again.portals)
    assert 0 < len(asked) <= lists + 8  # the list pages (and a cookie challenge, robots.txt), nothing else
    assert sum(s.requests["not_modified"] for s in again.portals) >= lists - 1
    # Every report page and file asked for again, conditionally, when asked for every run (0 days) ...
    every = nightly("demo", db, raw, registry_text=registry, recheck=0)
    assert sum(s.fresh for s in every.portals) == 0
    assert sum(s.requests["not_modified"] for s in every.portals) >= lists + expected
    assert {r.status for r in every.loads} == {"unchanged"}
    # ... or once their last check is more than twice the window old.
    con = duckdb.connect(db)
    con.execute("UPDATE crawl_log SET fetched_at = fetched_at - INTERVAL 15 DAY")
    con.close()
    due = nightly("demo", db, raw, registry_text=registry, recheck=7)
    assert sum(s.fresh for s in due.portals) == 0
    assert sum(s.requests["not_modified"] for s in due.portals) >= lists + expected
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT * FROM facts ORDER BY ALL").fetchall() == before
    assert con.execute("SELECT count(*), count(finished_at) FROM crawl_runs").fetchone() == (4, 4)


def test_one_dead_portal_does_not_fail_the_run_but_nothing_done_does(prefect_harness, demo, tmp_path, capsys):
    site, server = demo
    dead = ('[[portal]]\nregion_code = "230102"\nregion_name = "道里区"\nallow_private = true\n'
            'base_url = "http://127.0.0.1:9/www.hrbdl.gov.cn/"\nentries = ["http://127.0.0.1:9/www.hrbdl.gov.cn/x.shtml"]\n')
    live = site.portal("gbk").toml(server.base_url)
    (tmp_path / "mixed.toml").write_text(live + "\n" + dead, encoding="utf-8")
    (tmp_path / "dead.toml").write_text(dead, encoding="utf-8")
    args = ["--db", str(tmp_path / "w.duckdb"), "--archive", str(tmp_path / "raw")]
    assert main(["--registry", str(tmp_path / "mixed.toml")] + args) == 0
    out = capsys.readouterr().out
    assert "110105 朝阳区" in out and "230102 道里区" in out and "network error" in out
    assert main(["--registry", str(tmp_path / "dead.toml")] + args) == 1
    assert main(["--registry", str(tmp_path / "mixed.toml"), "--only", "999999"] + args) == 2


def test_the_nightly_flow_on_dask_loads_what_it_loads_on_this_machine(prefect_harness, demo, tmp_path):
    pytest.importorskip("prefect_dask", reason="prefect-dask is not installed")
    site, server = demo
    registry = "\n".join(site.portal(k).toml(server.base_url) for k in ("trs", "hanweb"))
    seen = []
    for where in (None, "local:1"):
        db = str(tmp_path / f"{where or 'here'}.duckdb".replace(":", "-"))
        result = nightly("demo", db, str(tmp_path / "raw"), registry_text=registry, check=False, dask=where, batch=4)
        assert {s.stage for s in result.spans} >= {"crawl", "extract", "load"}
        con = duckdb.connect(db, read_only=True)
        seen.append((con.execute("SELECT * EXCLUDE (loaded_at) FROM documents ORDER BY ALL").fetchall(),
                     con.execute("SELECT * FROM facts ORDER BY ALL").fetchall()))
        con.close()
    assert seen[0] == seen[1] and len(seen[0][0]) == sum(len(site.portal(k).expected) for k in ("trs", "hanweb"))


def test_the_longest_crawls_start_first_and_new_portals_before_them():
    from crawler.registry import parse_registry
    from flows.nightly import crawl_order
    site = build_demo()
    portals = parse_registry(site.registry_toml("http://127.0.0.1:1"), "demo")[:4]
    codes = [p.region_code for p in portals]
    assert len(set(codes)) == 4
    last = {codes[0]: 10, codes[1]: 300, codes[3]: 40}  # codes[2] was never crawled
    assert crawl_order(portals, last) == [2, 1, 3, 0]
    assert crawl_order(portals, {}) == [0, 1, 2, 3]


def test_portals_are_crawled_as_many_at_once_as_asked_and_longest_first_again(prefect_harness, demo, tmp_path):
    from crawler.store import CrawlStore
    from gkreports.warehouse import connect
    site, server = demo
    keys = ("trs", "gbk", "hanweb", "gkmlpt")
    registry = "\n".join(site.portal(k).toml(server.base_url) for k in keys)
    db, raw = str(tmp_path / "w.duckdb"), str(tmp_path / "raw")

    def most_at_once(result) -> int:
        spans = [s for s in result.spans if s.stage == "crawl"]
        return max(sum(1 for o in spans if o.start <= s.start < o.end) for s in spans)

    one = nightly("demo", db, raw, registry_text=registry, check=False, concurrent=1)
    assert most_at_once(one) == 1
    con = connect(db)
    last = CrawlStore(con).last_requests()
    con.close()
    assert last == {s.region_code: sum(s.requests.values()) for s in one.portals}
    assert len(last) == 4
    every = nightly("demo", db, raw, registry_text=registry, check=False, concurrent=4)
    assert most_at_once(every) == 4  # all four portals crawl side by side
    assert [s.region_code for s in every.portals] == [site.portal(k).region_code for k in keys]  # registry order


def test_a_document_falls_due_between_the_window_and_twice_it_spread_by_its_url():
    from datetime import datetime, timedelta
    from crawler.crawl import due
    checked = datetime(2026, 1, 1, 3, 0)
    urls = [f"http://www.example.gov.cn/art/{i}.html" for i in range(400)]
    days = []
    for url in urls:
        assert due(url, checked, 0, now=checked)  # 0 days: always asked
        assert not due(url, checked, 7, now=checked + timedelta(days=7) - timedelta(seconds=1))
        assert due(url, checked, 7, now=checked + timedelta(days=14))
        days.append(next(d for d in range(7, 15) if due(url, checked, 7, now=checked + timedelta(days=d))))
    assert {d: days.count(d) for d in range(8, 15)} == {d: days.count(d) for d in set(days) if d > 7}
    assert all(30 <= days.count(d) <= 90 for d in range(8, 15))  # spread over the week, no night takes them all
