"""Polite HTTP: robots.txt, a per-host rate limit, retries with backoff, conditional GET, size and host limits.

One `Fetcher` serves a whole crawl; threads crawling different portals share it, so two portals on one host
share that host's spacing while different hosts proceed concurrently.
"""
from __future__ import annotations

import email.utils
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from pyrate_limiter import InMemoryBucket, Limiter, Rate
from tenacity import RetryCallState, Retrying, retry_if_exception_type, retry_if_result, stop_after_attempt

from crawler.addresses import is_private_host
from crawler.registry import DEFAULT_RATE

# The contact an operator gives (GKREPORTS_CONTACT: a URL or e-mail address) goes into every request's User-Agent.
CONTACT = os.environ.get("GKREPORTS_CONTACT", "https://github.com/gkreports/gkreports")
USER_AGENT = f"gkreports/0.1 (annual-report research crawler; +{CONTACT})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempts: int = 3  # tries per URL, the first included
    backoff: float = 1.0  # seconds before the first retry; doubles, up to backoff_max
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # a longer Retry-After is not waited for: the URL is recorded as failed
    max_bytes: int = int(float(os.environ.get("GKREPORTS_MAX_DOWNLOAD_MB", "50")) * 1024 * 1024)  # per download
    # Per download, first byte to last: a server that trickles a byte a second never trips the read timeout.
    max_seconds: float = float(os.environ.get("GKREPORTS_MAX_DOWNLOAD_SECONDS", "300"))
    max_redirects: int = 5


@dataclass
class Fetched:
    """One URL's outcome, as the crawl log records it."""
    url: str  # as requested
    final_url: str  # after redirects
    outcome: str  # fetched | not_modified | error | blocked | disallowed | refused; fresh: not asked (crawler.crawl)
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    attempts: int = 0
    elapsed: float = 0.0  # seconds, waiting included
    waited: float = 0.0  # seconds spent waiting on the rate limit and Retry-After
    fetched_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    retry_after: str | None = None
    location: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("fetched", "not_modified")


class Refused(Exception):
    """A URL the crawler will not request (host not allowed, private address, robots.txt)."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome


class _TooLarge(Exception):
    """A download given up on: over the size cap or the time cap."""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Fetcher:
    """Requests on behalf of a crawl. Thread-safe."""

    def __init__(self, settings: FetchSettings = FetchSettings()):
        self.settings = settings
        self.client = httpx.Client(
            follow_redirects=False, headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            # A connection kept open per host being crawled (dozens at once, see flows.nightly): httpx keeps 20,
            # and each new connection is another handshake on the portal's server.
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=128))
        self._lock = threading.Lock()
        self._limiters: dict[str, tuple[int, Limiter]] = {}  # host → (interval in ms, its limiter)
        self._robots: dict[str, Protego | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.requests = 0
        self.bytes = 0
        self.waited = 0.0

    def close(self):
        self.client.close()

    # ------------------------------------------------------------------ politeness

    def set_rate(self, host: str, rate: float):
        """Requests per second for a host; the slowest rate any portal asks for wins."""
        interval_ms = max(1, int(round(1000 / rate)))
        with self._lock:
            current = self._limiters.get(host)
            if current is None or current[0] < interval_ms:
                self._limiters[host] = (interval_ms, Limiter(InMemoryBucket([Rate(1, interval_ms)]), buffer_ms=5))

    def _wait_turn(self, host: str) -> float:
        if host not in self._limiters:  # a host no portal named a rate for: the default
            self.set_rate(host, DEFAULT_RATE)
        limiter = self._limiters[host][1]
        start = time.monotonic()
        limiter.try_acquire(host, blocking=True)
        waited = time.monotonic() - start
        with self._lock:
            self.waited += waited
        return waited

    def robots(self, scheme: str, host: str, log=None) -> Protego | None:
        """The host's robots.txt (fetched once per crawl). None: everything allowed (no robots.txt)."""
        with self._lock:
            lock = self._robots_locks.setdefault(host, threading.Lock())
        with lock:
            if host in self._robots:
                return self._robots[host]
            url = f"{scheme}://{host}/robots.txt"
            got = self._request(url, {}, host)
            if log:
                log(got, None, "robots")
            if got.outcome == "fetched" and got.status == 200:
                rules = Protego.parse((got.body or b"").decode("utf-8", "replace"))
            elif got.status is not None and 400 <= got.status < 500:
                rules = None  # no robots.txt: everything is allowed
            else:
                # robots.txt unreachable (5xx, timeout): assume the whole host is off limits for this crawl
                rules = Protego.parse("User-agent: *\nDisallow: /")
            self._robots[host] = rules
            delay = rules.crawl_delay(self.settings.user_agent) if rules else None
            if delay:
                self.set_rate(host, 1.0 / float(delay))
            return rules

    def allowed(self, url: str, log=None) -> bool:
        parts = urlsplit(url)
        rules = self.robots(parts.scheme, parts.netloc.lower(), log)
        return rules is None or rules.can_fetch(url, self.settings.user_agent)

    # ------------------------------------------------------------------ requests

    def fetch(self, url: str, *, hosts: frozenset[str], allow_private: bool, validators: dict | None = None,
              log=None, referrer: str | None = None) -> Fetched:
        """GET a URL, following redirects only within `hosts`; never raises for network trouble."""
        start = time.monotonic()
        current, hops = url, 0
        while True:
            host = urlsplit(current).netloc.lower()
            try:
                self._admit(current, host, hosts, allow_private, log)
            except Refused as refusal:
                return Fetched(url, current, refusal.outcome, error=str(refusal),
                               elapsed=time.monotonic() - start)
            headers = dict(validators or {})  # a redirect's target is the resource the validators describe
            if referrer:
                headers["Referer"] = referrer
            got = self._request(current, headers, host)
            got.url = url
            got.elapsed = time.monotonic() - start
            if got.status in (301, 302, 303, 307, 308) and got.outcome == "fetched":
                location = got.location
                if not location:
                    got.outcome, got.error = "error", f"HTTP {got.status} without a Location header"
                    return got
                hops += 1
                if hops > self.settings.max_redirects:
                    got.outcome, got.error = "error", f"more than {self.settings.max_redirects} redirects"
                    return got
                target = urljoin(current, location)
                if log:
                    hop = Fetched(current, target, "fetched", got.status, None, got.content_type, attempts=got.attempts,
                                  elapsed=got.elapsed, waited=got.waited)
                    log(hop, referrer, "redirect")
                current = target
                continue
            got.final_url = current
            return got

    def _admit(self, url: str, host: str, hosts: frozenset[str], allow_private: bool, log):
        if urlsplit(url).scheme not in ("http", "https"):
            raise Refused("refused", f"not an http(s) URL: {url}")
        if host not in hosts:
            raise Refused("refused", f"{host} is not one of this portal's hosts ({', '.join(sorted(hosts))})")
        if not allow_private and is_private_host(host):
            raise Refused("refused", f"{host} is a private or loopback address and the registry does not allow it")
        if not self.allowed(url, log):
            raise Refused("disallowed", f"robots.txt of {host} disallows {urlsplit(url).path}")

    def _request(self, url: str, headers: dict, host: str) -> Fetched:
        settings = self.settings
        waited = 0.0
        attempts = 0

        def wait(state: RetryCallState) -> float:
            nonlocal waited
            result = state.outcome.result() if not state.outcome.failed else None
            delay = min(settings.backoff * 2 ** (state.attempt_number - 1), settings.backoff_max)
            if result is not None and result.status in (429, 503):
                asked = _retry_after(result.retry_after)
                if asked is not None:
                    delay = asked
            waited += delay
            return delay

        def attempt() -> Fetched:
            nonlocal waited, attempts
            attempts += 1
            waited += self._wait_turn(host)
            return self._once(url, headers, host)

        def give_up(result: Fetched) -> bool:
            if result.status not in RETRY_STATUSES:
                return False
            if result.status in (429, 503):
                asked = _retry_after(result.retry_after)
                if asked is not None and asked > settings.retry_after_max:
                    return False  # the server asks for longer than we wait; recorded as an error
            return True

        retrying = Retrying(stop=stop_after_attempt(settings.attempts), wait=wait, reraise=True,
                            retry=retry_if_result(give_up) | retry_if_exception_type(httpx.TransportError))
        try:
            got = retrying(attempt)
        except httpx.TimeoutException as err:
            got = Fetched(url, url, "error", error=f"timeout after {attempts} attempts ({type(err).__name__})")
        except httpx.TransportError as err:
            got = Fetched(url, url, "error", error=f"network error after {attempts} attempts: "
                                                   f"{type(err).__name__}: {err}")
        got.attempts, got.waited = attempts, waited
        with self._lock:
            self.requests += attempts
        if got.outcome == "fetched" and got.status is not None:
            if got.status in RETRY_STATUSES:
                got.outcome, got.error = "error", f"HTTP {got.status} after {attempts} attempts"
            elif got.status == 304:
                got.outcome = "not_modified"
            elif got.status in (403, 412, 202) and _is_challenge(got.body):
                got.outcome, got.error = "blocked", f"HTTP {got.status}: a JavaScript anti-bot challenge"
            elif got.status >= 400:
                got.outcome, got.error = "error", f"HTTP {got.status}"
        return got

    def _once(self, url: str, headers: dict, host: str) -> Fetched:
        try:
            got, challenged = self._get(url, headers)
            if challenged:
                # A cookie-setting challenge: the jar now holds the cookie, so one more request may pass.
                self._wait_turn(host)
                got, _ = self._get(url, headers)
            return got
        except _TooLarge as err:
            return Fetched(url, url, "error", error=str(err))

    def _get(self, url: str, headers: dict) -> tuple[Fetched, bool]:
        limit = self.settings.max_bytes
        deadline = time.monotonic() + self.settings.max_seconds
        with self.client.stream("GET", url, headers=headers) as resp:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise _TooLarge(f"too_large: Content-Length {int(length):,} bytes exceeds the {limit:,}-byte limit")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _TooLarge(f"too_large: body exceeds the {limit:,}-byte limit")
                if time.monotonic() > deadline:
                    raise _TooLarge(f"timeout: the download took longer than {self.settings.max_seconds:g} s "
                                    f"({size:,} bytes read)")
                chunks.append(chunk)
            body = b"".join(chunks)
            with self._lock:
                self.bytes += size
            got = Fetched(url, url, "fetched", resp.status_code, body, resp.headers.get("Content-Type"),
                          resp.headers.get("ETag"), resp.headers.get("Last-Modified"),
                          retry_after=resp.headers.get("Retry-After"), location=resp.headers.get("Location"))
            challenged = (resp.status_code in (412, 403, 202) and "set-cookie" in resp.headers
                          and _is_challenge(body))
        return got, challenged


def _is_challenge(body: bytes | None) -> bool:
    text = (body or b"")[:4096].decode("latin-1")
    return "$_ts" in text


def conditional_headers(etag: str | None, last_modified: str | None) -> dict:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers
