"""PDF reader: ruled tables (merged cells expanded) and the text around them, page by page in reading order.

Ruled tables come from pdfplumber's line-based table finder, run only on the pages whose ruling lines could
make a table (a page of running text costs its characters and nothing more). A page whose report rows carry
no rules (a table drawn without borders, or a scan with an OCR text layer) is read from the words' positions:
lines by height, cells at wide gaps, values aligned to the columns their numbers stand in.
"""
from __future__ import annotations

import bisect
import contextlib
import io
import logging
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import pdfplumber
from pdfminer.cmapdb import CMapDB
from pdfminer.layout import LTChar, LTContainer, LTCurve
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.utils.exceptions import PdfminerException

from extractors.cells import NOT_APPLICABLE, read_cell
from extractors.limits import check_pdf_pages
from extractors.metadata import published_date
from extractors.model import ExtractionError, Grid, GridCell, Layout, Paragraph

# pdfminer logs a warning per damaged object; a damaged file is reported once, as an ExtractionError.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

PDF_MEDIA_TYPE = "application/pdf"

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_OFFICE_PREFIX = re.compile(r"^\s*Microsoft\s+(?:Office\s+)?(?:Word|Excel|PowerPoint)\s*[-–—]\s*", re.I)
_FILE_SUFFIX = re.compile(r"\.(?:docx?|wps|rtf|odt|pdf|xlsx?)\s*$", re.I)
_FOLIO = re.compile(r"^[-—–\s]*(?:第\s*)?\d+\s*页?\s*(?:(?:/|共)\s*\d+\s*页?)?[-—–\s]*$")
_GENERIC_TITLES = {"untitled", "无标题", "document", "文档", "title", "标题"}


# ------------------------------------------------------------------ the document
def read_pdf(data: bytes) -> Layout:
    """Paragraphs and tables of every page, in reading order; tables as full grids, merged cells once."""
    if data[:1024].find(b"%PDF-") < 0:
        raise ExtractionError("corrupt", "not a PDF file (no %PDF header)")
    if data.rstrip(b" \t\r\n\x00")[-4096:].find(b"%%EOF") < 0:
        raise ExtractionError("corrupt", "the PDF is truncated (it has no end-of-file marker); download it again")
    pdf = _open(data)
    try:
        check_pdf_pages(_declared_pages(pdf))  # before any page is walked
        check_pdf_pages(len(pdf.pages))  # a page tree may declare fewer pages than it holds
        pages = [_raw_page(page) for page in pdf.pages]
        metadata = _metadata(pdf.metadata)
    except ExtractionError:
        raise
    except Exception as e:  # pdfminer raises many kinds on damaged objects and streams
        raise ExtractionError("corrupt", f"the PDF is damaged: {_reason(e)}") from None
    finally:
        with contextlib.suppress(Exception):  # close() walks the pages again and re-raises on a damaged file
            pdf.close()
    if not pages:
        raise ExtractionError("corrupt", "the PDF has no pages")
    if not any(c["text"].strip() for page in pages for c in page.chars):
        raise ExtractionError("no_text_layer", "no text layer: needs OCR")

    body = _body_edges(pages)
    blocks: list[Paragraph | Grid] = []
    carried = None
    for number, page in enumerate(pages, 1):
        page_blocks, carried = _page_blocks(page, number, body, carried)
        blocks.extend(page_blocks)
    title = _sensible_title(metadata.get("title")) or _visual_title(pages[0])
    published = published_date(b.text for b in blocks if isinstance(b, Paragraph))
    return Layout(blocks, PDF_MEDIA_TYPE, title=title, published=published, meta=metadata)


def _open(data: bytes):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ExtractionError("encrypted", "the PDF is password-protected; open it with its password, "
                                               "save an unprotected copy and try again") from None
        raise ExtractionError("corrupt", f"not a readable PDF: {_reason(cause)}") from None
    except Exception as e:
        raise ExtractionError("corrupt", f"not a readable PDF: {_reason(e)}") from None


def _declared_pages(pdf) -> int:
    """The page count the page tree's root declares (0 when it cannot be read: the pages are then counted)."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return count if isinstance(count, int) else 0
    except Exception:  # noqa: BLE001 - a damaged tree is reported when the pages are read
        return 0


def _reason(error: BaseException) -> str:
    return str(error).strip() or type(error).__name__


def _metadata(info: dict) -> dict[str, str]:
    out = {}
    for key, value in (info or {}).items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str) and value.strip():
            out[str(key).lower()] = value.strip()
    return out


def _sensible_title(title: str | None) -> str | None:
    """The metadata title, unless it is a template's placeholder or a bare file name."""
    if not title:
        return None
    t = _FILE_SUFFIX.sub("", _OFFICE_PREFIX.sub("", title)).strip()
    if t.lower() in _GENERIC_TITLES or len(t) < 4 or not any(_is_cjk(ch) for ch in t):
        return None
    return t


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# ------------------------------------------------------------------ raw page content
@dataclass
class RawPage:
    width: float
    height: float
    chars: list[dict]
    tables: list[list[tuple[float, float, float, float]]]  # each table: its cells' bboxes
    _lines: dict[tuple[int, ...], list[Line]] = field(default_factory=dict, repr=False, compare=False)

    def lines(self, chars: list[dict]) -> list[Line]:
        """text_lines of some of the page's characters, grouped once: the body edges, the page's blocks and the
        title read the same characters (the text outside the ruled tables; every character on a page without)."""
        key = tuple(map(id, chars))
        if key not in self._lines:
            self._lines[key] = text_lines(chars)
        return self._lines[key]

    @cached_property
    def body_size(self) -> float:
        """The median size of the page's characters (asked once per run of text lines)."""
        sizes = [c["size"] for c in self.chars if c["text"].strip()]
        return statistics.median(sizes) if sizes else 0.0


def _raw_page(page) -> RawPage:
    gb_fonts = _gb_cid_fonts(page)
    drawn = _text_only_chars(page)
    chars = [c for c in unique_chars(page.chars if drawn is None else drawn) if c.get("text")]
    if gb_fonts:
        for c in chars:
            if c["fontname"] in gb_fonts and (m := _CID.match(c["text"])):
                c["text"] = _adobe_gb1(int(m[1])) or c["text"]
    tables = []
    if may_hold_table(page):  # the finder reads the rules only, so it runs on the page as parsed
        tables = [t.cells for t in page.find_tables(_TABLE_SETTINGS) if len(t.cells) >= 2]
    return RawPage(float(page.width), float(page.height), chars, tables)


def _layout_items(items):
    """pdfminer's layout objects of a page (page.layout), those inside a figure (a form XObject) too, in the
    order pdfplumber makes its objects of them."""
    for obj in items:
        if isinstance(obj, LTContainer):
            yield from _layout_items(obj)
        else:
            yield obj


def _text_only_chars(page) -> list[dict] | None:
    """The characters of a page that draws nothing but text, read from pdfminer's layout of it, with the same
    values page.chars holds for them; None for any other page (it is read from page.chars).

    page.chars is built with the rest of pdfplumber's objects: a dict per character of every attribute pdfminer
    gives it (some twenty), each resolved in case it is an indirect object: on a page of text, about 30% of
    what page.chars costs in all (pdfminer's interpretation of the page the rest), more than all the reading
    that follows.
    The reader needs nine of them, plain numbers and strings here, so they are taken as they are; the
    positions as pdfplumber gives them: from the top of the page (and of the document, for doctop), the media
    box's corner added. A page that draws anything else (rules, images: their objects are built for the table
    finder anyway), or whose characters carry what pdfplumber would resolve, repair or normalise first (a font
    name in bytes, a marked-content id given indirectly, unicode_norm), is left to pdfplumber: whatever it
    would raise on a damaged file, it still raises there. The tests hold the two readings equal."""
    items = list(_layout_items(page.layout))
    if page.pdf.unicode_norm is not None or not all(isinstance(obj, LTChar) and isinstance(obj.fontname, str)
               and isinstance(getattr(obj, "mcid", None), (int, type(None))) for obj in items):
        return None
    height, doctop = page.height, page.initial_doctop
    left, top = page.mediabox[0], page.mediabox[1]
    chars = []
    for obj in items:
        y = (height - obj.y1) + top
        chars.append({"text": obj.get_text(), "fontname": obj.fontname, "size": obj.size, "upright": obj.upright,
                      "x0": obj.x0 + left if left != 0 else obj.x0, "x1": obj.x1 + left if left != 0 else obj.x1,
                      "top": y, "bottom": (height - obj.y0) + top, "doctop": doctop + y})
    return chars


def may_hold_table(page) -> bool:
    """Whether the page's ruling lines are enough for a table of two cells or more (the only tables kept), so
    that the table finder must look at it. Two cells need two rules one way and three the other: their corners
    are where a vertical rule crosses a horizontal one, and two cells have two top-left corners. The finder only
    snaps and joins rules before it looks for corners, never splits one, so counting them as drawn can only
    overcount. A page of running text (no rules, or a rule under a heading or a letterhead) and a table drawn
    without rules are passed over; those are read from the words' positions either way. A page that draws no
    path at all (no rule, box or curve among pdfminer's objects) has no edge, so it is passed over without
    pdfplumber's objects being built: _text_only_chars reads its characters without them."""
    if not any(isinstance(obj, LTCurve) for obj in _layout_items(page.layout)):
        return False
    rules = Counter(edge["orientation"] for edge in page.edges)
    return min(rules["h"], rules["v"]) >= 2 and rules["h"] + rules["v"] >= 5


def table_pages(pdf) -> set[int]:
    """Numbers (from 1) of the pages of an open pdfplumber PDF that read_pdf runs the table finder on."""
    return {number for number, page in enumerate(pdf.pages, 1) if may_hold_table(page)}


def unique_chars(chars: list[dict], tolerance: float = 1.0) -> list[dict]:
    """The page's characters without duplicates (a glyph drawn twice to look bold), in the page's order: what
    pdfplumber's dedupe_chars keeps, without its cost (it orders the kept characters by list.index, a scan of
    the page per character, and clusters every character's positions even when its glyph occurs once).
    Characters of one glyph (text, font, size, direction) whose tops run within `tolerance` of each other, and
    among them those whose left edges do, are one: the topmost, then leftmost, first drawn."""
    glyphs: dict[tuple, list[dict]] = defaultdict(list)
    for c in chars:
        glyphs[(c["upright"], c["text"], c["fontname"], c["size"])].append(c)
    dropped: set[int] = set()
    for same in glyphs.values():
        if len(same) < 2:
            continue
        for row in _runs(same, "doctop", tolerance):
            if len(row) < 2:
                continue
            for place in _runs(row, "x0", tolerance):
                kept = min(place, key=lambda c: (c["doctop"], c["x0"]))
                dropped.update(id(c) for c in place if c is not kept)
    return [c for c in chars if id(c) not in dropped]


def _runs(chars: list[dict], key: str, tolerance: float) -> list[list[dict]]:
    """Characters grouped as pdfplumber clusters them: sorted values, each within `tolerance` of the one before
    it, make one run; characters keep their order inside a run."""
    run_of: dict[float, int] = {}
    run, last = -1, None
    for value in sorted({c[key] for c in chars}):
        if last is None or value > last + tolerance:
            run += 1
        run_of[value] = run
        last = value
    runs: dict[int, list[dict]] = defaultdict(list)
    for c in chars:
        runs[run_of[c[key]]].append(c)
    return list(runs.values())


_CID = re.compile(r"^\(cid:(\d+)\)$")
_GB_ENCODING = re.compile(r"^(?:Uni)?GB", re.I)


def _gb_cid_fonts(page) -> set[str]:
    """Names of the page's fonts that address glyphs by Adobe-GB1 CID through a predefined CMap (UniGB-UCS2-H,
    GBK-EUC-H…). Their CIDs are standard, so a character pdfminer could not map (its CIDSystemInfo
    unreadable, as in some encrypted files) can still be read from the Adobe-GB1 table."""
    names: set[str] = set()
    fonts = resolve1((resolve1(page.page_obj.resources) or {}).get("Font")) or {}
    for ref in fonts.values():
        font = resolve1(ref) or {}
        encoding = resolve1(font.get("Encoding"))
        if not (isinstance(encoding, PSLiteral) and _GB_ENCODING.match(str(encoding.name))):
            continue
        for base in [font] + [resolve1(d) or {} for d in (resolve1(font.get("DescendantFonts")) or [])]:
            for name in (resolve1(base.get("BaseFont")),
                         resolve1((resolve1(base.get("FontDescriptor")) or {}).get("FontName"))):
                if isinstance(name, PSLiteral):
                    names.add(str(name.name))
    return names


def _adobe_gb1(cid: int) -> str | None:
    try:
        return CMapDB.get_unicode_map("Adobe-GB1", False).get_unichr(cid)
    except (KeyError, CMapDB.CMapNotFound):
        return None


# ------------------------------------------------------------------ lines and pieces
@dataclass
class Piece:
    """A run of characters on one line with no wide gap inside: one cell's worth of text."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @cached_property  # asked of every piece many times over while an unruled table is read
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @cached_property
    def is_value(self) -> bool:
        return is_value_text(self.text)


@dataclass(eq=False)
class Line:
    """Characters sharing one baseline, left to right, with their pieces (cells' worth of text)."""
    chars: list[dict]
    pieces: list[Piece] = field(init=False)

    def __post_init__(self):
        self.chars.sort(key=lambda c: c["x0"])
        ink = [c for c in self.chars if c["text"].strip()]
        self.size = statistics.median(c["size"] for c in ink) if ink else 0.0
        self.x0 = min(c["x0"] for c in ink) if ink else 0.0
        self.x1 = max(c["x1"] for c in ink) if ink else 0.0
        self.top = min(c["top"] for c in ink) if ink else 0.0
        self.bottom = max(c["bottom"] for c in ink) if ink else 0.0
        self.text = _join_chars(self.chars)
        self.pieces = _pieces(ink)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def has_value(self) -> bool:
        return any(p.is_value for p in self.pieces)

    @property
    def numeric(self) -> bool:
        """A table row's line: a value beside a label or beside other values."""
        return self.has_value and len(self.pieces) >= 2


def is_value_text(text: str) -> bool:
    """A number as tables print it (with its note or unit), or a not-applicable mark; not a label like 1.属于…"""
    t = unicodedata.normalize("NFKC", text).strip()
    if t in NOT_APPLICABLE:
        return True
    return any(ch.isdigit() for ch in t) and read_cell(t)[1] in ("number", "zero")


def _join_chars(chars: list[dict]) -> str:
    """Characters of one line left to right; a wide gap without a space character reads as a space."""
    out, prev = [], None
    for c in chars:
        if prev is not None and c["text"].strip() and prev["text"].strip():
            if c["x0"] - prev["x1"] > 0.5 * max(c["size"], prev["size"]):
                out.append(" ")
        out.append(c["text"])
        prev = c
    return _SPACES.sub(" ", "".join(out)).strip()


_SPACES = re.compile(r"\s+")


def _pieces(ink: list[dict]) -> list[Piece]:
    """The inked characters of a line (left to right) in runs without a wide gap. A run's text is what
    _join_chars makes of it: no gap inside a run is wide enough for a space to be added."""
    runs: list[list[dict]] = []
    prev = None
    for c in ink:
        if prev is not None and c["x0"] - prev["x1"] <= 0.5 * max(c["size"], prev["size"]):
            runs[-1].append(c)
        else:
            runs.append([c])
        prev = c
    return [Piece(_SPACES.sub(" ", "".join(c["text"] for c in run)).strip(),
                  min(c["x0"] for c in run), max(c["x1"] for c in run),
                  min(c["top"] for c in run), max(c["bottom"] for c in run),
                  statistics.median(c["size"] for c in run)) for run in runs]


def text_lines(chars: list[dict]) -> list[Line]:
    """The characters' lines (see _char_lines) that hold any ink, each with its pieces."""
    return [line for line in map(Line, _char_lines(chars)) if line.pieces]


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines: a character joins the line whose middle is within half its height."""
    lines: list[list[dict]] = []
    middles: list[float] = []
    for c in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        if lines and abs(mid - middles[-1]) <= 0.45 * max(c["size"], 1.0):
            lines[-1].append(c)
            n = len(lines[-1])
            middles[-1] += (mid - middles[-1]) / n
        else:
            lines.append([c])
            middles.append(mid)
    return lines


def cell_text(chars: list[dict]) -> str:
    """The text_lines' texts, one a line; a ruled cell needs no pieces, so no Line is made."""
    return "\n".join(_join_chars(sorted(row, key=lambda c: c["x0"])) for row in _char_lines(chars)
                     if any(c["text"].strip() for c in row))


# ------------------------------------------------------------------ ruled tables
def _cluster(values: list[float], tolerance: float = 2.0) -> list[float]:
    """Positions that differ by less than `tolerance` are one rule."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _nearest(bounds: list[float], v: float) -> int:
    i = bisect.bisect_left(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds):
        return len(bounds) - 1
    return i if bounds[i] - v < v - bounds[i - 1] else i - 1


def ruled_grid(cells: list[tuple[float, float, float, float]], chars: list[dict], page: int,
               table: int) -> tuple[Grid, tuple[float, float, float, float]]:
    """A table's cells as a full rectangle: each cell once at its top-left, the positions it spans None."""
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    owner: list[list[tuple[int, int] | None]] = [[None] * n_cols for _ in range(n_rows)]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for x0, top, x1, bottom in sorted(cells, key=lambda c: (c[1], c[0])):
        r0, r1 = _nearest(ys, top), _nearest(ys, bottom)
        c0, c1 = _nearest(xs, x0), _nearest(xs, x1)
        if r1 <= r0 or c1 <= c0 or owner[r0][c0] is not None:
            continue
        spans[(r0, c0)] = (r1 - r0, c1 - c0)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if owner[r][c] is None:
                    owner[r][c] = (r0, c0)
    for r in range(n_rows):  # a position no detected cell covers (a missing rule) is a cell of its own
        for c in range(n_cols):
            if owner[r][c] is None:
                owner[r][c] = (r, c)
                spans[(r, c)] = (1, 1)
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    texts: dict[tuple[int, int], list[dict]] = {key: [] for key in spans}
    for ch in chars:
        if not _inside(ch, bbox):
            continue
        r = min(max(bisect.bisect_right(ys, (ch["top"] + ch["bottom"]) / 2) - 1, 0), n_rows - 1)
        c = min(max(bisect.bisect_right(xs, (ch["x0"] + ch["x1"]) / 2) - 1, 0), n_cols - 1)
        texts[owner[r][c]].append(ch)
    rows: list[list[GridCell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for (r, c), (rowspan, colspan) in spans.items():
        rows[r][c] = GridCell(cell_text(texts[(r, c)]), {"page": page, "table": table, "row": r, "col": c},
                              rowspan, colspan)
    return Grid(rows, {"page": page, "table": table}), bbox


def _inside(ch: dict, bbox: tuple[float, float, float, float], slack: float = 1.0) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return bbox[0] - slack <= x <= bbox[2] + slack and bbox[1] - slack <= y <= bbox[3] + slack


def _outside(chars: list[dict], bboxes: list[tuple[float, float, float, float]]) -> list[dict]:
    """The characters outside every box (on a page without ruled tables: all of them, as they are)."""
    if not bboxes:
        return chars
    return [c for c in chars if not any(_inside(c, b) for b in bboxes)]


def _table_bboxes(page: RawPage) -> list[tuple[float, float, float, float]]:
    return [(min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
            for cells in page.tables]


# ------------------------------------------------------------------ unruled tables (words by position)
@dataclass
class BodyEdges:
    """Where running text starts and ends on the pages: table cells sit inside these edges."""
    left: float
    right: float


def _body_edges(pages: list[RawPage]) -> BodyEdges:
    """From the running text: lines of one piece across half the page, outside ruled tables."""
    wide = []
    for page in pages:
        bboxes = _table_bboxes(page)
        for line in page.lines(_outside(page.chars, bboxes)):
            if len(line.pieces) == 1 and line.x1 - line.x0 > 0.5 * page.width:
                wide.append(line)
    if not wide:
        return BodyEdges(float("-inf"), float("inf"))
    # the right edge where most full lines end: a hanging comma or a short last line must not move it
    return BodyEdges(min(line.x0 for line in wide), statistics.median(line.x1 for line in wide))


def _is_prose(line: Line, body: BodyEdges, page: RawPage) -> bool:
    """A line of running text, a heading or page furniture, as opposed to a line inside a table without rules."""
    if len(line.pieces) > 1:
        return False
    if line.has_value and line.x0 - body.left > 2 * line.size:
        return False  # a lone number standing in a column
    furniture = line.top > page.height * 0.93 or line.bottom < page.height * 0.07  # folio, running head
    at_margin = abs(line.x0 - body.left) < 1.5
    wide = line.x1 - line.x0 > 0.6 * (body.right - body.left)
    return furniture or at_margin or wide


def _regions(lines: list[Line], body: BodyEdges, page: RawPage) -> list[tuple[str, list[Line]]]:
    """The page's lines as runs: ('table', lines) where table rows stand, ('text', lines) elsewhere."""
    runs: list[tuple[str, list[Line]]] = []
    current: list[Line] = []

    def close():
        if current:
            kind = "table" if any(line.numeric for line in current) else "text"
            if runs and runs[-1][0] == kind == "text":
                runs[-1][1].extend(current)
            else:
                runs.append((kind, current[:]))
            current.clear()

    for line in lines:
        if _is_prose(line, body, page):
            close()
            if runs and runs[-1][0] == "text":
                runs[-1][1].append(line)
            else:
                runs.append(("text", [line]))
            continue
        if current and line.top - current[-1].bottom > 2.5 * max(line.size, current[-1].size):
            close()
        current.append(line)
    close()
    return runs


@dataclass(eq=False)
class TextBlock:
    """One cell's words in a table without rules: pieces stacked in one column, a line's height apart. Made
    with all its pieces (see _text_blocks), so its bounds are taken once: rows and columns ask them of every
    block over and over."""
    pieces: list[Piece]

    def __post_init__(self):
        self.top = min(p.top for p in self.pieces)
        self.bottom = max(p.bottom for p in self.pieces)
        self.middle = (self.top + self.bottom) / 2
        self.x0 = min(p.x0 for p in self.pieces)
        self.x1 = max(p.x1 for p in self.pieces)
        self.centre = (self.x0 + self.x1) / 2


@dataclass(eq=False)
class PrintedRow:
    """A row of an unruled table: its value cells (if any) and the text blocks that belong to it."""
    y: float
    value_blocks: list[TextBlock]
    blocks: list[TextBlock]

    @property
    def values(self) -> list[Piece]:
        return [p for b in self.value_blocks for p in b.pieces]

    @property
    def pieces(self) -> list[Piece]:
        return self.values + [p for b in self.blocks for p in b.pieces]

    @property
    def all_blocks(self) -> list[TextBlock]:
        return self.value_blocks + self.blocks


def position_grid(lines: list[Line], page: int, table: int,
                  inherited: list[float] | None = None) -> tuple[Grid, list[float]]:
    """An unruled table as a grid: a row per printed row, its label cells, then one cell per value column
    with the values placed by their x-centres (a blank cell where a column has none). Also returns the
    last columns, for a table that continues on the next page without repeating its header."""
    size = statistics.median(line.size for line in lines)
    rows = _printed_rows(lines, size)
    label_right = _label_right(rows)
    sections = _sections(rows, label_right)
    columns = [_section_columns(s, label_right, size) for s in sections]
    if inherited and sections[0][0].values and _fits(columns[0], inherited, size):
        columns[0] = inherited  # a continuation: its blank columns are still columns
    width = max(max((len(c) for c in columns), default=0), 1)
    labels = {id(row): [_stack(b.pieces) for b in sorted(row.all_blocks, key=lambda b: b.x0)
                        if b.centre <= label_right] for row in rows}
    n_labels = max((len(texts) for texts in labels.values()), default=0)

    out: list[list[GridCell | None]] = []
    for section, centres in zip(sections, columns):
        for row in section:
            r = len(out)

            def loc(c: int) -> dict:
                return {"page": page, "table": table, "row": r, "col": c}

            cells: list[GridCell | None] = []
            texts = labels[id(row)]
            for i, text in enumerate(texts):
                span = n_labels - i if i == len(texts) - 1 else 1
                cells.append(GridCell(text, loc(i), colspan=span))
                cells.extend([None] * (span - 1))
            cells.extend(GridCell("", loc(i)) for i in range(len(cells), n_labels))
            found: list[list[Piece]] = [[] for _ in range(max(len(centres), 1))]
            for block in row.all_blocks:
                centre = block.centre
                if centre > label_right and centres:
                    k = min(range(len(centres)), key=lambda k: abs(centres[k] - centre))
                    found[k].extend(block.pieces)
            if not row.values and any(found):
                # a header word spans to the next one: its row must not read as a row of blank values
                starts = [k for k, pieces in enumerate(found) if pieces]
                cells.extend(GridCell("", loc(n_labels + k)) for k in range(starts[0]))
            else:
                starts = list(range(len(found)))  # the last value stretches over columns this section lacks
            for k, end in zip(starts, starts[1:] + [width]):
                cells.append(GridCell(_stack(found[k]), loc(n_labels + k), colspan=end - k))
                cells.extend([None] * (end - k - 1))
            out.append(cells)
    return Grid(out, {"page": page, "table": table, "ruled": False}), columns[-1]


def _fits(own: list[float], inherited: list[float], size: float) -> bool:
    return len(own) <= len(inherited) and all(min(abs(c - i) for i in inherited) <= 0.6 * size for c in own)


def _text_blocks(pieces: list[Piece], size: float) -> list[TextBlock]:
    """Words stacked in one column a line's height apart are one cell's lines (rows lie further apart).
    A value always starts a block of its own (values stacked in a column are rows), but its note may wrap
    below it (12（含转办 / 1件）)."""
    stacks: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: ((p.top + p.bottom) / 2, p.x0)):
        mid = (p.top + p.bottom) / 2
        for stack in ([] if p.is_value else reversed(stacks)):
            last = stack[-1]
            if mid - (last.top + last.bottom) / 2 <= 1.45 * size and p.x0 < last.x1 and p.x1 > last.x0 \
                    and mid > (last.top + last.bottom) / 2:
                stack.append(p)
                break
        else:
            stacks.append([p])
    return [TextBlock(stack) for stack in stacks]


def _printed_rows(lines: list[Line], size: float) -> list[PrintedRow]:
    """Values standing side by side make a row; a text block joins the row whose values it stands beside
    (a wrapped label's lines lie above and below its centred numbers). Blocks beside no values make rows of
    their own, blocks that overlap vertically sharing one (a header's levels)."""
    blocks = _text_blocks([p for line in lines for p in line.pieces], size)
    rows: list[PrintedRow] = []
    for block in sorted((b for b in blocks if b.pieces[0].is_value), key=lambda b: b.top):
        if rows and block.top < max(b.bottom for b in rows[-1].value_blocks) - 0.1 * size:
            rows[-1].value_blocks.append(block)
        else:
            rows.append(PrintedRow(0.0, [block], []))
    for row in rows:
        row.y = statistics.median(b.middle for b in row.value_blocks)
    loose: list[TextBlock] = []
    for block in (b for b in blocks if not b.pieces[0].is_value):
        low, high = block.top - 0.3 * size, block.bottom + 0.3 * size
        near = [row for row in rows if low <= row.y <= high]
        if near:
            min(near, key=lambda row: abs(row.y - block.middle)).blocks.append(block)
        else:
            loose.append(block)
    # A group label (（六）其他处理) centred over several tall rows may stand beside none of their numbers:
    # it joins the nearest row whose own label text lies entirely to its right.
    ys = [row.y for row in rows]
    for block in loose[:]:
        if not ys or not min(ys) < block.middle < max(ys):
            continue
        left_of = [row for row in rows if row.blocks
                   and block.x1 <= min(b.x0 for b in row.blocks) + 0.1 * size]
        if left_of:
            min(left_of, key=lambda row: abs(row.y - block.middle)).blocks.append(block)
            loose.remove(block)
    grouped: list[list[TextBlock]] = []
    for block in sorted(loose, key=lambda b: b.top):
        if grouped and block.top < max(b.bottom for b in grouped[-1]) - 0.1 * size:
            grouped[-1].append(block)
        else:
            grouped.append([block])
    out = rows + [PrintedRow(min(b.top for b in g), [], g) for g in grouped]
    return sorted(out, key=lambda row: row.y)


def _label_right(rows: list[PrintedRow]) -> float:
    """The right edge of the row labels: text left of the values on rows that have values."""
    right = float("-inf")
    for row in rows:
        if not row.values:
            continue
        first_value = min(p.x0 for p in row.values)
        for block in row.blocks:
            for p in block.pieces:
                if p.x1 <= first_value:
                    right = max(right, p.x1)
    return right


def _sections(rows: list[PrintedRow], label_right: float) -> list[list[PrintedRow]]:
    """Runs of rows under one header: a new header (words above the value columns) after rows of values
    starts a section whose columns are its own (table 二's clauses differ in their columns)."""
    sections: list[list[PrintedRow]] = []
    previous_had_values = True
    for row in rows:
        header = not row.values and any(p.centre > label_right for p in row.pieces)
        if not sections or (header and previous_had_values):
            sections.append([])
        sections[-1].append(row)
        previous_had_values = bool(row.values)
    return sections


def _section_columns(section: list[PrintedRow], label_right: float, size: float) -> list[float]:
    """Column x-centres: where values stand, and where the lowest-level header words stand (a column may
    have no value printed at all). A caption alone on its row spans the table and says nothing of columns."""
    tolerance = 0.6 * size
    values = [p for row in section for p in row.values if p.centre > label_right]
    headers = [p for row in section if not row.values and len(row.pieces) >= 2
               for p in row.pieces if p.centre > label_right]
    centres = [p.centre for p in values]
    others = headers + values
    for p in headers:  # (the test most words fail first)
        spans_others = any(p.x0 < q.centre < p.x1 and q is not p and abs(q.centre - p.centre) > tolerance
                           for q in others)
        if not spans_others:
            centres.append(p.centre)
    return _cluster(centres, tolerance)


def _stack(pieces: list[Piece]) -> str:
    """Pieces of one cell top to bottom (lines joined by a line break), left to right within a line."""
    lines: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: ((p.top + p.bottom) / 2, p.x0)):
        mid = (p.top + p.bottom) / 2
        if lines and abs(mid - (lines[-1][0].top + lines[-1][0].bottom) / 2) <= 0.45 * p.size:
            lines[-1].append(p)
        else:
            lines.append([p])
    return "\n".join(" ".join(p.text for p in sorted(line, key=lambda p: p.x0)) for line in lines)


# ------------------------------------------------------------------ one page
def _page_blocks(page: RawPage, number: int, body: BodyEdges,
                 carried: list[float] | None) -> tuple[list[Paragraph | Grid], list[float] | None]:
    """The page's blocks in reading order, and the value columns of its last unruled table (carried to the
    next page, where that table may continue without its header)."""
    placed: list[tuple[float, object]] = []  # (top, Grid or list of text lines)
    bboxes = []
    for cells in page.tables:
        grid, bbox = ruled_grid(cells, page.chars, number, 0)
        placed.append((bbox[1], grid))
        bboxes.append(bbox)
    page_lines = [line for line in page.lines(_outside(page.chars, bboxes)) if not _is_folio(line, page)]
    for kind, lines in _regions(page_lines, body, page):
        if kind == "table":
            placed.append((lines[0].top, lines))
        else:
            placed.extend((line.top, line) for line in lines)
    placed.sort(key=lambda item: item[0])

    blocks: list[Paragraph | Grid] = []
    table_no = 0
    run: list[Line] = []
    for _, item in placed:
        if isinstance(item, Line):
            run.append(item)
            continue
        blocks.extend(_paragraphs(run, number, body, page))
        run = []
        if isinstance(item, Grid):
            grid, carried = _renumber(item, table_no), None
        else:
            grid, carried = position_grid(item, number, table_no, carried)
        blocks.append(grid)
        table_no += 1
    blocks.extend(_paragraphs(run, number, body, page))
    return blocks, carried


def _is_folio(line: Line, page: RawPage) -> bool:
    """A page number in the top or bottom margin (- 3 -, 第3页 共5页, 3/5): page furniture, not text."""
    in_margin = line.top > page.height * 0.93 or line.bottom < page.height * 0.07
    return in_margin and bool(_FOLIO.match(line.text))


def _renumber(grid: Grid, table: int) -> Grid:
    grid.loc["table"] = table
    for row in grid.rows:
        for cell in row:
            if cell is not None:
                cell.loc["table"] = table
    return grid


def _paragraphs(lines: list[Line], number: int, body: BodyEdges, page: RawPage) -> list[Paragraph]:
    """Consecutive lines as paragraphs: a line that ran to the right edge continues on the next line when that
    one starts at the left edge (an indented line starts a new paragraph); a title set in big type over two
    centred lines is one paragraph too."""
    out: list[list[Line]] = []
    title_size = 1.2 * page.body_size if lines else 0.0
    for line in lines:
        prev = out[-1][-1] if out else None
        joins = prev is not None and abs(line.size - prev.size) < 0.5 and \
            -0.2 * line.size <= line.top - prev.bottom < 0.9 * line.size and (
                prev.x1 >= body.right - 1.5 * line.size and line.x0 < body.left + 0.5 * line.size
                or _centred(prev, page) and _centred(line, page) and line.size >= title_size)
        if joins:
            out[-1].append(line)
        else:
            out.append([line])
    return [Paragraph(_join_lines([l.text for l in group]), {"page": number}) for group in out]


def _centred(line: Line, page: RawPage) -> bool:
    return abs((line.x0 + line.x1) / 2 - page.width / 2) < 0.03 * page.width


def _join_lines(texts: list[str]) -> str:
    text = texts[0]
    for nxt in texts[1:]:
        latin = text[-1:].isascii() and text[-1:].isalpha() and nxt[:1].isascii() and nxt[:1].isalpha()
        text += (" " if latin else "") + nxt
    return text


def _visual_title(page: RawPage) -> str | None:
    """The first page's title: its largest text at the top, else its first centred line."""
    lines = [line for line in page.lines(page.chars) if not _is_folio(line, page)]
    if not lines:
        return None
    body_size = statistics.median(line.size for line in lines)
    biggest = max(line.size for line in lines)
    if biggest >= body_size + 1.5:
        first = next(i for i, line in enumerate(lines) if line.size >= biggest - 0.5)
        group = [lines[first]]
        for line in lines[first + 1:]:
            if abs(line.size - lines[first].size) > 0.5 or line.top - group[-1].bottom > line.size:
                break
            group.append(line)
        return "".join(line.text for line in group)
    for line in lines[:5]:
        if abs((line.x0 + line.x1) / 2 - page.width / 2) < 0.05 * page.width and \
                line.x1 - line.x0 < 0.8 * page.width:
            return line.text
    return None
