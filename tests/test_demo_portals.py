"""The demo portals: deterministic, every expected report reads back exactly, and the server's HTTP and faults."""
from __future__ import annotations

import http.client
import json
import re
import time
import tomllib
import urllib.error
import urllib.request

import pytest

import extractors
from demo_portals import DemoServer, build_demo
from demo_portals.verify import check_report, pictures_of, stray_links
from extractors import ocr
from tests.conftest import assert_report_matches

FAULTS = ("flaky_500", "rate_429", "slow", "challenge_412", "js_challenge", "reset")


@pytest.fixture(scope="module")
def site():
    return build_demo()


@pytest.fixture(scope="module")
def server(site):
    with DemoServer(site, slow_seconds=0.3) as srv:
        yield srv


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(server, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) of one request, without following redirects or raising on 4xx/5xx."""
    req = urllib.request.Request(server.base_url + path, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def _all_expected(site):
    return [(p, e) for p in site.portals for e in p.expected]


# ------------------------------------------------------------------ the site

def test_build_demo_is_deterministic(site):
    again = build_demo()
    assert list(again.resources) == list(site.resources)
    assert [k for k in site.resources if again.resources[k] != site.resources[k]] == []
    assert again.registry_toml("http://127.0.0.1:1") == site.registry_toml("http://127.0.0.1:1")
    assert [p.expected for p in again.portals] == [p.expected for p in site.portals]


def test_portals_and_their_counts(site):
    counts = {p.key: (p.family, len(p.expected), len(p.lookalikes)) for p in site.portals}
    assert counts == {"hulan": ("heilongjiang", 11, 8), "daoli": ("heilongjiang", 3, 1), "trs": ("trs", 12, 11),
                      "gbk": ("trs", 2, 0), "hanweb": ("hanweb", 7, 5), "gkmlpt": ("gkmlpt", 4, 3),
                      "hostile": (None, 4, 1)}
    outcomes = sorted((p.key, e.outcome) for p, e in _all_expected(site) if e.outcome != "ok")
    assert outcomes == [("hulan", "pre2019"), ("trs", "corrupt")]  # 杨林乡 2021's pictures are read by OCR
    media = {(p.key, e.media) for p, e in _all_expected(site) if e.media != "html"}
    assert media == {("hulan", "pdf"), ("daoli", "docx"), ("trs", "pdf"), ("hanweb", "docx"), ("hostile", "pdf")}
    years = {p.key: sorted({e.year for e in p.expected}) for p in site.portals}
    assert years["hulan"] == [2015, 2019, 2020, 2021, 2022, 2023, 2024]
    assert years["trs"] == [2019, 2020, 2021, 2022, 2023, 2024]
    kinds = {(p.key, e.publisher_kind) for p, e in _all_expected(site)}
    assert {("hulan", "department"), ("hulan", "township"), ("trs", "department")} <= kinds


def test_every_ok_report_reads_back_exactly(site):
    checked = 0
    for portal, exp in _all_expected(site):
        if exp.outcome != "ok":
            continue
        fig = site.figures[exp.figures]
        pictures = pictures_of(site, exp.path) if exp.media == "html" else {}
        if pictures and not ocr.available():
            continue  # the image-only article: without the OCR extra it stays needs_ocr (test_ocr says so)
        report = extractors.extract(site.resources[exp.path].body, exp.path.rsplit("/", 1)[-1].split("?")[0],
                                    images=pictures or None)
        assert_report_matches(report, fig)
        assert (report.year, report.publisher, report.region_code) == (exp.year, exp.publisher, portal.region_code)
        if exp.media == "html":
            assert report.published == exp.published
        checked += 1
    assert checked == (41 if ocr.available() else 40)


def test_reports_that_are_not_ok_fail_as_promised(site):
    for portal, exp in _all_expected(site):
        if exp.outcome != "ok":
            assert check_report(site, portal.region_code, exp) == [], exp
            assert exp.figures is None


def test_lookalikes_never_read_as_reports(site):
    for portal in site.portals:
        for path in portal.lookalikes:
            with pytest.raises(extractors.ExtractionError) as err:
                extractors.extract(site.resources[path].body, path.rsplit("/", 1)[-1])
            # 一图读懂 pages are one picture: needs_ocr, so the crawler must tell them by title
            assert err.value.reason in ("not_a_report", "table_not_found", "needs_ocr")


def test_derived_figures_keep_the_template_arithmetic(site):
    from demo_portals.figures import arithmetic_errors
    for slug, fig in site.figures.items():
        assert arithmetic_errors(fig) == [], slug
        if fig["provenance"].startswith("synthetic"):
            assert fig["provenance"].startswith("synthetic, derived from ")


def test_links_stay_inside_their_portal(site):
    assert stray_links(site) == []
    for portal in site.portals:
        assert all(p.startswith(portal.prefix + "/") for p in
                   portal.entries + portal.lookalikes + portal.disallowed + [e.path for e in portal.expected])


def test_registry_toml(site):
    base = "http://127.0.0.1:8765"
    rows = tomllib.loads(site.registry_toml(base))["portal"]
    assert [r["region_code"] for r in rows] == ["230111", "230102", "500114", "110105", "330825", "440825", "230184"]
    hulan = rows[0]
    assert hulan == {"region_code": "230111", "region_name": "呼兰区", "base_url": f"{base}/www.hulan.gov.cn/",
                     "entries": [f"{base}/www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb.shtml",
                                 f"{base}/www.hulan.gov.cn/hebhlq/c110901e/zfxxgklby_nb.shtml",
                                 f"{base}/www.hulan.gov.cn/hebhlq/c110906/zfxxgklby_nb.shtml"],
                     "family": "heilongjiang", "allow_private": True, "rate": 50.0}
    assert rows[3]["encoding"] == "gbk" and "family" not in rows[6] and "encoding" not in rows[0]


def test_robots_txt_closes_each_portals_disallowed_paths(site):
    robots = site.resources["/robots.txt"].body.decode()
    assert robots.splitlines()[0] == "User-agent: *"
    disallowed = [p for portal in site.portals for p in portal.disallowed]
    assert disallowed == ["/www.hulan.gov.cn/hebhlq/private/", "/www.hljwch.gov.cn/xxgk/draft/"]
    for path in disallowed:
        assert f"Disallow: {path}" in robots
        # ...and a list page links into it, with a title like a report's
        assert any(path.encode() in r.body and "年度报告".encode() in r.body for r in site.resources.values())


def test_family_markup(site):
    res = site.resources
    hulan = res["/www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb.shtml"].body.decode()
    assert '<div class="page"><a href="zfxxgklby_nb_2.shtml">下一页</a>' in hulan
    assert "/www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb_3.shtml" in res
    listed = hulan.split('<div class="list">')[1].split("</ul>")[0]
    assert listed.count("<li><a href=") == 5 and '" target="_blank">' in listed and "…</a><span>" in listed
    dead = "http://hlxxgk.harbin.gov.cn/col/col12946/index.html"
    assert sum(dead.encode() in r.body for r in res.values()) == 1
    trs = res["/www.cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/index.html"].body.decode()
    assert 'createPageHTML(3, 0, "index", "html");' in trs and "index_1.html" not in trs
    assert "/www.cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/index_2.html" in res
    dept = res["/www.cqqj.gov.cn/zwgk_159/zfxxgknb/bmxxgknb/index_2.shtml"].body.decode()
    assert 'createPageHTML("page_div", 2, 2, "index", "shtml", 12)' in dept
    assert len([p for p in res if p.endswith("_wap.html") or p.endswith("_wap.shtml")]) == 10
    gbk = res["/www.bjchy.gov.cn/zwgk/zfxxgknb/index.html"]
    assert gbk.content_type == "text/html" and "朝阳区".encode("gbk") in gbk.body
    column = res["/www.longyou.gov.cn/col/col1229114055/index.html"].body.decode()
    assert column.count("<record><![CDATA[<li>") == 5 and "totalRecord:12,perPage:5" in column
    assert "/www.longyou.gov.cn/art/2024/1/30/art_1229114055_89890.html" in column
    shell = res["/www.xuwen.gov.cn/gkmlpt/index"].body.decode()
    assert "window._CONFIG = {SID: '755032'};" in shell


# ------------------------------------------------------------------ the server

def test_serves_every_plain_resource_with_its_content_type(site, server):
    served = 0
    for path, res in site.resources.items():
        if res.behaviour is not None or res.status != 200:
            continue
        status, headers, body = fetch(server, path)
        assert (status, headers.get("Content-Type"), body) == \
            (200, res.content_type, res.body.replace(b"{{BASE}}", server.base_url.encode())), path
        served += 1
    assert served > 100


def test_unknown_paths_get_a_404_page(server):
    status, headers, body = fetch(server, "/www.hulan.gov.cn/no/such/page.shtml")
    assert status == 404 and headers["Content-Type"].startswith("text/html") and "404".encode() in body


def test_head_has_the_headers_and_no_body(site, server):
    path = "/www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb.shtml"
    status, headers, body = fetch(server, path, method="HEAD")
    assert (status, body, int(headers["Content-Length"])) == (200, b"", len(site.resources[path].body))


def test_conditional_get_answers_304(server):
    path = "/www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb_2.shtml"
    status, headers, _ = fetch(server, path)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"') and etag.endswith('"')
    assert fetch(server, path, headers={"If-None-Match": etag})[::2] == (304, b"")
    assert fetch(server, path, headers={"If-Modified-Since": modified})[::2] == (304, b"")
    assert fetch(server, path, headers={"If-None-Match": '"other"'})[0] == 200
    assert fetch(server, path, headers={"If-Modified-Since": "Sun, 01 Jan 2023 00:00:00 GMT"})[0] == 200


def test_query_parameters_match_in_any_order(server):
    path = "/www.longyou.gov.cn/module/web/jpage/dataproxy.jsp"
    status, headers, body = fetch(server, path + "?webid=1&appid=1&unitid=212860&columnid=1229114055&perpage=5"
                                  "&endrecord=10&startrecord=6")
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    assert body.count(b"<record>") == 5 and b"<totalrecord>12</totalrecord>" in body
    status, _, body = fetch(server, path + "?startrecord=11&endrecord=15&perpage=5&columnid=1229114055"
                            "&unitid=212860&appid=1&webid=1")
    assert status == 200 and body.count(b"<record>") == 2
    # a browser's jpage POST: the paging in the query, more parameters in the form body (ignored)
    req = urllib.request.Request(server.base_url + path + "?startrecord=6&endrecord=10&perpage=5", method="POST",
                                 data=b"col=1&appid=1&webid=1&path=/&columnid=1229114055&sourceContentType=1"
                                      b"&unitid=212860&permissiontype=0",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.read().count(b"<record>") == 5
    assert fetch(server, path + "?startrecord=16&endrecord=20&perpage=5&columnid=1229114055&unitid=212860"
                 "&appid=1&webid=1")[0] == 404


def test_gkmlpt_json_carries_the_servers_own_base_url(server):
    status, _, body = fetch(server, "/www.xuwen.gov.cn/gkmlpt/api/all/2155?sid=755032&page=1")
    data = json.loads(body)
    assert status == 200 and data["total"] == 8 and len(data["articles"]) == 5
    urls = [a["url"] for a in data["articles"]]
    assert all(u.startswith(server.base_url + "/www.xuwen.gov.cn/gkmlpt/content/2/2155/post_") or
               u.startswith("http://www.gd.gov.cn/") for u in urls)
    assert [a["type"] for a in data["articles"]].count("url") == 1
    page2 = json.loads(fetch(server, "/www.xuwen.gov.cn/gkmlpt/api/all/2155?page=2&sid=755032")[2])
    assert len(page2["articles"]) == 3


def _behaviour_path(site, behaviour: str) -> str:
    return next(p for p, r in site.resources.items() if r.behaviour == behaviour)


def test_flaky_500_then_200(site, server):
    path = _behaviour_path(site, "flaky_500")
    server.reset_faults()
    assert fetch(server, path)[0] == 500
    assert fetch(server, path)[0] == 200
    server.reset_faults()
    assert fetch(server, path)[0] == 500


def test_rate_429_with_retry_after_then_200(site, server):
    path = _behaviour_path(site, "rate_429")
    server.reset_faults()
    status, headers, _ = fetch(server, path)
    assert (status, headers["Retry-After"]) == (429, "1")
    assert fetch(server, path)[0] == 200


def test_cookie_challenge_412_then_200_with_the_cookie(site, server):
    path = _behaviour_path(site, "challenge_412")
    status, headers, body = fetch(server, path)
    assert (status, headers["Set-Cookie"]) == (412, "demo_ts=ok; Path=/")
    assert b"$_ts.nsd=58431" in body and b'r="m"' in body
    status, _, body = fetch(server, path, headers={"Cookie": "other=1; demo_ts=ok"})
    assert status == 200 and "五常市".encode() in body


def test_js_challenge_is_always_412(site, server):
    path = _behaviour_path(site, "js_challenge")
    for headers in ({}, {"Cookie": "demo_ts=ok"}, {}):
        status, got, body = fetch(server, path, headers=headers)
        assert status == 412 and "Set-Cookie" not in got and b"$_ts" in body


def test_redirect_is_a_302_with_location(site, server):
    path = next(p for p in site.resources if "downfile.jsp" in p)
    status, headers, _ = fetch(server, path)
    assert status == 302 and headers["Location"].startswith("/www.longyou.gov.cn/attach/0/")
    assert fetch(server, headers["Location"])[0] == 200


def test_slow_answers_after_slow_seconds(site, server):
    path = _behaviour_path(site, "slow")
    started = time.monotonic()
    status, _, body = fetch(server, path)
    assert status == 200 and body.startswith(b"%PDF") and time.monotonic() - started >= 0.3


def test_reset_drops_the_connection_mid_body(site, server):
    path = _behaviour_path(site, "reset")
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        fetch(server, path)


def test_requests_are_recorded(server):
    before = len(server.requests)
    fetch(server, "/robots.txt?x=1", headers={"X-Probe": "yes"})
    rec = server.requests[before]
    assert (rec.method, rec.path, rec.status, rec.headers.get("X-Probe")) == ("GET", "/robots.txt?x=1", 200, "yes")
    assert rec.time <= time.monotonic()


def test_every_fault_is_used_somewhere(site):
    assert {r.behaviour for r in site.resources.values()} - {None} == set(FAULTS)
    unstarted = DemoServer(site)
    try:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", unstarted.base_url)
    finally:
        unstarted.close()
