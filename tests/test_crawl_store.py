"""The crawl store buffers requests and documents and writes them in bulk: the tables end up exactly as writing
each row at once left them, new_version is answered across runs and within one, flushes happen by themselves
(500 rows, a second) and write nothing twice."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

import crawler.store as store_module
from crawler.fetch import Fetched
from crawler.store import FLUSH_ROWS, CrawlStore, FoundDocument

SCHEMA = (Path(__file__).resolve().parent.parent / "sql" / "schema.sql").read_text(encoding="utf-8")
TABLES = ["crawl_runs", "crawl_log", "document_versions", "document_images", "source_documents"]
T0 = datetime(2024, 3, 1, 2, 30)
A = "http://www.example.gov.cn/art/2024/1/15/art_1.html"
B = "http://www.example.gov.cn/module/download/downfile.jsp?filename=report.pdf"
C = "http://www.example.gov.cn/art/2024/2/1/art_2.html"
LIST = "http://www.example.gov.cn/col/col1/index.html"


def _warehouse():
    con = duckdb.connect()
    con.execute(SCHEMA)
    return con


def _dump(con) -> dict:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def _t(n: int) -> datetime:
    return T0 + timedelta(seconds=n)


@pytest.fixture
def clock(monkeypatch):
    """_now() gives T0, T0+1 s, T0+2 s, … (reset() starts again), so that two warehouses get the same times."""
    ticks = SimpleNamespace(n=0)

    def now():
        ticks.n += 1
        return _t(ticks.n - 1)

    monkeypatch.setattr(store_module, "_now", now)
    return SimpleNamespace(reset=lambda: setattr(ticks, "n", 0))


class RowByRow:
    """What the store wrote before it buffered: each request and each document at once (the reference)."""

    def __init__(self, con):
        self.con = con

    def start_run(self, registry, portals):
        run_id = self.con.execute("SELECT nextval('crawl_run_seq')").fetchone()[0]
        self.con.execute("INSERT INTO crawl_runs VALUES (?, ?, NULL, ?, ?)",
                         [run_id, store_module._now(), registry, portals])
        return run_id

    def finish_run(self, run_id):
        self.con.execute("UPDATE crawl_runs SET finished_at = ? WHERE run_id = ?", [store_module._now(), run_id])

    def log(self, run_id, region_code, got, referrer, purpose, sha256):
        self.con.execute(
            "INSERT INTO crawl_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [run_id, region_code, got.url, got.final_url, referrer, purpose, got.outcome, got.status,
             len(got.body) if got.body is not None and got.outcome == "fetched" else None, sha256,
             got.content_type, got.etag, got.last_modified, got.attempts, round(got.elapsed, 4),
             round(got.waited, 4), got.fetched_at, got.error])

    def found(self, doc):
        now = store_module._now()
        seen = self.con.execute("SELECT 1 FROM document_versions WHERE url = ? AND sha256 = ?",
                                [doc.url, doc.sha256]).fetchone()
        if seen:
            self.con.execute("UPDATE document_versions SET last_seen = ? WHERE url = ? AND sha256 = ?",
                             [now, doc.url, doc.sha256])
        else:
            self.con.execute("INSERT INTO document_versions VALUES (?, ?, ?, ?)", [doc.url, doc.sha256, now, now])
        doc.new_version = not seen
        for src, (image_url, sha) in doc.images.items():
            self.con.execute("INSERT INTO document_images VALUES (?, ?, ?, ?) ON CONFLICT (url, src) DO UPDATE"
                             " SET image_url = excluded.image_url, sha256 = excluded.sha256",
                             [doc.url, src, image_url, sha])
        self.con.execute(
            "INSERT INTO source_documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET"
            " region_code = excluded.region_code, kind = excluded.kind, article_url = excluded.article_url,"
            " referrer = excluded.referrer, list_title = excluded.list_title,"
            " title_year = excluded.title_year, publisher_kind = excluded.publisher_kind,"
            " published = excluded.published, site_id_code = excluded.site_id_code,"
            " sha256 = excluded.sha256, last_seen = excluded.last_seen",
            [doc.url, doc.region_code, doc.kind, doc.article_url, doc.referrer, doc.list_title,
             doc.title_year, doc.publisher_kind, doc.published, doc.site_id_code, doc.sha256, now, now])
        return doc


def _got(url, outcome="fetched", status=200, body=b"<html>", n=0, **kw) -> Fetched:
    return Fetched(url, kw.pop("final_url", url), outcome, status, body, fetched_at=_t(100 + n), **kw)


def _doc(url, sha, kind="article", images=None, title="某区2023年政府信息公开工作年度报告", published="2024-01-15",
         **kw) -> FoundDocument:
    return FoundDocument(url, "230111", kind, sha, kw.get("article_url"), LIST, title, kw.get("title_year", 2023),
                         "government", published, kw.get("site_id_code", "2301110001"), images=images or {})


def _requests(run_id: int, n: int) -> list[tuple]:
    """Requests of every outcome, with and without the optional fields (log's arguments)."""
    return [
        (run_id, "230111", _got("http://www.example.gov.cn/robots.txt", body=b"User-agent: *", n=n,
                                content_type="text/plain", etag='"r1"', attempts=1, elapsed=0.123456), None,
         "robots", "aa" * 32),
        (run_id, "230111", _got(LIST, n=n + 1, content_type="text/html; charset=utf-8",
                                last_modified="Mon, 15 Jan 2024 08:00:00 GMT", attempts=2, elapsed=1.5, waited=0.25),
         None, "list", "bb" * 32),
        (run_id, "230111", _got(A, "not_modified", 304, None, n=n + 2, attempts=1), LIST, "article", "cc" * 32),
        (run_id, "230111", _got(B, "error", 503, b"busy", n=n + 3, attempts=3, error="HTTP 503",
                                final_url="http://www.example.gov.cn/report.pdf"), A, "attachment", None),
        (run_id, "230111", _got("http://elsewhere.example.com/x", "refused", None, None, n=n + 4,
                                error="host not allowed"), LIST, "article", None),
    ]


def _play(store) -> list[bool]:
    """Two runs: requests, and documents found again, changed, with pictures; the new_version answers."""
    answers = []
    run = store.start_run("registry.toml", 1)
    for args in _requests(run, 0):
        store.log(*args)
    images = {"t2.png": ("http://www.example.gov.cn/img/t2.png", "d1" * 32),
              "t3.png": ("http://www.example.gov.cn/img/t3.png", "d2" * 32)}
    answers.append(store.found(_doc(A, "a1" * 32, images=images)).new_version)                 # t1
    answers.append(store.found(_doc(B, "b1" * 32, "attachment", article_url=A)).new_version)   # t2
    answers.append(store.found(_doc(A, "a2" * 32, images={"t2.png": ("http://www.example.gov.cn/img/t2b.png",
                                                                     "d3" * 32)})).new_version)  # t3
    answers.append(store.found(_doc(A, "a1" * 32)).new_version)                                # t4
    answers.append(store.found(_doc(B, "b1" * 32, "attachment", article_url=A, title="改过的标题", published=None,
                                    title_year=None, site_id_code=None)).new_version)          # t5
    store.finish_run(run)                                                                      # t6
    run = store.start_run("registry.toml", 1)                                                  # t7
    for args in _requests(run, 10):
        store.log(*args)
    answers.append(store.found(_doc(A, "a1" * 32)).new_version)                                # t8
    answers.append(store.found(_doc(C, "c1" * 32)).new_version)                                # t9
    answers.append(store.found(_doc(A, "a3" * 32, images={"t3.png": ("http://www.example.gov.cn/img/t3.png",
                                                                     "d4" * 32)})).new_version)  # t10
    answers.append(store.found(_doc(A, "a3" * 32)).new_version)                                # t11
    store.finish_run(run)                                                                      # t12
    return answers


_EXPECTED: list[tuple[list[bool], dict]] = []


def _expected(clock) -> tuple[list[bool], dict]:
    """The reference's answers and tables (computed once)."""
    if not _EXPECTED:
        con = _warehouse()
        clock.reset()
        _EXPECTED.append((_play(RowByRow(con)), _dump(con)))
    return _EXPECTED[0]


@pytest.mark.parametrize("flush_rows", [1, 7, FLUSH_ROWS])
def test_the_tables_are_exactly_what_writing_each_row_at_once_left(clock, flush_rows):
    answers, expected = _expected(clock)
    con = _warehouse()
    clock.reset()
    assert _play(CrawlStore(con, flush_rows=flush_rows, flush_seconds=1e9)) == answers
    assert _dump(con) == expected
    # The reference itself, spelled out where it matters most.
    assert answers == [True, True, True, False, False, False, True, True, False]
    assert con.execute("SELECT url, sha256, first_seen, last_seen FROM document_versions ORDER BY url, first_seen"
                       ).fetchall() == [(A, "a1" * 32, _t(1), _t(8)), (A, "a2" * 32, _t(3), _t(3)),
                                        (A, "a3" * 32, _t(10), _t(11)), (C, "c1" * 32, _t(9), _t(9)),
                                        (B, "b1" * 32, _t(2), _t(5))]
    assert con.execute("SELECT url, src, image_url, sha256 FROM document_images ORDER BY ALL").fetchall() == [
        (A, "t2.png", "http://www.example.gov.cn/img/t2b.png", "d3" * 32),
        (A, "t3.png", "http://www.example.gov.cn/img/t3.png", "d4" * 32)]
    assert con.execute("SELECT url, list_title, title_year, published, site_id_code, sha256, first_seen, last_seen"
                       " FROM source_documents ORDER BY url").fetchall() == [
        (A, "某区2023年政府信息公开工作年度报告", 2023, datetime(2024, 1, 15).date(), "2301110001", "a3" * 32,
         _t(1), _t(11)),
        (C, "某区2023年政府信息公开工作年度报告", 2023, datetime(2024, 1, 15).date(), "2301110001", "c1" * 32,
         _t(9), _t(9)),
        (B, "改过的标题", None, None, None, "b1" * 32, _t(2), _t(5))]  # C's path sorts before B's
    assert con.execute("SELECT count(*), count(DISTINCT run_id), sum(bytes), sum(seconds) FROM crawl_log"
                       ).fetchone() == (10, 2, 2 * (len(b"User-agent: *") + len(b"<html>")), 2 * (0.1235 + 1.5))
    assert con.execute("SELECT run_id, started_at, finished_at FROM crawl_runs ORDER BY 1").fetchall() == [
        (1, _t(0), _t(6)), (2, _t(7), _t(12))]


def test_new_version_within_one_run_is_answered_before_any_flush(clock):
    con = _warehouse()
    store = CrawlStore(con, flush_seconds=1e9)
    run = store.start_run("r", 1)
    assert [store.found(_doc(url, sha)).new_version for url, sha in
            [(A, "1"), (A, "1"), (B, "1"), (A, "2"), (A, "1"), (B, "2"), (B, "2")]] == \
        [True, False, True, True, False, True, False]
    assert con.execute("SELECT count(*) FROM document_versions").fetchone()[0] == 0  # all still waiting
    store.finish_run(run)
    assert con.execute("SELECT url, sha256 FROM document_versions ORDER BY ALL").fetchall() == [
        (A, "1"), (A, "2"), (B, "1"), (B, "2")]
    # The next run (a new store) knows them from the table.
    store = CrawlStore(con, flush_seconds=1e9)
    assert [store.found(_doc(url, sha)).new_version for url, sha in [(A, "2"), (B, "3"), (B, "3")]] == \
        [False, True, False]


def test_a_flush_happens_by_itself_at_500_rows_and_writes_nothing_twice(clock):
    assert FLUSH_ROWS == 500
    con = _warehouse()
    store = CrawlStore(con, flush_seconds=1e9)  # the count alone
    run = store.start_run("r", 1)
    count = lambda: con.execute("SELECT count(*) FROM crawl_log").fetchone()[0]  # noqa: E731
    for i in range(499):
        store.log(run, "230111", _got(f"{LIST}?page={i}", n=i), None, "list", None)
    assert count() == 0
    store.found(_doc(A, "a1"))  # a document is a row too: the 500th
    assert count() == 499 and con.execute("SELECT count(*) FROM source_documents").fetchone()[0] == 1
    for i in range(499, 700):
        store.log(run, "230111", _got(f"{LIST}?page={i}", n=i), None, "list", None)
    assert count() == 499
    store.flush()
    store.flush()
    assert count() == 700
    store.found(_doc(A, "a1"))
    store.finish_run(run)
    store.finish_run(run)
    assert con.execute("SELECT url, fetched_at FROM crawl_log ORDER BY fetched_at").fetchall() == \
        [(f"{LIST}?page={i}", _t(100 + i)) for i in range(700)]
    assert con.execute("SELECT url, sha256 FROM document_versions").fetchall() == [(A, "a1")]
    assert con.execute("SELECT url, first_seen, last_seen FROM source_documents").fetchall() == [(A, _t(1), _t(2))]


def test_a_flush_happens_by_itself_a_second_after_the_oldest_waiting_row(clock, monkeypatch):
    t = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(store_module, "time", SimpleNamespace(monotonic=lambda: t.now))
    con = _warehouse()
    store = CrawlStore(con)
    count = lambda: con.execute("SELECT count(*) FROM crawl_log").fetchone()[0]  # noqa: E731
    for i, now in enumerate([1000.0, 1000.5, 1000.99]):
        t.now = now
        store.log(1, "230111", _got(f"{LIST}?page={i}", n=i), None, "list", None)
    assert count() == 0
    t.now = 1001.0
    store.log(1, "230111", _got(f"{LIST}?page=3", n=3), None, "list", None)
    assert count() == 4
    t.now = 1100.0  # an idle crawl: the next row waits its own second
    store.log(1, "230111", _got(f"{LIST}?page=4", n=4), None, "list", None)
    t.now = 1100.9
    store.found(_doc(A, "a1"))
    assert count() == 4
    t.now = 1101.0
    store.found(_doc(B, "b1"))
    assert count() == 5 and con.execute("SELECT count(*) FROM source_documents").fetchone()[0] == 2


def test_validators_see_the_requests_of_this_run_before_they_are_written(clock):
    con = _warehouse()
    RowByRow(con).log(1, "230111", _got(A, n=0, etag='"old"'), None, "article", "a0")  # an earlier run's
    store = CrawlStore(con, flush_seconds=1e9)
    store.log(2, "230111", _got(B, n=1, etag='"b"', last_modified="Mon"), None, "attachment", "b1")
    assert store.known(B)[:3] == ('"b"', "Mon", "b1")  # loading the dict wrote what was waiting
    assert store.known(A)[:3] == ('"old"', None, "a0")
    store.log(2, "230111", _got(A, n=2, etag='"new"'), None, "article", "a1")
    store.log(2, "230111", _got(C, "fetched", 404, b"no", n=3), None, "article", None)
    assert con.execute("SELECT count(*) FROM crawl_log").fetchone()[0] == 2
    assert (store.known(A)[:3], store.known(C)) == (('"new"', None, "a1"), None)
    store.flush()
    assert con.execute("SELECT url, sha256 FROM crawl_log ORDER BY fetched_at").fetchall() == [
        (A, "a0"), (B, "b1"), (A, "a1"), (C, None)]


def test_threads_sharing_one_store_lose_and_repeat_nothing(clock):
    con = _warehouse()
    store = CrawlStore(con, flush_rows=50)
    run = store.start_run("r", 4)

    def portal(p: int):
        for i in range(120):
            store.log(run, f"23011{p}", _got(f"http://p{p}.gov.cn/{i}", n=i), None, "list", None)
            if i % 10 == 0:
                store.found(_doc(f"http://p{p}.gov.cn/{i}", f"s{i}"))

    threads = [threading.Thread(target=portal, args=(p,)) for p in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    store.finish_run(run)
    assert sorted(con.execute("SELECT url FROM crawl_log").fetchall()) == \
        sorted((f"http://p{p}.gov.cn/{i}",) for p in range(4) for i in range(120))
    assert sorted(con.execute("SELECT url, sha256 FROM document_versions").fetchall()) == \
        sorted((f"http://p{p}.gov.cn/{i}", f"s{i}") for p in range(4) for i in range(0, 120, 10))


def test_a_bad_row_costs_only_itself(clock):
    con = _warehouse()
    store = CrawlStore(con, flush_rows=3, flush_seconds=1e9)
    store.log(1, "230111", _got(A, n=0), None, "article", "a1")
    store.log(1, "230111", _got(B, n=1), None, "no such purpose", "b1")  # the CHECK constraint refuses it
    with pytest.raises(duckdb.ConstraintException) as raised:
        store.found(_doc(C, "c1"))
    assert "no such purpose" in "\n".join(raised.value.__notes__)
    assert con.execute("SELECT url FROM crawl_log").fetchall() == [(A,)]
    assert con.execute("SELECT url FROM source_documents").fetchall() == [(C,)]
    store.log(1, "230111", _got(C, n=2), None, "article", "c1")
    store.flush()
    assert con.execute("SELECT url FROM crawl_log ORDER BY fetched_at").fetchall() == [(A,), (C,)]
