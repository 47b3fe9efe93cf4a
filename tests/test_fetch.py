"""Polite fetching against a real HTTP server on 127.0.0.1: retries, Retry-After, 404, timeouts, robots.txt,
per-host spacing, conditional GET, cookie challenges, redirects, size limits."""
from __future__ import annotations

import pytest

from crawler.fetch import Fetcher, FetchSettings, conditional_headers
from demo_portals import DemoServer, DemoSite, Resource

HTML = "text/html; charset=utf-8"
PAGE = "<html><body>页面</body></html>".encode()
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def _site() -> DemoSite:
    r = {
        "/robots.txt": Resource(ROBOTS, "text/plain"),
        "/ok.html": Resource(PAGE, HTML),
        "/flaky.html": Resource(PAGE, HTML, behaviour="flaky_500"),
        "/busy.html": Resource(PAGE, HTML, behaviour="rate_429"),
        "/slow.pdf": Resource(b"%PDF-1.4 slow", "application/pdf", behaviour="slow"),
        "/challenge.html": Resource(PAGE, HTML, behaviour="challenge_412"),
        "/js.html": Resource(PAGE, HTML, behaviour="js_challenge"),
        "/private/secret.html": Resource(PAGE, HTML),
        "/moved.html": Resource(b"", HTML, status=302, headers={"Location": "/ok.html"}),
        "/away.html": Resource(b"", HTML, status=302, headers={"Location": "http://www.example.gov.cn/x.html"}),
        "/loop.html": Resource(b"", HTML, status=302, headers={"Location": "/loop.html"}),
        "/big.pdf": Resource(b"%PDF-1.4 " + b"0" * 20_000, "application/pdf"),
    }
    return DemoSite(r, [], {})


@pytest.fixture(scope="module")
def server():
    with DemoServer(_site(), slow_seconds=1.5) as srv:
        yield srv


@pytest.fixture
def fetcher():
    f = Fetcher(FetchSettings(read_timeout=0.5, connect_timeout=1, backoff=0.05, attempts=3))
    yield f
    f.close()


def _get(server, fetcher, path, **kw):
    server.reset_faults()
    host = server.base_url.split("//")[1]
    fetcher.set_rate(host, 100)
    return fetcher.fetch(server.base_url + path, hosts=frozenset({host}), allow_private=True, **kw)


def _requests_to(server, path):
    return [r for r in server.requests if r.path == path]


def test_a_500_then_200_is_retried_and_succeeds(server, fetcher):
    got = _get(server, fetcher, "/flaky.html")
    assert (got.outcome, got.status, got.attempts, got.body) == ("fetched", 200, 2, PAGE)


def test_429_waits_for_retry_after(server, fetcher):
    before = len(_requests_to(server, "/busy.html"))
    got = _get(server, fetcher, "/busy.html")
    hits = _requests_to(server, "/busy.html")[before:]
    assert (got.outcome, got.status, got.attempts) == ("fetched", 200, 2)
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].time - hits[0].time >= 0.95  # Retry-After: 1
    assert got.waited >= 1.0


def test_a_404_is_recorded_and_not_retried(server, fetcher):
    before = len(_requests_to(server, "/gone.html"))
    got = _get(server, fetcher, "/gone.html")
    assert (got.outcome, got.status, got.attempts, got.error) == ("error", 404, 1, "HTTP 404")
    assert len(_requests_to(server, "/gone.html")) - before == 1


def test_a_timeout_is_recorded_after_the_retries(server, fetcher):
    got = _get(server, fetcher, "/slow.pdf")
    assert got.outcome == "error" and got.status is None and got.attempts == 3
    assert got.error.startswith("timeout after 3 attempts")


def test_robots_txt_is_obeyed(server, fetcher):
    before = len(_requests_to(server, "/private/secret.html"))
    got = _get(server, fetcher, "/private/secret.html")
    assert got.outcome == "disallowed" and "robots.txt" in got.error
    assert len(_requests_to(server, "/private/secret.html")) == before  # never requested


def test_a_cookie_challenge_passes_and_a_javascript_challenge_is_blocked(server, fetcher):
    got = _get(server, fetcher, "/challenge.html")
    assert (got.outcome, got.status, got.body) == ("fetched", 200, PAGE)
    got = _get(server, fetcher, "/js.html")
    assert got.outcome == "blocked" and got.status == 412 and "challenge" in got.error


def test_conditional_get_gives_304(server, fetcher):
    first = _get(server, fetcher, "/ok.html")
    again = _get(server, fetcher, "/ok.html", validators=conditional_headers(first.etag, first.last_modified))
    assert (again.outcome, again.status, again.body) == ("not_modified", 304, b"")
    sent = {k.lower(): v for k, v in _requests_to(server, "/ok.html")[-1].headers.items()}
    assert sent["if-none-match"] == first.etag


def test_redirects_stay_on_the_portal(server, fetcher):
    got = _get(server, fetcher, "/moved.html")
    assert (got.outcome, got.final_url.endswith("/ok.html"), got.body) == ("fetched", True, PAGE)
    got = _get(server, fetcher, "/away.html")
    assert got.outcome == "refused" and "www.example.gov.cn is not one of this portal's hosts" in got.error
    got = _get(server, fetcher, "/loop.html")
    assert got.outcome == "error" and "more than 5 redirects" in got.error


def test_a_download_over_the_size_limit_is_refused(server):
    small = Fetcher(FetchSettings(max_bytes=10_000))
    got = _get(server, small, "/big.pdf")
    small.close()
    assert got.outcome == "error" and got.error.startswith("too_large")


def test_a_private_address_needs_the_registry_to_allow_it(server, fetcher):
    host = server.base_url.split("//")[1]
    got = fetcher.fetch(server.base_url + "/ok.html", hosts=frozenset({host}), allow_private=False)
    assert got.outcome == "refused" and "private or loopback" in got.error


def test_requests_to_one_host_are_spaced_by_its_rate(server):
    f = Fetcher(FetchSettings())
    host = server.base_url.split("//")[1]
    f.set_rate(host, 5)  # one request every 200 ms
    before = len(server.requests)
    for _ in range(4):
        f.fetch(server.base_url + "/ok.html", hosts=frozenset({host}), allow_private=True)
    f.close()
    times = sorted(r.time for r in server.requests[before:] if r.path in ("/ok.html", "/robots.txt"))
    gaps = [b - a for a, b in zip(times, times[1:])]
    # robots.txt, then the page four times. Arrival times carry the scheduler's jitter on a loaded machine:
    # each gap within 40 ms of the interval, and on average no shorter than it.
    assert len(times) == 5 and min(gaps) >= 0.16 and (times[-1] - times[0]) / 4 >= 0.195


def test_threads_share_a_hosts_spacing_while_different_hosts_proceed_concurrently(server):
    import threading
    import time

    with DemoServer(_site()) as other:
        f = Fetcher(FetchSettings())
        hosts = [s.base_url.split("//")[1] for s in (server, other)]
        for h in hosts:
            f.set_rate(h, 4)  # 250 ms apart on each host
        before = {id(s): len(s.requests) for s in (server, other)}

        def crawl(base, host):
            for _ in range(3):
                f.fetch(base + "/ok.html", hosts=frozenset({host}), allow_private=True)

        threads = [threading.Thread(target=crawl, args=(s.base_url, h))
                   for s, h in ((server, hosts[0]), (server, hosts[0]), (other, hosts[1]))]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        f.close()
        same_host = sorted(r.time for r in server.requests[before[id(server)]:] if r.path in ("/ok.html", "/robots.txt"))
        other_host = sorted(r.time for r in other.requests[before[id(other)]:])
    # Two threads on one host: robots.txt and 6 pages, strictly spaced by the host's rate.
    assert len(same_host) == 7 and min(b - a for a, b in zip(same_host, same_host[1:])) >= 0.2
    assert (same_host[-1] - same_host[0]) / 6 >= 0.245
    # The other host's 3 pages and robots.txt ran meanwhile: the whole took about one host's time, not both.
    assert len(other_host) == 4 and other_host[0] < same_host[-1]
    assert elapsed < 0.25 * (7 + 4) - 0.3
