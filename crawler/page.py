"""A fetched page, decoded and parsed once: its links, its metadata, the report links it lists."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from crawler.titles import clean_title, is_report_title, report_year
from extractors.html import decode_html, published_date

# What a document link's name promises (the format `extractors.sniff` should find in its bytes).
DOCUMENT_KINDS = {".pdf": "pdf", ".docx": "docx", ".doc": "ole", ".wps": "ole", ".xls": "ole", ".xlsx": "xlsx",
                  ".rtf": "rtf", ".ofd": "ofd"}
ATTACHMENT_EXTENSIONS = tuple(DOCUMENT_KINDS)
_DATE = re.compile(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")


@dataclass
class Link:
    url: str
    title: str  # the link's full title: its `title` attribute when the text is cut with …
    date: str | None = None  # the date printed beside it in a list
    referrer: str | None = None

    @property
    def is_report(self) -> bool:
        return is_report_title(self.title)

    @property
    def year(self) -> int | None:
        return report_year(self.title)


class Page:
    def __init__(self, url: str, body: bytes, content_type: str | None = None, encoding: str | None = None):
        self.url = url
        self.body = body
        self.content_type = content_type or ""
        self.encoding_hint = encoding

    @cached_property
    def text(self) -> str:
        header = re.search(r"charset=([\w-]+)", self.content_type, re.I)
        for label in (self.encoding_hint, header.group(1) if header else None):
            if label:
                codec = "gb18030" if label.lower().replace("-", "") in ("gb2312", "gbk", "gb18030") else label
                try:
                    codecs.lookup(codec)
                    return self.body.decode(codec)
                except (LookupError, UnicodeDecodeError):
                    pass
        try:
            return decode_html(self.body)[0]
        except Exception:  # a page no encoding reads: parse what latin-1 gives, links are ASCII anyway
            return self.body.decode("latin-1")

    @cached_property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "lxml")

    def resolve(self, href: str) -> str | None:
        href = (href or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            return None
        return urldefrag(urljoin(self.url, href))[0]

    def links(self, within=None) -> list[Link]:
        """Every <a href> (only `href`: a dead OLDSRC attribute is never followed), with its full title."""
        root = within if within is not None else self.soup
        out = []
        for a in root.find_all("a", href=True):
            url = self.resolve(a["href"])
            if not url:
                continue
            text = clean_title(a.get_text(" ", strip=True))
            full = clean_title(a.get("title") or "")
            title = full if full and (len(full) >= len(text) or text.endswith("…") or "…" in a.get_text()) else text
            date = None
            holder = a.find_parent("li") or a.parent
            if holder is not None:
                m = _DATE.search(holder.get_text(" ", strip=True))
                if m:
                    date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            out.append(Link(url, title, date, self.url))
        return out

    def report_links(self) -> list[Link]:
        return [link for link in self.links() if link.is_report]

    @cached_property
    def meta(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in self.soup.find_all("meta"):
            name = m.get("name") or m.get("property")
            if name and m.get("content") is not None and name not in out:
                out[name] = m["content"].strip()
        return out

    @property
    def published(self) -> str | None:
        return published_date(self.meta, self.soup.get_text(" "))

    @property
    def site_id_code(self) -> str | None:
        code = self.meta.get("SiteIDCode") or self.meta.get("siteidcode")
        return code if code and re.fullmatch(r"[0-9A-Za-z]{6,12}", code) else None

    def attachments(self) -> list[Link]:
        """Links to documents (PDF, DOC(X), WPS, …) on an article page."""
        out = []
        for link in self.links():
            path = urlsplit(link.url).path.lower()
            query = urlsplit(link.url).query.lower()
            if path.endswith(ATTACHMENT_EXTENSIONS) or (
                    ("download" in path or "downfile" in path) and any(e in query for e in ATTACHMENT_EXTENSIONS)):
                out.append(link)
        return out

    def has_report_tables(self) -> bool:
        """Whether the page itself prints the report's tables (rather than only linking attachments)."""
        if not self.soup.find("table"):
            return False
        text = self.soup.get_text("")
        return any(word in text for word in ("申请人情况", "本年新收政府信息公开申请数量", "行政复议", "主动公开"))

    def body_images(self, limit: int = 40) -> list[tuple[str, str]]:
        """(src as written, absolute URL) of the pictures in the article's body (not the site's chrome)."""
        from extractors.html import find_body
        body = find_body(BeautifulSoup(self.text, "lxml"))  # find_body trims chrome: work on a copy
        out, seen = [], set()
        for img in body.find_all("img", src=True):
            src = img["src"].strip()
            url = self.resolve(src)
            if url and not src.startswith("data:") and src not in seen:
                seen.add(src)
                out.append((src, url))
        return out[:limit]
