"""The demo site's data shapes: served resources, portals, the reports a crawler must find, the registry TOML."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

BEHAVIOURS = ("flaky_500", "rate_429", "slow", "challenge_412", "js_challenge", "reset", "trickle")

# Placeholder a resource body may carry for the server's own base URL ("http://127.0.0.1:PORT"): pages whose
# links are absolute (gkmlpt's JSON) can only be written once the port is known, so the server fills it in.
BASE_PLACEHOLDER = "{{BASE}}"

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"


@dataclass
class Resource:
    body: bytes
    content_type: str | None  # the Content-Type header; None = header omitted
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Location for redirects
    behaviour: str | None = None  # one of BEHAVIOURS

    def __post_init__(self):
        if self.behaviour is not None and self.behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {self.behaviour!r}; expected one of {BEHAVIOURS}")


@dataclass
class ExpectedReport:
    path: str  # full URL path of the document to fetch as the report (article page or attachment)
    article_path: str  # the article page it was found on (== path for an HTML article report)
    year: int
    publisher: str
    publisher_kind: str  # 'government' | 'department' | 'township'
    media: str  # 'html' | 'pdf' | 'docx'
    outcome: str  # 'ok' | 'needs_ocr' | 'corrupt' | 'pre2019'
    figures: str | None  # figures slug it was drawn from (None for image-only/corrupt)
    published: str  # YYYY-MM-DD the page states
    # The URL path the crawler records the document under when that is not `path`: the page's download link
    # that redirects to it (Hanweb's downfile.jsp). None = `path`. (build_demo's portals leave it None.)
    url_path: str | None = None

    @property
    def found_path(self) -> str:
        """The URL path a crawl should find this report under."""
        return self.url_path or self.path


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class DemoPortal:
    key: str
    family: str | None  # 'heilongjiang' | 'trs' | 'hanweb' | 'gkmlpt' | None (generic fallback)
    region_code: str
    region_name: str
    prefix: str  # path prefix the site lives under, e.g. "/www.hulan.gov.cn"
    entries: list[str]  # entry list-page paths (full paths incl. prefix)
    expected: list[ExpectedReport]
    lookalikes: list[str]  # full paths of look-alike non-report pages
    disallowed: list[str]  # full path prefixes robots.txt disallows
    encoding: str | None = None
    rate: float = 50.0  # requests per second the registry asks for (crawler/registry.py accepts up to 100)

    def toml(self, base: str) -> str:
        """One [[portal]] table of the registry (data/portals.toml format), with URLs under `base`."""
        base = base.rstrip("/")
        lines = ["[[portal]]",
                 f"region_code = {_toml_str(self.region_code)}",
                 f"region_name = {_toml_str(self.region_name)}",
                 f"base_url = {_toml_str(base + self.prefix + '/')}",
                 "entries = [" + ", ".join(_toml_str(base + e) for e in self.entries) + "]"]
        if self.family is not None:
            lines.append(f"family = {_toml_str(self.family)}")
        lines += ["allow_private = true", f"rate = {float(self.rate)!r}"]
        if self.encoding is not None:
            lines.append(f"encoding = {_toml_str(self.encoding)}")
        return "\n".join(lines) + "\n"


@dataclass
class DemoSite:
    # full path (query included only where the family needs it) -> Resource. A dict for build_demo(); any
    # Mapping will do (the scale corpus reads bodies from disk on __getitem__): the server only lists its keys.
    resources: Mapping[str, Resource]
    portals: list[DemoPortal]
    figures: Mapping[str, dict]  # slug -> figures dict used (incl. derived ones); may derive them on demand

    def registry_toml(self, base: str) -> str:
        head = "# Demo portals served by `python -m demo_portals serve` (generated; do not edit)\n\n"
        return head + "\n".join(p.toml(base) for p in self.portals)

    def portal(self, key: str) -> DemoPortal:
        for p in self.portals:
            if p.key == key:
                return p
        raise KeyError(key)
