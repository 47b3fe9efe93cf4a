"""DemoServer: serves a DemoSite over real HTTP on 127.0.0.1 with conditional GET and injected faults.

Lookup: a request's path is looked up as it is; when that is not a resource and the request has a query,
path + "?" + query is tried with the query's parameters sorted (so parameter order never matters; keys in
`DemoSite.resources` may list them in any order), and failing that the resource at that path whose parameters
are all among the request's (extra parameters are ignored, as the real CMSs do). A POST's form body counts as
more query parameters (Hanweb's dataproxy is POSTed by browsers). Bodies containing "{{BASE}}" get the server's base URL in its
place when served (gkmlpt's JSON carries absolute URLs); the ETag is computed from the served bytes.

The server lists the site's resource keys once, at start, and asks `site.resources` for a resource only when a
request names it: the resources may be a lazy Mapping (the scale corpus, demo_portals/scale.py, reads each body
from disk on demand), so no body is held in memory beyond the request that serves it.
"""
from __future__ import annotations

import hashlib
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from demo_portals.model import BASE_PLACEHOLDER, DemoSite, Resource
from demo_portals.pages import not_found_page

# One fixed Last-Modified for every resource (a resource may set its own in `headers`): fixed so that
# conditional requests behave the same on every run.
LAST_MODIFIED = "Mon, 15 Jan 2024 08:00:00 GMT"
CHALLENGE_COOKIE = ("demo_ts", "ok")
RUISHU_BODY = ("<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=58431;$_ts.cd=\"qqq\";</script>"
               "<script src=\"/abc/def.js\" r=\"m\"></script>").encode("utf-8")
HTML_TYPE = "text/html; charset=utf-8"


@dataclass
class RequestRecord:
    time: float  # time.monotonic() when the request arrived
    method: str
    path: str  # with the query string, as the client sent it
    headers: dict = field(default_factory=dict)
    status: int = 0


def normalise_query(query: str) -> str:
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


def normalise_key(key: str) -> str:
    if "?" not in key:
        return key
    path, query = key.split("?", 1)
    return f"{path}?{normalise_query(query)}"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str | None
    headers: dict[str, str]
    reset: bool = False  # drop the connection half-way through the body
    delay: float = 0.0  # seconds to wait before answering ('slow')
    trickle: float = 0.0  # seconds between the body's bytes ('trickle'), sent one at a time


class DemoServer:
    """Serves `site` on 127.0.0.1 (port 0 = a free port). Use as a context manager, or start() / close()."""

    def __init__(self, site: DemoSite, port: int = 0, slow_seconds: float = 5.0, trickle_seconds: float = 1.0):
        self.site = site
        self.slow_seconds = slow_seconds
        self.trickle_seconds = trickle_seconds
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._fired: set[str] = set()  # resources whose first-time fault has fired
        # normalised key -> the site's own key: only the keys, so a lazy resources Mapping stays lazy.
        self._table: dict[str, str] = {normalise_key(k): k for k in site.resources}
        self._by_path: dict[str, list[tuple[frozenset, str]]] = {}  # path -> (its query's parameters, key)
        for key in self._table:
            if "?" in key:
                path, query = key.split("?", 1)
                self._by_path.setdefault(path, []).append((frozenset(parse_qsl(query, keep_blank_values=True)), key))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a 'slow' request in flight must not hold up close()
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- life cycle
    def start(self) -> "DemoServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-portals", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def url(self, path: str) -> str:
        return self.base_url + path

    def reset_faults(self) -> None:
        """Faults that fire "the first time" (flaky_500, rate_429) fire again."""
        with self._lock:
            self._fired.clear()

    # ---------------------------------------------------------------- answering
    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    def _first_time(self, key: str) -> bool:
        with self._lock:
            if key in self._fired:
                return False
            self._fired.add(key)
            return True

    def _resource(self, key: str) -> Resource:
        return self.site.resources[self._table[key]]

    def lookup(self, path: str, query: str) -> tuple[str, Resource] | None:
        if path in self._table:
            return path, self._resource(path)
        if not query:
            return None
        key = f"{path}?{normalise_query(query)}"
        if key in self._table:
            return key, self._resource(key)
        # Like the real CMSs, ignore parameters the resource does not use (a browser's jpage POST adds col=1,
        # path=/, webname=…): the resource whose parameters are all in the request, the most specific first.
        sent = set(parse_qsl(query, keep_blank_values=True))
        best = None
        for params, candidate in self._by_path.get(path, ()):
            if params <= sent and (best is None or len(params) > len(best[0])):
                best = (params, candidate)
        return (best[1], self._resource(best[1])) if best else None

    def answer(self, method: str, target: str, headers, form: str = "") -> _Answer:
        parts = urlsplit(target)
        query = "&".join(q for q in (parts.query, form) if q)
        found = self.lookup(parts.path or "/", query)
        if found is None:
            return _Answer(404, not_found_page(parts.path), HTML_TYPE, {})
        key, res = found
        behaviour = res.behaviour
        if behaviour == "flaky_500" and self._first_time(key):
            return _Answer(500, "<html><body><h1>500 Internal Server Error</h1><p>服务器内部错误</p></body></html>"
                           .encode("utf-8"), HTML_TYPE, {})
        if behaviour == "rate_429" and self._first_time(key):
            return _Answer(429, "<html><body><h1>429 Too Many Requests</h1><p>访问过于频繁，请稍后再试</p></body></html>"
                           .encode("utf-8"), HTML_TYPE, {"Retry-After": "1"})
        if behaviour == "js_challenge":
            return _Answer(412, RUISHU_BODY, HTML_TYPE, {})
        if behaviour == "challenge_412" and not _has_cookie(headers.get("Cookie", "")):
            return _Answer(412, RUISHU_BODY, HTML_TYPE, {"Set-Cookie": f"{'='.join(CHALLENGE_COOKIE)}; Path=/"})

        body = res.body
        if BASE_PLACEHOLDER.encode() in body:
            body = body.replace(BASE_PLACEHOLDER.encode(), self.base_url.encode())
        out_headers = dict(res.headers)
        if res.status == 200:
            etag = etag_of(body)
            last_modified = out_headers.setdefault("Last-Modified", LAST_MODIFIED)
            out_headers["ETag"] = etag
            if _not_modified(headers, etag, last_modified):
                return _Answer(304, b"", None, {"ETag": etag, "Last-Modified": last_modified})
        return _Answer(res.status, body, res.content_type, out_headers, reset=behaviour == "reset",
                       delay=self.slow_seconds if behaviour == "slow" else 0.0,
                       trickle=self.trickle_seconds if behaviour == "trickle" else 0.0)


def _has_cookie(cookie_header: str) -> bool:
    name, value = CHALLENGE_COOKIE
    for part in cookie_header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name and v == value:
            return True
    return False


def _not_modified(headers, etag: str, last_modified: str) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return parsedate_to_datetime(ims) >= parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
    return False


def _handler_for(server: DemoServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real portals allow; every answer has a Content-Length
        server_version = "DemoPortals/1.0"
        sys_version = ""

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # the request log is server.requests

        def do_GET(self):
            self._serve("GET")

        def do_HEAD(self):
            self._serve("HEAD")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
            form = ""
            if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                form = data.decode("utf-8", errors="replace")
            self._serve("POST", form)

        def _serve(self, method: str, form: str = ""):
            arrived = time.monotonic()
            target = self.path
            if target.startswith(("http://", "https://")):  # absolute-form request line
                split = urlsplit(target)
                target = split.path + (f"?{split.query}" if split.query else "")
            try:
                answer = server.answer(method, target, self.headers, form)
            except Exception:
                server._record(RequestRecord(arrived, method, self.path, dict(self.headers.items()), 500))
                raise
            # Recorded before answering: a client that has its answer must find its request in the log.
            server._record(RequestRecord(arrived, method, self.path, dict(self.headers.items()), answer.status))
            if answer.delay:
                time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                if answer.content_type is not None:
                    self.send_header("Content-Type", answer.content_type)
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer.body)))
                if answer.reset:
                    self.send_header("Connection", "close")
                self.end_headers()
                if method == "HEAD" or answer.status == 304:
                    return
                if answer.reset:
                    self.wfile.write(answer.body[:len(answer.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if answer.trickle:  # every byte arrives well within a read timeout; the whole never does
                    for i in range(len(answer.body)):
                        self.wfile.write(answer.body[i:i + 1])
                        self.wfile.flush()
                        time.sleep(answer.trickle)
                    return
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                self.close_connection = True  # the client gave up (e.g. timed out on a slow answer)

    return Handler
