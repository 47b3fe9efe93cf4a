"""Crawl one portal: its entry pages → its family's list walk → report articles → their attachments.

Every request goes through the shared `Fetcher` (robots.txt, rate limit, retries, conditional GET) and is
logged; every good body is archived by sha256; every report document found is recorded with its provenance.
One portal's failures are recorded and never stop the others.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from crawler.archive import RawArchive
from crawler.families import FAMILIES, detect
from crawler.families.trs import canonical_article
from crawler.fetch import Fetched, Fetcher, conditional_headers
from crawler.page import DOCUMENT_KINDS, Link, Page
from crawler.registry import Portal
from crawler.store import CrawlStore, FoundDocument
from crawler.titles import publisher_kind, report_year
from extractors.sniff import sniff

_NOT_THE_REPORT = re.compile(r"解读|图解|一图|读懂|指南|要点|预算|决算")


@dataclass
class PortalSummary:
    region_code: str
    region_name: str
    family: str | None = None
    list_pages: int = 0
    found: int = 0  # report links discovered
    documents: int = 0  # report documents archived (articles and attachments)
    new: int = 0  # of which bytes not seen before at their URL
    fresh: int = 0  # report pages and files taken from the archive without a request (checked recently)
    requests: Counter = field(default_factory=Counter)  # outcome → count
    errors: list[str] = field(default_factory=list)  # "URL: reason", for the summary
    found_documents: list[FoundDocument] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.requests["error"] + self.requests["blocked"]

    @property
    def usable(self) -> bool:
        """Whether anything at all could be fetched from this portal."""
        return self.requests["fetched"] + self.requests["not_modified"] > 0


def promised_kind(url: str) -> str | None:
    parts = urlsplit(url)
    names = [parts.path] + [v for values in parse_qs(parts.query).values() for v in values]
    for name in names:
        low = name.lower()
        for ext, kind in DOCUMENT_KINDS.items():
            if low.endswith(ext):
                return kind
    return None


RECHECKED = frozenset({"article", "attachment", "image"})  # what a recheck window spares; list pages never


def due(url: str, checked_at: datetime, recheck_days: float, now: datetime | None = None) -> bool:
    """Whether a report page or file confirmed current at `checked_at` is to be asked for again: `recheck_days`
    to twice that after its last check, the day spread by a hash of its URL (so that a portal's documents, all
    first fetched one night, do not all fall due again on one night); always when recheck_days is 0."""
    if recheck_days <= 0:
        return True
    spread = int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16) / 2 ** 32  # in [0, 1)
    return (now or datetime.now()) - checked_at >= timedelta(days=recheck_days * (1 + spread))


class PortalCrawl:
    def __init__(self, portal: Portal, fetcher: Fetcher, archive: RawArchive, store: CrawlStore, run_id: int,
                 recheck_days: float = 0):
        self.portal, self.fetcher, self.archive, self.store, self.run_id = portal, fetcher, archive, store, run_id
        self.recheck_days = recheck_days
        self.summary = PortalSummary(portal.region_code, portal.region_name, portal.family)
        self._pages: dict[str, Page | None] = {}
        for host in portal.hosts:
            fetcher.set_rate(host, portal.rate)

    # ------------------------------------------------------------------ requests

    def _log(self, got: Fetched, referrer: str | None, purpose: str, sha: str | None = None):
        self.summary.requests[got.outcome] += 1
        if got.outcome not in ("fetched", "not_modified") and purpose != "redirect":
            self.summary.errors.append(f"{got.url}: {got.outcome}: {got.error}")
        self.store.log(self.run_id, self.portal.region_code, got, referrer, purpose, sha)

    def get(self, url: str, purpose: str, referrer: str | None = None) -> tuple[Fetched, bytes | None, str | None]:
        """Fetch (conditionally when the archive holds the last version); returns (outcome, bytes, sha256). A
        report page or file confirmed current within the recheck window is taken from the archive unasked
        (outcome "fresh", nothing logged: crawl_log holds requests)."""
        known = self.store.known(url)
        headers = None
        if known and self.archive.has(known.sha256):
            if purpose in RECHECKED and not due(url, known.checked_at, self.recheck_days):
                self.summary.fresh += 1
                fresh = Fetched(url, known.final_url or url, "fresh", content_type=known.content_type,
                                fetched_at=known.checked_at)
                return fresh, self.archive.get(known.sha256), known.sha256
            headers = conditional_headers(known.etag, known.last_modified)
        got = self.fetcher.fetch(url, hosts=self.portal.hosts, allow_private=self.portal.allow_private,
                                 validators=headers, referrer=referrer,
                                 log=lambda g, ref, p: self._log(g, ref or referrer, p))
        body, sha = None, None
        if got.outcome == "not_modified" and known:
            body, sha = self.archive.get(known.sha256), known.sha256
        elif got.outcome == "fetched" and got.status == 200:
            body = got.body
            if purpose == "attachment":
                problem = self._judge(url, body)
                if problem:
                    got.outcome, got.error = "error", problem
            if got.outcome == "fetched":
                sha = self.archive.put(body)
        elif got.outcome == "fetched":
            got.outcome, got.error = "error", f"HTTP {got.status}"
        self._log(got, referrer, purpose, sha)
        return got, (body if got.ok else None), sha

    @staticmethod
    def _judge(url: str, body: bytes) -> str | None:
        """A download judged by its bytes: an HTML error page served with 200 for a .pdf is an error."""
        actual = sniff(body)
        promised = promised_kind(url)
        if actual == "empty":
            return "empty body"
        if actual in ("html", "text") and promised not in (None, "html"):
            return f"the server answered with an HTML page, not the {promised.upper()} the link names"
        return None

    def page(self, url: str, purpose: str = "list", referrer: str | None = None) -> Page | None:
        if url in self._pages:
            return self._pages[url]
        got, body, _ = self.get(url, purpose, referrer)
        page = Page(got.final_url or url, body, got.content_type, self.portal.encoding) if body is not None else None
        self._pages[url] = page
        return page

    # ------------------------------------------------------------------ the walk

    def run(self) -> PortalSummary:
        links: list[Link] = []
        for entry in self.portal.entries:
            page = self.page(entry)
            if page is None:
                continue
            family = self.portal.family or detect(page)
            self.summary.family = self.summary.family or family
            module = FAMILIES[family]
            get = lambda url: self.page(url, "list", entry)  # noqa: E731
            if family == "gkmlpt":
                links += module.list_reports(page, get, self.portal.base_url, entry_url=entry)
            else:
                links += module.list_reports(page, get, self.portal.base_url)
        self.summary.list_pages = sum(1 for p in self._pages.values() if p is not None)
        seen: set[str] = set()
        unique = []
        for link in links:
            url = canonical_article(link.url)
            if url not in seen:
                seen.add(url)
                link.url = url
                unique.append(link)
        self.summary.found = len(unique)
        for link in unique:
            self._report(link)
        return self.summary

    def _record(self, url: str, kind: str, sha: str, link: Link, article: Page | None, article_url: str | None,
                images: dict[str, tuple[str, str]] | None = None):
        published = (article.published if article is not None else None) or link.date
        doc = FoundDocument(url, self.portal.region_code, kind, sha, article_url, link.referrer, link.title,
                            report_year(link.title), publisher_kind(link.title), published,
                            article.site_id_code if article is not None else None, images=images or {})
        self.store.found(doc)
        self.summary.documents += 1
        self.summary.new += doc.new_version
        self.summary.found_documents.append(doc)

    def _images(self, article: Page, article_url: str) -> dict[str, tuple[str, str]]:
        out = {}
        for src, url in article.body_images():
            _, body, sha = self.get(url, "image", article_url)
            if body is not None and sniff(body) == "image":
                out[src] = (url, sha)
        return out

    def _report(self, link: Link):
        if promised_kind(link.url):  # the list links straight to a document
            _, body, sha = self.get(link.url, "attachment", link.referrer)
            if body is not None:
                self._record(link.url, "attachment", sha, link, None, None)
            return
        got, body, sha = self.get(link.url, "article", link.referrer)
        if body is None:
            return
        article = Page(got.final_url or link.url, body, got.content_type, self.portal.encoding)
        attachments = [a for a in article.attachments() if not _NOT_THE_REPORT.search(a.title)]
        if article.has_report_tables() or not attachments:
            # The article prints the report, or shows it only as pictures: then its pictures are archived
            # with it, for OCR to read (without OCR the loader records it as needs_ocr).
            images = {} if article.has_report_tables() else self._images(article, link.url)
            self._record(link.url, "article", sha, link, article, None, images)
        for att in attachments:
            _, att_body, att_sha = self.get(att.url, "attachment", link.url)
            if att_body is not None:
                self._record(att.url, "attachment", att_sha, link, article, link.url)


def crawl_portal(portal: Portal, fetcher: Fetcher, archive: RawArchive, store: CrawlStore, run_id: int,
                 recheck_days: float = 0) -> PortalSummary:
    """Crawl one portal; never raises for the portal's own trouble (it is in the summary and the log).
    `recheck_days`: see `due` (0: every report page and file is asked for, conditionally, on every crawl)."""
    crawl = PortalCrawl(portal, fetcher, archive, store, run_id, recheck_days)
    try:
        return crawl.run()
    except Exception as err:  # a discovery bug on one portal must not stop the others
        crawl.summary.errors.append(f"{portal.base_url}: crawler_error: {type(err).__name__}: {err}")
        return crawl.summary
