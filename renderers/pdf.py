"""PDF renderings of a report's figures: ruled (and unruled) tables that break across pages, as exported reports do."""
from __future__ import annotations

import io
import re

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from renderers.common import section_title, title_of
from renderers.design import Placed, TableDesign, t2_designs, t3_design, t4_design
from renderers.prose import closing_sections, intro_paragraphs

# ruled:        every cell boxed; table 三 runs onto the next page without repeating its header.
#               Metadata Title is the report's title.
# ruled_repeat: as ruled, with table 三's three header rows repeated on the continuation page.
#               Metadata Title is a Word export's "Microsoft Word - <file>.docx".
# unruled:      the same layout with no lines at all (table detection finds nothing); no metadata Title.
VARIANTS = ("ruled", "ruled_repeat", "unruled")

FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed, text stays extractable
PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_Y = 50.0, 56.0
TEXT_W = PAGE_W - 2 * MARGIN_X
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, TABLE_SIZE = 18.0, 14.0, 12.0, 12.0
LEADING = 1.3  # line height as a multiple of the font size
PAD_X, PAD_Y = 3.0, 5.0  # inner margins of a table cell
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]、.{2,30}$")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.,:/%+\-]+|.", re.S)
# Punctuation that may not start a line (禁则): it hangs at the end of the line before instead.
_NO_LINE_START = set("，。、；：？！”’）》」』〕】%,.;:?!)")
_NO_LINE_END = set("（《“‘「『〔【(")  # ...and opening brackets go down with what they open

_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, _font(), size)


def wrap(text: str, width: float, size: float, indent: float = 0.0, hang: bool = True) -> list[str]:
    """Lines of `text` no wider than `width`, breaking between Chinese characters but never inside a number.
    Punctuation that may not start a line hangs past the margin (`hang`) or takes the character before it
    along (inside a table box, where nothing may cross the rule)."""
    lines: list[str] = []
    for hard in text.split("\n"):
        line, room = "", width - indent
        for token in _ASCII_RUN.findall(hard):
            if not line or text_width(line + token, size) <= room:
                line += token
            elif token in _NO_LINE_START and (hang or len(line) < 2):
                line += token
            elif token in _NO_LINE_START:
                lines.append(line[:-1])
                line, room = line[-1] + token, width
            elif line[-1] in _NO_LINE_END and len(line) >= 2:
                lines.append(line[:-1])
                line, room = line[-1] + token, width
            else:
                lines.append(line)
                line, room = token.lstrip(), width
        lines.append(line)
    return lines


# ------------------------------------------------------------------ table designs
# Column weights (label columns, then each value column) for 12 pt text across the A4 text width.
T2_WEIGHTS = (1.3, 1.0)
T3_WEIGHTS = (1.0, 1.9, 4.1, 1.25)


def table_designs(fig: dict) -> dict[str, TableDesign]:
    """Tables 二, 三 and 四 as this format prints them: 二 as one table, every box centred but the rows' own
    labels, 行政复议 two rows tall."""
    return {"t2": t2_designs(fig, one_table=True, weights=T2_WEIGHTS, centre_label_heads=True)[0],
            "t3": t3_design(fig, split_headers=False, weights=T3_WEIGHTS, centre_label_heads=True),
            "t4": t4_design(fig, split_headers=False, tall_review=True)}


def column_widths(design: TableDesign) -> list[float]:
    """The columns in points: the text width shared by the design's weights."""
    weights = design.weights or (1.0,) * design.n_cols
    total = sum(weights)
    return [TEXT_W * w / total for w in weights]


# ------------------------------------------------------------------ drawing
def _box_lines(widths: list[float], box: Placed) -> list[str]:
    width = sum(widths[box.col:box.col + box.colspan]) - 2 * PAD_X
    return wrap(box.text, width, TABLE_SIZE, hang=False)


def _text_height(n_lines: int) -> float:
    return n_lines * TABLE_SIZE * LEADING + 2 * PAD_Y


def row_heights(design: TableDesign, widths: list[float]) -> list[float]:
    """Each row tall enough for its own boxes; a box spanning rows stretches its rows evenly."""
    heights = [_text_height(1)] * design.n_rows
    for box in design.cells:
        if box.rowspan == 1:
            heights[box.row] = max(heights[box.row], _text_height(len(_box_lines(widths, box))))
    for box in sorted((b for b in design.cells if b.rowspan > 1), key=lambda b: b.rowspan):
        span = range(box.row, box.row + box.rowspan)
        missing = _text_height(len(_box_lines(widths, box))) - sum(heights[r] for r in span)
        for r in span:
            heights[r] += max(missing, 0) / box.rowspan
    return heights


class Pages:
    """A canvas and a cursor running down the page; starting a page numbers the last one."""

    def __init__(self, out: io.BytesIO, title: str | None, author: str, encrypt=None):
        self.canvas = canvas.Canvas(out, pagesize=A4, encrypt=encrypt, invariant=1)
        if title is not None:
            self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setSubject("政府信息公开工作年度报告")
        self.page = 1
        self.y = PAGE_H - MARGIN_Y

    @property
    def room(self) -> float:
        return self.y - MARGIN_Y

    def new_page(self):
        self._folio()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN_Y

    def finish(self):
        self._folio()
        self.canvas.showPage()
        self.canvas.save()

    def _folio(self):
        self.canvas.setFont(_font(), 9)
        self.canvas.drawCentredString(PAGE_W / 2, MARGIN_Y / 2, f"- {self.page} -")

    def text_line(self, text: str, x: float, size: float, centred: bool = False):
        """Draw one line whose top sits at the cursor, and move the cursor below it."""
        if self.room < size * LEADING:
            self.new_page()
        self.canvas.setFont(_font(), size)
        baseline = self.y - size * LEADING / 2 - size * 0.35
        if centred:
            self.canvas.drawCentredString(x, baseline, text)
        else:
            self.canvas.drawString(x, baseline, text)
        self.y -= size * LEADING

    def paragraph(self, text: str, size: float = BODY_SIZE, indent: bool = True):
        first = 2 * size if indent else 0.0
        for i, line in enumerate(wrap(text, TEXT_W, size, indent=first)):
            self.text_line(line, MARGIN_X + (first if i == 0 else 0.0), size)
        self.y -= size * 0.4

    def heading(self, text: str):
        self.y -= HEADING_SIZE * 0.4
        self.text_line(text, MARGIN_X, HEADING_SIZE)
        self.y -= HEADING_SIZE * 0.3


def _plan(design: TableDesign, widths: list[float], heights: list[float], first_room: float, page_room: float,
          repeat_header: bool) -> list[list[int]]:
    """Rows per page (an empty first list: the table starts on the next page). A page never ends inside
    the header, nor where a box cut by the break would not show its whole text above it."""
    header = list(range(design.header_rows))
    segments: list[list[int]] = []
    current: list[int] = []
    room = first_room
    r = 0
    while r < design.n_rows:
        used = sum(heights[i] for i in current)
        body = [i for i in current if i >= design.header_rows]
        if used + heights[r] <= room or (not current and room == page_room):
            current.append(r)
            r += 1
            continue
        if not body:
            if segments or room == page_room:  # a full page cannot hold more: let it overflow
                current.append(r)
                r += 1
                continue
            segments.append([])  # not even one body row fits here: start the table on the next page
            current, room, r = [], page_room, 0
            continue
        cut = r
        for box in design.cells:
            if box.row in current and box.row < r < box.row + box.rowspan:
                shown = sum(heights[i] for i in current if i >= box.row)
                if _text_height(len(_box_lines(widths, box))) > shown:
                    cut = min(cut, box.row)
        if cut <= body[0]:
            cut = r  # the box cannot be kept whole on any page: break at the row after all
        segments.append([i for i in current if i < cut])
        current = header[:] if repeat_header else []
        room, r = page_room, cut
    segments.append(current)
    return segments


def draw_table(pages: Pages, design: TableDesign, ruled: bool, repeat_header: bool = False):
    widths = column_widths(design)
    heights = row_heights(design, widths)
    x_of = [MARGIN_X + sum(widths[:c]) for c in range(len(widths) + 1)]
    segments = _plan(design, widths, heights, pages.room, PAGE_H - 2 * MARGIN_Y, repeat_header)
    for n, rows in enumerate(segments):
        if n:
            pages.new_page()
        if not rows:
            continue
        top_of, y = {}, pages.y
        for r in rows:
            top_of[r] = y
            y -= heights[r]
        for box in design.cells:
            shown = [r for r in rows if box.row <= r < box.row + box.rowspan]
            if not shown:
                continue
            top, bottom = top_of[shown[0]], top_of[shown[-1]] - heights[shown[-1]]
            left, right = x_of[box.col], x_of[box.col + box.colspan]
            if ruled:
                pages.canvas.setLineWidth(0.6)
                pages.canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
            if shown[0] == box.row:  # the text sits in the box's first part only
                _box_text(pages, widths, box, left, right, top, bottom)
        pages.y = y
    pages.y -= BODY_SIZE * 0.8


def _box_text(pages: Pages, widths: list[float], box: Placed, left: float, right: float, top: float,
              bottom: float):
    lines = _box_lines(widths, box)
    line_h = TABLE_SIZE * LEADING
    y = top - (top - bottom - len(lines) * line_h) / 2
    pages.canvas.setFont(_font(), TABLE_SIZE)
    for line in lines:
        baseline = y - line_h / 2 - TABLE_SIZE * 0.35
        if box.centred:
            pages.canvas.drawCentredString((left + right) / 2, baseline, line)
        else:
            pages.canvas.drawString(left + PAD_X, baseline, line)
        y -= line_h


# ------------------------------------------------------------------ documents
def metadata_title(fig: dict, variant: str) -> str | None:
    if variant == "ruled":
        return title_of(fig)
    if variant == "ruled_repeat":
        return f"Microsoft Word - {title_of(fig)}.docx"
    return None


def _document(fig: dict, variant: str, encrypt=None) -> bytes:
    if variant not in VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}; expected one of {VARIANTS}")
    ruled = variant != "unruled"
    out = io.BytesIO()
    pages = Pages(out, metadata_title(fig, variant), fig["publisher"], encrypt)
    title = title_of(fig)
    lines = -(-text_width(title, TITLE_SIZE) // (TEXT_W * 0.8))  # a long title breaks into balanced lines
    for line in wrap(title, text_width(title, TITLE_SIZE) / lines + TITLE_SIZE, TITLE_SIZE):
        pages.text_line(line, PAGE_W / 2, TITLE_SIZE, centred=True)
    pages.y -= TITLE_SIZE * 0.6
    for text in intro_paragraphs(fig):
        if SECTION_HEADING.match(text):
            pages.heading(text)
        else:
            pages.paragraph(text)
    for name, design in table_designs(fig).items():
        heights = row_heights(design, column_widths(design))
        # a heading stays with its table's header and first row
        if pages.room < HEADING_SIZE * (LEADING + 0.7) + sum(heights[:design.header_rows + 1]):
            pages.new_page()
        pages.heading(section_title(name))
        draw_table(pages, design, ruled, repeat_header=variant == "ruled_repeat" and name == "t3")
    for text in closing_sections(fig):
        if SECTION_HEADING.match(text):
            pages.heading(text)
        else:
            pages.paragraph(text)
    pages.y -= BODY_SIZE
    pages.text_line(fig["publisher"], PAGE_W - MARGIN_X - text_width(fig["publisher"], BODY_SIZE), BODY_SIZE)
    pages.finish()
    return out.getvalue()


def render_pdf(fig: dict, variant: str) -> bytes:
    """A whole annual report as a PDF: title, narrative, tables 二/三/四 (三 continues on the next page)."""
    return _document(fig, variant)


def render_encrypted_pdf(fig: dict, user_password: str = "gkreports") -> bytes:
    """The ruled report, encrypted: opening it needs `user_password`. With an empty user password it opens
    freely and only its permissions are restricted (no copying or printing), as many portals publish."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    lock = StandardEncryption(user_password, ownerPassword="owner-" + (user_password or "gkreports"),
                              canPrint=0, canModify=0, canCopy=0, canAnnotate=0, strength=128)
    return _document(fig, "ruled", lock)


def render_image_only_pdf() -> bytes:
    """One page holding only a picture and drawn shapes, the way a scanned report looks: no text at all."""
    from PIL import Image, ImageDraw

    scan = Image.new("L", (420, 300), 250)
    pen = ImageDraw.Draw(scan)
    for i in range(8):  # a table-ish grid of lines, as a scanner would capture it
        pen.line((20, 30 + 32 * i, 400, 30 + 32 * i), fill=40, width=2)
    for x in (20, 140, 200, 260, 320, 400):
        pen.line((x, 30, x, 254), fill=40, width=2)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(scan), MARGIN_X, PAGE_H - MARGIN_Y - 360, width=TEXT_W, height=360)
    c.setLineWidth(1)
    c.rect(MARGIN_X, MARGIN_Y, TEXT_W, 200, stroke=1, fill=0)
    c.circle(PAGE_W / 2, MARGIN_Y + 100, 60, stroke=1, fill=0)
    c.showPage()
    c.save()
    return buffer.getvalue()
