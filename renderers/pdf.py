"""PDF renderings of a report's figures: ruled (and unruled) tables that break across pages, as exported reports do."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extractors.template import (T2_CONTENT, T3_APPLICANTS, T3_COLUMNS, T3_CORNER, T3_ORGANISATIONS, T3_RESULTS, T4,
                                 T4_LITIGATION)
from renderers.common import printed_rows, section_title, t2_blocks, table_def, title_of
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
@dataclass
class Box:
    """One printed cell: its top-left grid position, span, text and alignment."""
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    centred: bool = True


@dataclass
class TableDesign:
    widths: list[float]
    n_rows: int
    boxes: list[Box]
    header_rows: int = 0  # rows repeated on a continuation page when asked to
    heights: list[float] = field(default_factory=list)


def _scaled(weights: tuple[float, ...]) -> list[float]:
    total = sum(weights)
    return [TEXT_W * w / total for w in weights]


def t2_design(fig: dict) -> TableDesign:
    """Table 二 as one table: per clause a caption row, a header row, and its rows; the last value stretches."""
    n_values = max(len(table_def(fig, "t2").columns_of(r)) for r in table_def(fig, "t2").rows)
    width = 1 + n_values
    boxes: list[Box] = []
    r = 0

    def stretched(label: str, texts: list[str], label_centred: bool):
        boxes.append(Box(r, 0, label, centred=label_centred))
        for i, text in enumerate(texts):
            last = i == len(texts) - 1
            boxes.append(Box(r, 1 + i, text, colspan=width - 1 - i if last else 1))

    for caption, rows in t2_blocks(fig):
        boxes.append(Box(r, 0, caption, colspan=width))
        r += 1
        stretched(T2_CONTENT, [c.label for c, _ in rows[0].cells], True)
        r += 1
        for printed in rows:
            stretched(printed.row.label, [text for _, text in printed.cells], False)
            r += 1
    return TableDesign(_scaled((1.3,) + (1.0,) * n_values), r, boxes)


def t3_design(fig: dict) -> TableDesign:
    """Table 三 as on the form: three header rows and the outcome rows under one tall 三、本年度办理结果 box."""
    label_cols, n_values = 3, len(T3_COLUMNS)
    organisations = T3_COLUMNS[1:-1]
    boxes = [
        Box(0, 0, T3_CORNER, rowspan=3, colspan=label_cols),
        Box(0, label_cols, T3_APPLICANTS, colspan=n_values),
        Box(1, label_cols, T3_COLUMNS[0].label, rowspan=2),
        Box(1, label_cols + 1, T3_ORGANISATIONS, colspan=len(organisations)),
        Box(1, label_cols + n_values - 1, T3_COLUMNS[-1].label, rowspan=2),
    ]
    boxes += [Box(2, label_cols + 1 + i, c.label) for i, c in enumerate(organisations)]
    rows = printed_rows(fig, "t3")
    top = 3
    results = [i for i, p in enumerate(rows) if p.row.role in ("outcome", "total_handled")]
    boxes.append(Box(top + results[0], 0, T3_RESULTS, rowspan=len(results)))
    for i, printed in enumerate(rows):
        r, row = top + i, printed.row
        if row.role in ("input", "carried_forward"):
            boxes.append(Box(r, 0, row.label, colspan=3, centred=False))
        elif row.group is None:
            boxes.append(Box(r, 1, row.label, colspan=2, centred=False))
        else:
            if i == 0 or rows[i - 1].row.group != row.group:
                size = sum(1 for p in rows if p.row.group == row.group)
                boxes.append(Box(r, 1, row.group, rowspan=size))
            boxes.append(Box(r, 2, row.label, centred=False))
        boxes += [Box(r, label_cols + j, text) for j, (_, text) in enumerate(printed.cells)]
    weights = (1.0, 1.9, 4.1) + (1.25,) * n_values
    return TableDesign(_scaled(weights), top + len(rows), boxes, header_rows=top)


def t4_design(fig: dict) -> TableDesign:
    """Table 四: 行政复议 and 行政诉讼 (two kinds) over their five result columns, the 15 numbers in one row."""
    n = len(T4.columns)
    review, direct, after_review = T4.rows
    boxes = [Box(0, 0, review.label, rowspan=2, colspan=n),
             Box(0, n, T4_LITIGATION, colspan=2 * n),
             Box(1, n, direct.label, colspan=n),
             Box(1, 2 * n, after_review.label, colspan=n)]
    for block in range(3):
        boxes += [Box(2, block * n + j, c.label) for j, c in enumerate(T4.columns)]
    values = [text for printed in printed_rows(fig, "t4") for _, text in printed.cells]
    boxes += [Box(3, j, text) for j, text in enumerate(values)]
    return TableDesign([TEXT_W / (3 * n)] * (3 * n), 4, boxes, header_rows=3)


# ------------------------------------------------------------------ drawing
def _box_lines(design: TableDesign, box: Box) -> list[str]:
    width = sum(design.widths[box.col:box.col + box.colspan]) - 2 * PAD_X
    return wrap(box.text, width, TABLE_SIZE, hang=False)


def _text_height(n_lines: int) -> float:
    return n_lines * TABLE_SIZE * LEADING + 2 * PAD_Y


def row_heights(design: TableDesign) -> list[float]:
    """Each row tall enough for its own boxes; a box spanning rows stretches its rows evenly."""
    heights = [_text_height(1)] * design.n_rows
    for box in design.boxes:
        if box.rowspan == 1:
            heights[box.row] = max(heights[box.row], _text_height(len(_box_lines(design, box))))
    for box in sorted((b for b in design.boxes if b.rowspan > 1), key=lambda b: b.rowspan):
        span = range(box.row, box.row + box.rowspan)
        missing = _text_height(len(_box_lines(design, box))) - sum(heights[r] for r in span)
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


def _plan(design: TableDesign, heights: list[float], first_room: float, page_room: float,
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
        for box in design.boxes:
            if box.row in current and box.row < r < box.row + box.rowspan:
                shown = sum(heights[i] for i in current if i >= box.row)
                if _text_height(len(_box_lines(design, box))) > shown:
                    cut = min(cut, box.row)
        if cut <= body[0]:
            cut = r  # the box cannot be kept whole on any page: break at the row after all
        segments.append([i for i in current if i < cut])
        current = header[:] if repeat_header else []
        room, r = page_room, cut
    segments.append(current)
    return segments


def draw_table(pages: Pages, design: TableDesign, ruled: bool, repeat_header: bool = False):
    heights = row_heights(design)
    x_of = [MARGIN_X + sum(design.widths[:c]) for c in range(len(design.widths) + 1)]
    segments = _plan(design, heights, pages.room, PAGE_H - 2 * MARGIN_Y, repeat_header)
    for n, rows in enumerate(segments):
        if n:
            pages.new_page()
        if not rows:
            continue
        top_of, y = {}, pages.y
        for r in rows:
            top_of[r] = y
            y -= heights[r]
        for box in design.boxes:
            shown = [r for r in rows if box.row <= r < box.row + box.rowspan]
            if not shown:
                continue
            top, bottom = top_of[shown[0]], top_of[shown[-1]] - heights[shown[-1]]
            left, right = x_of[box.col], x_of[box.col + box.colspan]
            if ruled:
                pages.canvas.setLineWidth(0.6)
                pages.canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
            if shown[0] == box.row:  # the text sits in the box's first part only
                _box_text(pages, design, box, left, right, top, bottom)
        pages.y = y
    pages.y -= BODY_SIZE * 0.8


def _box_text(pages: Pages, design: TableDesign, box: Box, left: float, right: float, top: float,
              bottom: float):
    lines = _box_lines(design, box)
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
    for name, design in (("t2", t2_design(fig)), ("t3", t3_design(fig)), ("t4", t4_design(fig))):
        heights = row_heights(design)
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
