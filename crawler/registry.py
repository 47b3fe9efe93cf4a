"""The portal registry (data/portals.toml): which portals to crawl, where their report columns are, how fast."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crawler.addresses import is_private_host

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "portals.toml"
FAMILIES = ("heilongjiang", "trs", "hanweb", "gkmlpt", "generic")
DEFAULT_RATE = 1.0  # requests per second per host: the politeness default

_KEYS = {"region_code", "region_name", "base_url", "entries", "family", "allow_private", "rate", "encoding",
         "extra_hosts", "verified", "note"}


class RegistryError(ValueError):
    """A registry row that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Portal:
    region_code: str
    region_name: str
    base_url: str  # ends with "/"; may carry a path prefix
    entries: tuple[str, ...]
    family: str | None = None  # None: detected from the entry pages
    allow_private: bool = False
    rate: float = DEFAULT_RATE
    encoding: str | None = None
    extra_hosts: tuple[str, ...] = ()
    verified: bool = False  # checked against the live site by a person
    note: str = ""
    line: int = 0  # where the row starts in its file

    @property
    def hosts(self) -> frozenset[str]:
        """host[:port] names this portal's links may lead to."""
        return frozenset([urlsplit(self.base_url).netloc.lower(), *(h.lower() for h in self.extra_hosts)]
                         + [urlsplit(e).netloc.lower() for e in self.entries])

    @property
    def key(self) -> str:
        return f"{self.region_code} {self.region_name}"


def _portal_lines(text: str) -> list[int]:
    """The 1-based line of each [[portal]] header, in order (tomllib keeps no positions)."""
    return [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[\s*portal\s*\]\]", line)]


def _portal(row: dict, where: str, line: int) -> Portal:
    def fail(msg: str):
        raise RegistryError(f"{where}: {msg}")

    unknown = set(row) - _KEYS
    if unknown:
        fail(f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_KEYS))}")
    for key in ("region_code", "region_name", "base_url", "entries"):
        if key not in row:
            fail(f"missing required key '{key}'")
    code = str(row["region_code"])
    if not re.fullmatch(r"\d{6}", code):
        fail(f"region_code must be a 6-digit division code, got {row['region_code']!r}")
    base = row["base_url"]
    if not isinstance(base, str) or urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
        fail(f"base_url must be an http(s) URL, got {base!r}")
    if not base.endswith("/"):
        base += "/"
    entries = row["entries"]
    if isinstance(entries, str):
        entries = [entries]
    if not entries or not all(isinstance(e, str) for e in entries):
        fail("entries must be a non-empty list of URLs")
    resolved = []
    for e in entries:
        url = e if urlsplit(e).scheme else base + e.lstrip("/")  # relative entries live under the base URL
        if urlsplit(url).scheme not in ("http", "https"):
            fail(f"entry {e!r} is not an http(s) URL")
        resolved.append(url)
    family = row.get("family")
    if family is not None and family not in FAMILIES:
        fail(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    rate = row.get("rate", DEFAULT_RATE)
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 < rate <= 100:
        fail(f"rate must be a number of requests per second in (0, 100], got {rate!r}")
    allow_private = row.get("allow_private", False)
    if not isinstance(allow_private, bool):
        fail(f"allow_private must be true or false, got {allow_private!r}")
    portal = Portal(code, str(row["region_name"]), base, tuple(resolved), family, allow_private, float(rate),
                    row.get("encoding"), tuple(row.get("extra_hosts", ())), bool(row.get("verified", False)),
                    str(row.get("note", "")), line)
    if not allow_private:
        private = sorted(h for h in portal.hosts if is_private_host(h, resolve=False))
        if private:
            fail(f"{', '.join(private)} is a private or loopback address; set allow_private = true to crawl it")
    return portal


def parse_registry(text: str, name: str = "<registry>") -> list[Portal]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RegistryError(f"{name}: not valid TOML: {err}") from None
    rows = doc.get("portal", [])
    if not isinstance(rows, list) or not rows:
        raise RegistryError(f"{name}: no [[portal]] tables")
    lines = _portal_lines(text)
    portals, seen = [], {}
    for i, row in enumerate(rows):
        line = lines[i] if i < len(lines) else 0
        where = f"{name}:{line}" if line else f"{name}: portal #{i + 1}"
        portal = _portal(row, where, line)
        ident = (portal.region_code, portal.base_url)
        if ident in seen:
            raise RegistryError(f"{where}: the same portal as line {seen[ident]} ({portal.base_url})")
        seen[ident] = line
        portals.append(portal)
    return portals


def load_registry(path: str | Path = DEFAULT_REGISTRY) -> list[Portal]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RegistryError(f"{path}: cannot read: {err.strerror or err}") from None
    return parse_registry(text, str(path))
