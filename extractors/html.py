"""HTML article pages → Layout: decode, find the report body among the portal's chrome, walk it into blocks."""
from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from extractors.metadata import source_line
from extractors.model import ExtractionError, Grid, GridCell, Layout, Paragraph

MEDIA_TYPE = "text/html"

# Containers of the report body in the CMS families portals run on, most specific first.
BODY_SELECTORS = (".TRS_Editor", ".TRS_UEDITOR", "#zoom", ".bt_content", ".article-content",
                  ".hbgov-article-content", "article")

_GB_FAMILY = {"gb2312", "gbk", "x-gbk", "gb_2312", "gb_2312-80", "cp936", "ms936", "windows-936", "euc-cn",
              "csgb2312", "gb18030", "chinese", "iso-ir-58", "csiso58gb231280", "x-euc-cn"}
# Labels under which servers and editors declare "western" text when they mean nothing in particular.
_WESTERN = {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252"}

_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
              "select", "button", "input", "textarea", "head", "title", "meta", "link", "o:p"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
               "blockquote", "pre", "center", "dl", "dt", "dd", "header", "footer", "main", "aside",
               "form", "address", "figure", "figcaption", "hr", "caption", "tr", "tbody", "thead", "tfoot",
               "nav", "fieldset", "legend", "body", "html"}
# Page chrome, recognised by class/id words: menus, breadcrumbs, share bars, footers.
_CHROME_WORD = re.compile(
    r"(?:^|[-_])(nav|navbar|menu|menus|header|head|top|topbar|footer|foot|bottom|breadcrumb|crumb|crumbs|"
    r"position|location|sidebar|side|share|toolbar|tools|print|copyright|links|friendlink|search|"
    r"related|relevant|xgwz)(?:[-_]|$)", re.I)

BREAK = "\x0b"  # a visible line break while text is being gathered (source newlines are only spaces)
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]"
_SOURCE_WRAP = re.compile(rf"(?<={_CJK})[ \t\r\f]*\n[ \t\r\n\f]*(?={_CJK})")
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


# ------------------------------------------------------------------ decoding

def _declared_charset(data: bytes) -> str | None:
    head = data[:16384]
    m = re.search(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", head, re.I) or \
        re.search(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.\-]+)", head, re.I)
    return m.group(1).decode("ascii").lower() if m else None


def _python_codec(label: str) -> str | None:
    label = label.lower()
    if label in _GB_FAMILY:
        return "gb18030"  # GB2312/GBK pages use GBK's extra characters; GB18030 is their superset
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding used). Raises ExtractionError('corrupt') when no encoding reads the bytes."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), codec
            except UnicodeDecodeError:
                break
    declared = _declared_charset(data)
    codec = _python_codec(declared) if declared else None
    if codec and codecs.lookup(codec).name in _WESTERN or (declared and declared in _WESTERN):
        # Error pages and lazy templates say latin-1 over UTF-8 Chinese text.
        codec = "utf-8" if _decodes(data, "utf-8") else "windows-1252"
    if codec and _decodes(data, codec):
        return data.decode(codec), codec
    if _decodes(data, "utf-8"):
        return data.decode("utf-8"), "utf-8"
    if b"\x00" in data[:4096]:
        raise ExtractionError("corrupt", "the page is binary data, not text")
    guess = _detect(data)
    if guess:
        return guess
    if codec:
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 1000):  # a few bad bytes in an otherwise sound page
            return text, codec
    raise ExtractionError("corrupt", "the page's text encoding could not be recognised")


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    codec = _python_codec(best.encoding) or best.encoding
    if codec != "gb18030" and _decodes(data, "gb18030"):
        # The detector sometimes names a sibling CJK or single-byte code page for GBK bytes; a page that reads
        # cleanly as GB18030 with more Han characters than the guess is the Chinese page it looks like.
        guess, gb = str(best), data.decode("gb18030")
        if _han_count(gb) > _han_count(guess):
            return gb, "gb18030"
    try:
        return data.decode(codec), codec
    except (UnicodeDecodeError, LookupError):
        return str(best), best.encoding


def _han_count(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


# ------------------------------------------------------------------ text of elements

def _is_text(node) -> bool:
    return isinstance(node, NavigableString) and not isinstance(
        node, (Comment, CData, Declaration, Doctype, ProcessingInstruction))


def _hidden(tag: Tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or tag.has_attr("hidden")


def _finish(raw: str) -> str:
    """Gathered text → clean lines: source wraps between Han characters vanish, spaces collapse."""
    raw = _SOURCE_WRAP.sub("", raw)
    lines = (_SPACES.sub(" ", line).strip() for line in raw.split(BREAK))
    return "\n".join(line for line in lines if line)


def _gather(el: Tag, out: list[str]) -> None:
    """Visible text under `el`, block and <br> boundaries as BREAK; nested tables row by row."""
    for child in el.children:
        if _is_text(child):
            out.append(str(child))
        elif isinstance(child, Tag):
            name = child.name
            if name in _SKIP_TAGS or _hidden(child):
                continue
            if name == "br":
                out.append(BREAK)
            elif name in ("td", "th"):
                _gather(child, out)
                out.append(" ")
            elif name in _BLOCK_TAGS or name == "table":
                out.append(BREAK)
                _gather(child, out)
                out.append(BREAK)
            else:
                _gather(child, out)


def element_text(el: Tag) -> str:
    out: list[str] = []
    _gather(el, out)
    return _finish("".join(out))


# ------------------------------------------------------------------ tables

def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _own_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr and not _hidden(c)]


def _span(value, default: int = 1) -> int:
    m = re.match(r"\s*(\d+)", str(value or ""))
    return int(m.group(1)) if m else default


def _is_width_pin(tr: Tag) -> bool:
    """Word's closing row of zero-height, borderless cells that only fixes column widths."""
    cells = _own_cells(tr)
    if not cells or any(element_text(c) for c in cells):
        return False
    if tr.get("height", "").strip() == "0":
        return True
    return all("border:none" in (c.get("style") or "").replace(" ", "").lower() for c in cells)


def _is_layout_table(table: Tag) -> bool:
    """A table used to position page parts: it holds another table of real rows and columns."""
    for inner in table.find_all("table"):
        rows = _own_rows(inner)
        if len(rows) >= 2 and max((len(_own_cells(r)) for r in rows), default=0) >= 2:
            return True
    return False


def table_grid(table: Tag, index: int) -> Grid:
    """A <table> as a full rectangle: each cell once at its top-left, positions it covers None."""
    trs = [tr for tr in _own_rows(table) if not _is_width_pin(tr)]
    placed: dict[tuple[int, int], GridCell | None] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in _own_cells(tr):
            while (r, c) in placed:
                c += 1
            rowspan = _span(td.get("rowspan"))
            colspan = max(1, min(_span(td.get("colspan")), 1000))
            if rowspan == 0 or r + rowspan > len(trs):  # 0 = to the end of the table
                rowspan = len(trs) - r
            rowspan = max(rowspan, 1)
            placed[(r, c)] = GridCell(element_text(td), {"table": index, "row": r, "col": c}, rowspan, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed.setdefault((r + dr, c + dc), None)
            c += colspan
            width = max(width, c)
    rows = []
    for r in range(len(trs)):
        row = []
        for c in range(width):
            if (r, c) in placed:
                row.append(placed[(r, c)])
            else:  # a short row: the position exists on screen but nobody wrote there
                row.append(GridCell("", {"table": index, "row": r, "col": c}))
        rows.append(row)
    caption = table.find("caption")
    caption_text = element_text(caption) if caption is not None and caption.find_parent("table") is table else ""
    return Grid(rows, {"table": index}, caption_text)


# ------------------------------------------------------------------ walking the body

class _Walker:
    def __init__(self, read_picture=None):
        self.blocks: list[Paragraph | Grid] = []
        self.buffer: list[str] = []
        self.paragraphs = 0
        self.tables = 0
        self.read_picture = read_picture  # src, first table index, picture number → blocks (OCR), or None
        self.pictures = 0
        self.pictures_read = 0

    def picture(self, img: Tag):
        blocks = self.read_picture(img.get("src") or "", self.tables, self.pictures)
        self.pictures += 1
        if not blocks:
            return
        self.flush()
        self.pictures_read += 1
        for block in blocks:
            self.blocks.append(block)
            if isinstance(block, Grid):
                self.tables += 1

    def flush(self):
        text = _finish("".join(self.buffer))
        self.buffer = []
        if text:
            self.blocks.append(Paragraph(text, {"paragraph": self.paragraphs}))
            self.paragraphs += 1

    def walk(self, el: Tag):
        for child in el.children:
            if _is_text(child):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _SKIP_TAGS or _hidden(child):
                continue
            if name == "br":
                self.buffer.append(BREAK)
            elif name == "img" and self.read_picture is not None:
                self.picture(child)
            elif name == "table":
                self.flush()
                self.table(child)
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table: Tag):
        if _is_layout_table(table):
            for tr in _own_rows(table):
                for td in _own_cells(tr):
                    self.walk(td)
                    self.flush()
            return
        grid = table_grid(table, self.tables)
        if any(cell is not None and cell.text for row in grid.rows for cell in row):
            self.blocks.append(grid)
            self.tables += 1


# ------------------------------------------------------------------ finding the body

def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("nav", "header", "footer", "aside"):
        return True
    if tag.name in ("table", "tr", "td", "th", "tbody", "p", "span", "h1", "h2", "h3", "h4", "h5", "h6"):
        return False
    words = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    return any(_CHROME_WORD.search(w) for w in words.split())


def _strip_chrome(root: Tag) -> None:
    for tag in list(root.find_all(True)):
        if not tag.decomposed and _is_chrome(tag):
            tag.decompose()


def _has_content(el: Tag) -> bool:
    return el.find("table") is not None or len(element_text(el)) >= 20


def _densest(root: Tag) -> Tag:
    """The element that holds most of the page's paragraph and table text (readability's idea)."""
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    for block in root.find_all(["p", "table", "h1", "h2", "h3", "h4", "pre", "blockquote", "div", "td"]):
        if block.name == "table" and _is_layout_table(block):
            continue
        if block.name in ("div", "td") and block.find(["p", "div", "table", "td"]) is not None:
            continue  # only leaf text containers count for their parent
        if block.name != "table" and block.find_parent("table") is not None and \
                not _is_layout_table(block.find_parent("table")):
            continue  # text inside a data table is credited through the table
        length = len(element_text(block))
        if not length:
            continue
        for weight, holder in ((1.0, block.parent), (0.5, block.parent.parent if block.parent else None)):
            if isinstance(holder, Tag):
                scores[id(holder)] = scores.get(id(holder), 0) + weight * length
                elements[id(holder)] = holder
    if not scores:
        return root
    return elements[max(scores, key=scores.get)]


def find_body(soup: BeautifulSoup) -> Tag:
    for selector in BODY_SELECTORS:
        for el in soup.select(selector):
            if _has_content(el):
                return el
    root = soup.body or soup
    _strip_chrome(root)
    return _densest(root)


# ------------------------------------------------------------------ title, date, metadata

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_DATE_LINES = (re.compile(rf"(?:发布时间|发布日期)\s*[:：]\s*{_DATE}"),
               re.compile(rf"(?<!成文)(?<!印发)(?<!发文)(?:日期|时间)\s*[:：]\s*{_DATE}"))
_PUBDATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date",
                 "dcterms.issued")
_SITE_PART = re.compile(r"(人民政府|政府网|门户网站|网站|政务网|官网|平台|网)$")


def _iso(y: str, m: str, d: str) -> str | None:
    y_, m_, d_ = int(y), int(m), int(d)
    if 1990 <= y_ <= 2100 and 1 <= m_ <= 12 and 1 <= d_ <= 31:
        return f"{y_:04d}-{m_:02d}-{d_:02d}"
    return None


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in soup.find_all("meta"):
        name = m.get("name") or m.get("property")
        content = m.get("content")
        if name and content is not None and len(content) <= 500 and name not in out:
            out[name] = content.strip()
    return out


def published_date(meta: dict[str, str], page_text: str) -> str | None:
    for name, content in meta.items():
        if name.lower() in _PUBDATE_META:
            m = re.search(_DATE, content)
            if m and _iso(*m.groups()):
                return _iso(*m.groups())
    for pattern in _DATE_LINES:
        for m in pattern.finditer(page_text):
            iso = _iso(*m.groups())
            if iso:
                return iso
    return None


def strip_site_suffix(title: str) -> str:
    """'报告标题_呼兰区人民政府' → '报告标题': drop trailing parts that name the site."""
    parts = [p.strip() for p in re.split(r"\s*[_|｜]\s*|\s+[-—–]+\s+", title) if p.strip()]
    if not parts:
        return title.strip()
    for p in parts:
        if "报告" in p or "年报" in p:
            return p
    while len(parts) > 1 and _SITE_PART.search(parts[-1]):
        parts.pop()
    return "_".join(parts)


def _title_candidates(soup: BeautifulSoup) -> list[str]:
    """Headings and title-classed elements outside the page chrome, in document order."""
    found: list[str] = []
    for el in soup.find_all(lambda t: t.name in ("h1", "h2") or (
            t.name not in ("html", "body", "meta", "title") and any(
                "title" in w.lower() for w in (t.get("class") or []) + [t.get("id") or ""]))):
        if any(_is_chrome(p) for p in el.parents if isinstance(p, Tag)):
            continue
        text = element_text(el).replace("\n", "")
        if text and len(text) <= 120 and text not in found:
            found.append(text)
    return found


def page_title(soup: BeautifulSoup, meta: dict[str, str]) -> str | None:
    for name in ("ArticleTitle", "articletitle", "og:title"):
        if meta.get(name):
            return meta[name]
    head_title = strip_site_suffix(soup.title.get_text()) if soup.title and soup.title.get_text().strip() else None
    candidates = _title_candidates(soup)
    for c in candidates:
        if head_title and (c in head_title or head_title in c):
            return c
    for c in candidates:
        if "报告" in c or "年报" in c:
            return c
    return head_title or (candidates[0] if candidates else None)


# ------------------------------------------------------------------ the reader

def picture_bytes(src: str, images: dict[str, bytes], page_url: str | None) -> bytes | None:
    """The bytes given for an `<img src>`: by src as written, by its absolute URL, or by a file name only one
    picture has."""
    if src in images:
        return images[src]
    if page_url and re.match(r"https?://", page_url):
        from urllib.parse import urljoin
        absolute = urljoin(page_url, src)
        if absolute in images:
            return images[absolute]
    name = src.rsplit("/", 1)[-1]
    same = [data for key, data in images.items() if key.rsplit("/", 1)[-1] == name]
    return same[0] if len(same) == 1 else None


def _picture_reader(images: dict[str, bytes] | None, page_url: str | None, state: dict):
    """OCR of the body's pictures when they were given and the OCR extra is installed; `state` says why not."""
    if not images:
        state["ocr_state"] = "its pictures were not supplied"
        return None
    from extractors import ocr
    if not ocr.available():
        state["ocr_state"] = "the OCR extra is not installed (pip install 'gkreports[ocr]')"
        return None
    state["ocr_state"] = "OCR found no table in its pictures"

    def read(src: str, first_table: int, picture: int):
        data = picture_bytes(src, images, page_url)
        if data is None:
            return None
        try:
            return ocr.picture_blocks(data, picture, first_table)
        except ExtractionError as err:  # one broken picture: the others may still carry the tables
            state.setdefault("ocr_notes", []).append(f"picture {src}: {err.message}")
            return None
    return read


def read_html(data: bytes, source: str | None = None, images: dict[str, bytes] | None = None,
              page_url: str | None = None) -> Layout:
    """An HTML page → Layout of its report body (paragraphs and grids in document order). With `images`
    (img src or URL → bytes) the body's pictures are read by OCR, their tables becoming grids in place."""
    if not data or not data.strip():
        raise ExtractionError("empty", "the page is empty", source)
    try:
        text, encoding = decode_html(data)
    except ExtractionError as err:
        err.source = source
        raise
    if not text.strip():
        raise ExtractionError("empty", "the page is empty", source)
    controls = len(_CONTROLS.findall(text))
    if controls > max(2, len(text) // 200):  # NULs and escapes decode "cleanly" but are no page
        raise ExtractionError("corrupt", "the file is binary data, not an HTML page", source)
    try:
        return _read(text, encoding, source, images, page_url)
    except ExtractionError:
        raise
    except Exception as err:  # noqa: BLE001 - a parser failure must not escape as a traceback
        raise ExtractionError("corrupt", f"the page could not be parsed as HTML ({type(err).__name__})",
                              source) from err


def _read(text: str, encoding: str, source: str | None, images: dict[str, bytes] | None = None,
          page_url: str | None = None) -> Layout:
    soup = BeautifulSoup(text, "lxml")
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, CData, ProcessingInstruction))):
        node.extract()
    meta = _meta_tags(soup)
    title = page_title(soup, meta)
    for tag in soup.find_all(["script", "style", "noscript", "template"]):
        tag.decompose()
    page_text = soup.get_text(" ")
    published = published_date(meta, page_text)
    source = source_line(page_text)  # 来源：… / 发布机构：… in the page's header, evidence for the publisher

    body = find_body(soup)
    # Share bars and print links sit inside some CMS bodies too.
    for tag in list(body.find_all(True)):
        if not tag.decomposed and _is_chrome(tag):
            tag.decompose()
    state: dict = {}
    walker = _Walker(_picture_reader(images, page_url, state) if body.find("img") is not None else None)
    walker.walk(body)
    walker.flush()
    if not walker.blocks:
        raise ExtractionError("empty", "the page has no visible text", source)

    meta["encoding"] = encoding
    if source:
        meta["source_line"] = source
    pictures = len(body.find_all("img"))
    if pictures:
        meta["body_images"] = str(pictures)
        if "ocr_state" in state:
            meta["ocr_state"] = state["ocr_state"]
    if walker.pictures_read:
        meta["ocr"] = "html"
    return Layout(walker.blocks, MEDIA_TYPE, title=title, published=published, meta=meta)
