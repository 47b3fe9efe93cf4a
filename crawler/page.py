"""A fetched page, decoded and parsed once: its links, its metadata, the report links it lists."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from crawler.titles import clean_title, is_report_title, report_year
from extractors.html import decode_html, published_date

# What a document link's name promises (the format `extractors.sniff` should find in its bytes).
DOCUMENT_KINDS = {".pdf": "pdf", ".docx": "docx", ".doc": "ole", ".wps": "ole", ".xls": "ole", ".xlsx": "xlsx",
                  ".rtf": "rtf", ".ofd": "ofd"}
ATTACHMENT_EXTENSIONS = tuple(DOCUMENT_KINDS)
_DATE = re.compile(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")
# Elements whose strings BeautifulSoup reads as strings of their own kind (Script, Stylesheet, …): code, styles,
# templates and ruby annotations are not the text of the elements around them.
_HIDDEN = frozenset({"script", "style", "template", "rt", "rp"})
_CHUNK = 512  # characters per feed, as BeautifulSoup feeds lxml: libxml2's recovery can depend on the chunks


def parse_html(text: str):
    """The page's element tree (lxml's HTML parser, which BeautifulSoup's "lxml" builder drives too: the same
    elements, without a Python object per node); None for a page with no element at all."""
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = etree.HTMLParser(recover=True, huge_tree=True)  # huge: 2,048 levels deep, not 256
    for start in range(0, len(text), _CHUNK):
        parser.feed(text[start:start + _CHUNK])
    try:
        return parser.close()
    except etree.XMLSyntaxError:  # nothing that parses to an element (an empty body)
        return None


def strings_of(element) -> list[str]:
    """The strings BeautifulSoup's get_text joins for an element, in document order, without comments. A string
    inside a script, style, template, rt or rp element belongs to the innermost of them, and is read only by
    get_text on that element itself (as BeautifulSoup's string classes have it)."""
    def container(node):
        return node.tag if isinstance(node.tag, str) and node.tag in _HIDDEN else None

    wanted = container(element)
    inside = wanted or next((up.tag for up in element.iterancestors() if container(up)), None)
    strings: list[str] = []
    # Depth-first without recursion (Word-pasted pages nest deeper than Python's stack): a node's text, then its
    # children, each followed by its tail, which is read in the node's context.
    stack: list = [(element, inside, False)]
    while stack:
        node, inside, is_tail = stack.pop()
        if is_tail:
            if inside == wanted:
                strings.append(node)
            continue
        if not isinstance(node.tag, str):  # a comment or processing instruction: its tail is the parent's
            continue
        inner = container(node) or inside
        if node.text and inner == wanted:
            strings.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append((child.tail, inner, True))
            stack.append((child, inner, False))
    return strings


def joined(strings: list[str], separator: str = "", strip: bool = False) -> str:
    """get_text(separator, strip) of the element `strings` were read from (see strings_of)."""
    if strip:
        strings = [s for s in (s.strip() for s in strings) if s]
    return separator.join(strings)


def text_of(element, separator: str = "", strip: bool = False) -> str:
    """The text of an element as BeautifulSoup's get_text(separator, strip) reads it."""
    return joined(strings_of(element), separator, strip)


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
    def tree(self):
        """The parsed page (lxml; None when nothing in it parses to an element)."""
        return parse_html(self.text)

    @cached_property
    def strings(self) -> list[str]:
        """The page's strings (see strings_of), walked once for its published date and its tables verdict."""
        return strings_of(self.tree) if self.tree is not None else []

    def resolve(self, href: str) -> str | None:
        href = (href or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            return None
        return urldefrag(urljoin(self.url, href))[0]

    def links(self) -> list[Link]:
        """Every <a href> (only `href`: a dead OLDSRC attribute is never followed), with its full title."""
        if self.tree is None:
            return []
        out = []
        for a in self.tree.iter("a"):
            href = a.get("href")
            url = self.resolve(href) if href is not None else None
            if not url:
                continue
            strings = strings_of(a)
            text = clean_title(joined(strings, " ", strip=True))
            full = clean_title(a.get("title") or "")
            title = full if full and (len(full) >= len(text) or text.endswith("…") or "…" in joined(strings)) else text
            date = None
            holder = next(a.iterancestors("li"), None)
            if holder is None:
                holder = a.getparent()
            if holder is not None:
                m = _DATE.search(text_of(holder, " ", strip=True))
                if m:
                    date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            out.append(Link(url, title, date, self.url))
        return out

    def report_links(self) -> list[Link]:
        return [link for link in self.links() if link.is_report]

    @cached_property
    def meta(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in (self.tree.iter("meta") if self.tree is not None else ()):
            name = m.get("name") or m.get("property")
            if name and m.get("content") is not None and name not in out:
                out[name] = m.get("content").strip()
        return out

    @property
    def published(self) -> str | None:
        return published_date(self.meta, joined(self.strings, " "))

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
        if self.tree is None or next(self.tree.iter("table"), None) is None:
            return False
        text = joined(self.strings)
        return any(word in text for word in ("申请人情况", "本年新收政府信息公开申请数量", "行政复议", "主动公开"))

    def body_images(self, limit: int = 40) -> list[tuple[str, str]]:
        """(src as written, absolute URL) of the pictures in the article's body (not the site's chrome)."""
        from bs4 import BeautifulSoup

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
