"""Map a document's layout (paragraphs and grids, any format) onto the template's cells.

Tables are located by their own labels and by the section headings around them, never by position
in the file; a grid without recognisable labels continues the table before it (a PDF page break).
Within a table, a row is recognised by its label and its values are the value-like cells at its end,
which is how every layout seen so far prints them (labels left, numbers right).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors.cells import looks_like_value, normalize_label, read_cell
from extractors.metadata import narrative_facts, read_metadata, signature
from extractors.model import CellValue, ExtractionError, Grid, GridCell, Layout, Paragraph, Report
from extractors.template import (OTHER_HANDLING, OTHER_SUBROWS, T2_2019, T2_2021, T3_2021, T3_COLUMNS,
                                 T3_SUBTOTAL_KEYS, T4, TABLE_TITLES, TEMPLATE_2019, TEMPLATE_2021,
                                 TEMPLATE_PRE2019, Row, Table, expected_cells, t3_variant)


@dataclass
class SourceRow:
    """One printed row: its own cells (spanned positions dropped) and where they sit in their grid."""
    cells: list[GridCell]
    positions: list[int]
    grid: Grid
    index: int

    def split(self) -> tuple[str, list[tuple[int, GridCell]]]:
        """(normalised label, trailing value cells with their grid positions)."""
        k = len(self.cells)
        while k > 0 and looks_like_value(self.cells[k - 1].text):
            k -= 1
        label = normalize_label("".join(c.text for c in self.cells[:k]))
        return label, list(zip(self.positions[k:], self.cells[k:]))


# ------------------------------------------------------------------ sections
_T3_MARKS = ("本年新收", "申请人情况", "予以公开", "本年度办理结果", "上年结转")
_T4_MARKS = ("行政复议", "行政诉讼", "复议后起诉", "直接起诉")
_T2_MARKS = ("第二十条", "规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "事业性收费", "集中采购")


def classify_grid(grid: Grid) -> str | None:
    text = normalize_label("".join(c.text for row in grid.rows for c in row if c is not None))
    if any(m in text for m in _T3_MARKS):
        return "t3"
    if any(m in text for m in _T4_MARKS):
        return "t4"
    if any(m in text for m in _T2_MARKS):
        return "t2"
    return None


def classify_heading(text: str) -> str | None:
    """'t2'/'t3'/'t4' for a section heading of the tables, 'end' for 五/六, None for other paragraphs."""
    t = normalize_label(text)
    if len(t) > 40:
        return None
    if re.match(r"^二[、.]", t) and "主动公开" in t:
        return "t2"
    if re.match(r"^三[、.]", t) and "申请" in t:
        return "t3"
    if re.match(r"^四[、.]", t) and ("复议" in t or "诉讼" in t):
        return "t4"
    if re.match(r"^[五六][、.]", t):
        return "end"
    # A heading with a character dropped, doubled or garbled (二、主动公开政府信息情况 printed 二、主动公政府信息情况)
    for table, title in TABLE_TITLES.items():
        if t[:2] == normalize_label(title)[:2] and fuzz.ratio(t, normalize_label(title)) >= HEADING_SIMILARITY:
            return table
    return None


def split_sections(layout: Layout) -> tuple[dict[str, list[SourceRow]], list[tuple[str, dict]]]:
    """Rows of tables 二/三/四 (from all their grids, in order) and the paragraphs before them."""
    sections: dict[str, list[SourceRow]] = {"t2": [], "t3": [], "t4": []}
    intro: list[tuple[str, dict]] = []
    current: str | None = None
    seen_tables = False
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            kind = classify_heading(block.text)
            if kind:
                current = None if kind == "end" else kind
                seen_tables = True
            elif not seen_tables:
                intro.append((block.text, block.loc))
            continue
        kind = classify_grid(block) or current
        seen_tables = True
        if kind is None:
            continue
        current = kind
        for i, row in enumerate(block.rows):
            own = [(j, c) for j, c in enumerate(row) if c is not None]
            if own:
                sections[kind].append(SourceRow([c for _, c in own], [j for j, _ in own], block, i))
    return sections, intro


# ------------------------------------------------------------------ rows
# How alike (rapidfuzz ratio, 0–100) a printed label must be to a template row's label to be placed by
# similarity, and by how much it must beat the next-best row: below either, the row is left unplaced.
LABEL_SIMILARITY = 80
LABEL_MARGIN = 10
HEADING_SIMILARITY = 85
_NUMBERING = re.compile(r"^(?:\(?[一二三四五六七八九十]+\)|[一二三四五六七八九十]+[、.]|\d+\.)+")


def _bare(label: str) -> str:
    """A label without its numbering (（三）, 1., 四、) or group heading, as compared by similarity."""
    return _NUMBERING.sub("", normalize_label(label))


def label_similarity(label: str, row: Row) -> float:
    """How alike a printed label is to a template row's label, with or without the row's group heading."""
    printed = _bare(label)
    forms = [_bare(row.label)] + ([_bare(normalize_label(row.group)) + _bare(row.label)] if row.group else [])
    return max(fuzz.ratio(printed, form) for form in forms)


def place_by_similarity(label: str, candidates: list[Row]) -> tuple[Row | None, str]:
    """The one candidate row clearly most like `label`, or None with the reason (for the notes)."""
    if not candidates:
        return None, "no template row is free at its position"
    scored = sorted(((label_similarity(label, r), r) for r in candidates), key=lambda x: -x[0])
    best_score, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score < LABEL_SIMILARITY:
        return None, f"closest is {best.name} at {best_score:.0f}%"
    if best_score - runner_up < LABEL_MARGIN:
        return None, f"{best.name} ({best_score:.0f}%) and {scored[1][1].name} ({runner_up:.0f}%) are as alike"
    return best, f"placed as {best.name} by similarity ({best_score:.0f}%)"


def match_row(label: str, rows: tuple[Row, ...]) -> Row | None:
    """The template row a printed label names. Rows under a group heading are tried first because their
    keys are specific; the row 总计 last because the word appears in other labels' notes."""
    ordered = [r for r in rows if r.group] + [r for r in rows if not r.group and r.role != "total_handled"] + \
              [r for r in rows if r.role == "total_handled"]
    for row in ordered:
        if any(normalize_label(k) in label for k in row.keys):
            return row
    return None


def column_headers(grid: Grid) -> dict[int, str]:
    """Each grid column's header words, top to bottom, from the rows above the first row holding a number."""
    headers: dict[int, str] = {}
    for row in grid.rows:
        own = [c for c in row if c is not None]
        if any(read_cell(c.text)[1] in ("number", "zero") for c in own):
            break
        for j, cell in enumerate(row):
            if cell is None:
                continue
            for k in range(j, j + max(cell.colspan, 1)):
                headers[k] = headers.get(k, "") + normalize_label(cell.text)
    return headers


def _subtotal_positions(grid: Grid) -> set[int]:
    """Grid columns holding a portal-added 法人或其他组织 subtotal (never a template cell)."""
    out = set()
    org_keys = [normalize_label(k) for c in T3_COLUMNS[1:6] for k in c.keys]
    for j, text in column_headers(grid).items():
        rest = text.replace("申请人情况", "")
        if "小计" in rest or (rest.endswith("法人或其他组织") and not any(k in rest for k in org_keys)):
            out.add(j)
    return out


def _trim(src: SourceRow, values: list[tuple[int, GridCell]], width: int) -> list[tuple[int, GridCell]] | None:
    """Exactly `width` value cells, dropping a subtotal column or leading blank spacers; None if impossible.

    Too few value-like cells at the row's end means some value is text ("若干"): when the row has room,
    its last `width` cells are the values all the same, and the text is kept as a `text` cell."""
    if len(values) < width and len(src.cells) > width:
        values = list(zip(src.positions[-width:], src.cells[-width:]))
    if len(values) == width + 1 and width == len(T3_COLUMNS):
        dropped = _drop_subtotal(src.grid, values)
        if dropped is not None:
            return dropped
    while len(values) > width and values[0][1].text.strip() == "":
        values = values[1:]
    return values if len(values) == width else None


def _drop_subtotal(grid: Grid, values: list[tuple[int, GridCell]]) -> list[tuple[int, GridCell]] | None:
    """Table 三's eight printed values without the portal's 法人或其他组织 subtotal.

    In a rectangular grid the header says which column it is. Otherwise (text, PDF words) it sits
    before or after the five organisation columns and equals their sum: the one that adds up wins."""
    rectangular = len({len(r) for r in grid.rows}) == 1
    by_header = _subtotal_positions(grid) if rectangular else set()
    header_idx = [i for i, (p, _) in enumerate(values) if p in by_header]
    if len(header_idx) == 1:
        return values[:header_idx[0]] + values[header_idx[0] + 1:]
    numbers = [read_cell(c.text)[0] for _, c in values]
    for idx in (1, 6):
        rest = numbers[:idx] + numbers[idx + 1:]
        orgs = rest[1:6]
        if numbers[idx] is not None and None not in orgs and sum(orgs) == numbers[idx]:
            return values[:idx] + values[idx + 1:]
    return None


# ------------------------------------------------------------------ tables
class _Collector:
    def __init__(self):
        self.found: dict[tuple[str, str, str], CellValue] = {}
        self.notes: list[str] = []

    def put(self, table: str, row: Row, columns, values: list[tuple[int, GridCell]]):
        for column, (_, cell) in zip(columns, values):
            key = (table, row.name, column.name)
            if key in self.found:
                self.notes.append(f"{table}.{row.name}.{column.name} printed twice; kept the first")
                continue
            value, semantic = read_cell(cell.text, column.kind)
            self.found[key] = CellValue(table, row.name, column.name, value, cell.text, semantic, dict(cell.loc))


def _only_in_2019() -> tuple[str, ...]:
    """Label keys of table 二's rows and columns that the 2019 form has and the 2021 form has not."""
    known = {c.name for r in T2_2021.rows for c in T2_2021.columns_of(r)} | {r.name for r in T2_2021.rows}
    keys = [k for r in T2_2019.rows if r.name not in known for k in r.keys]
    keys += [k for r in T2_2019.rows for c in T2_2019.columns_of(r) if c.name not in known for k in c.keys]
    return tuple(dict.fromkeys(normalize_label(k) for k in keys))


_T2_2019_KEYS = _only_in_2019()


def detect_template(sections: dict[str, list[SourceRow]], year: int | None) -> str:
    """2019 when table 二 prints a row or column only the trial form has; else 2021 (or by year if no 二)."""
    t2_text = "".join(normalize_label(c.text) for r in sections["t2"] for c in r.cells)
    if any(k in t2_text for k in _T2_2019_KEYS):
        return TEMPLATE_2019
    if t2_text:
        return TEMPLATE_2021
    return TEMPLATE_2019 if year in (2019, 2020) else TEMPLATE_2021


def read_t2(rows: list[SourceRow], table: Table, out: _Collector):
    for src in rows:
        label, values = src.split()
        if not label or len(src.cells) < 2:
            continue
        row = match_row(label, table.rows)
        if row is None:
            continue
        columns = table.columns_of(row)
        trimmed = _trim(src, values, len(columns))
        if trimmed is None:
            out.notes.append(f"t2.{row.name}: {len(values)} values printed, {len(columns)} expected")
            continue
        out.put("t2", row, columns, trimmed)


# Table 三's rows in printed order, （六）其他处理 as one row standing where its sub-rows would.
_T3_ORDER = [r.name for r in T3_2021.rows]
_T3_ORDER.insert(_T3_ORDER.index("other_no_correction"), OTHER_HANDLING.name)


def _has_numbers(values) -> bool:
    return any(read_cell(c.text)[1] in ("number", "zero") for _, c in values)


def _continued_labels(rows: list[SourceRow], candidates) -> list[tuple[SourceRow, str, list]]:
    """(row, label, values) with a label cut by a page break joined: the values and the label's first half
    end one grid, the rest of the label opens the next grid on a row of empty cells, which adds nothing."""
    out: list[tuple[SourceRow, str, list]] = []
    for src in rows:
        label, values = src.split()
        if out and label and src.grid is not out[-1][0].grid and not any(c.text.strip() for _, c in values):
            prev, prev_label, prev_values = out[-1]
            first_of_grid = all(r.grid is not src.grid for r, _, _ in out)
            if first_of_grid and prev_label and _has_numbers(prev_values) and \
                    match_row(prev_label, candidates) is None and match_row(prev_label + label, candidates):
                out[-1] = (prev, prev_label + label, prev_values)
                continue
        out.append((src, label, values))
    return out


def read_t3(rows: list[SourceRow], template: str, out: _Collector) -> Table:
    matched: list[tuple[Row, SourceRow, list]] = []
    candidates = T3_2021.rows + (OTHER_HANDLING,)
    unplaced: list[tuple[int, str, SourceRow, list]] = []  # (position among matched, label, row, values)
    for src, label, values in _continued_labels(rows, candidates):
        if not values and any(read_cell(c.text)[1] in ("number", "zero") for c in src.cells[-len(T3_COLUMNS):]):
            values = [(src.positions[-1], src.cells[-1])]  # ends in text ("见附件") among numbers: still data
        if not values or not label:  # header rows (no numbers) are never data
            continue
        if "小计" in label:
            out.notes.append(f"t3: subtotal row '{label}' left out")
            continue
        row = match_row(label, candidates)
        if row is None:
            if _has_numbers(values):
                unplaced.append((len(matched), label, src, values))
            continue
        matched.append((row, src, values))
    # Labels no key recognises (a character dropped or garbled): placed by similarity, but only among the
    # template rows free between the rows matched before and after it, and only when one is clearly best.
    for at, label, src, values in reversed(unplaced):
        before = [_T3_ORDER.index(r.name) for r, _, _ in matched[:at]]
        after = [_T3_ORDER.index(r.name) for r, _, _ in matched[at:]]
        low, high = max(before, default=-1), min(after, default=len(_T3_ORDER))
        taken = {r.name for r, _, _ in matched}
        free = [r for r in candidates if low < _T3_ORDER.index(r.name) < high and r.name not in taken]
        row, why = place_by_similarity(label, free)
        if row is None:
            out.notes.append(f"t3: row '{label}' could not be placed ({why}); left out")
            continue
        out.notes.append(f"t3: row '{label}' {why}")
        matched.insert(at, (row, src, values))
    has_subrows = any(r.name in OTHER_SUBROWS for r, _, _ in matched)
    table = t3_variant(template, other_as_one_row=not has_subrows and any(
        r.name == "other_handling" for r, _, _ in matched))
    for row, src, values in matched:
        if row.name == "other_handling" and has_subrows:
            out.notes.append("t3: （六）其他处理 subtotal row left out (its three sub-rows are printed)")
            continue
        trimmed = _trim(src, values, len(T3_COLUMNS))
        if trimmed is None:
            out.notes.append(f"t3.{row.name}: {len(values)} values printed, {len(T3_COLUMNS)} expected")
            continue
        out.put("t3", row, T3_COLUMNS, trimmed)
    return table


def read_t4(rows: list[SourceRow], out: _Collector):
    # Printed with row labels (three rows of five)? Only when all three are: a header cell 行政复议 over
    # blank filler cells would otherwise pass for a row of zeros.
    labelled: dict[str, tuple[Row, list]] = {}
    for src in rows:
        label, values = src.split()
        if label and len(values) >= 5:
            row = match_row(label, T4.rows)
            trimmed = _trim(src, values, 5) if row else None
            if row and trimmed and row.name not in labelled:
                labelled[row.name] = (row, trimmed)
    if len(labelled) == len(T4.rows):
        for row, trimmed in labelled.values():
            out.put("t4", row, T4.columns, trimmed)
        return
    # Printed as one row of 15 under a header (or split 5 + 10 over two grids): the last row of each
    # grid made only of value cells carries the numbers; blank header filler rows come before it.
    by_grid: dict[int, tuple[Grid, list[SourceRow]]] = {}
    for src in rows:
        by_grid.setdefault(id(src.grid), (src.grid, []))[1].append(src)
    numbers: list[tuple[int, GridCell]] = []
    for grid, grid_rows in by_grid.values():
        value_rows = [r for r in grid_rows if len(r.cells) >= 5 and all(looks_like_value(c.text) for c in r.cells)]
        if value_rows:
            # the last row that prints anything; a trailing all-blank row is layout (Word's width row)
            printed = [r for r in value_rows if any(c.text.strip() for c in r.cells)]
            last = (printed or value_rows)[-1]
            numbers.extend(zip(last.positions, last.cells))
    if len(numbers) != 15:
        if numbers:
            out.notes.append(f"t4: {len(numbers)} values printed, 15 expected")
        return
    for i, row in enumerate(T4.rows):
        out.put("t4", row, T4.columns, numbers[i * 5:(i + 1) * 5])


# ------------------------------------------------------------------ the report
def _all_text(layout: Layout) -> str:
    parts = []
    for b in layout.blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text)
        else:
            parts.extend(c.text for row in b.rows for c in row if c is not None)
    return "\n".join(parts)


def narrative_prose(layout: Layout) -> str:
    """The report's prose: its paragraphs outside tables 二, 三 and 四 (and not their headings), without the title."""
    parts, in_tables = [], False
    title = (layout.title or "").strip()
    for block in layout.blocks:
        if not isinstance(block, Paragraph):
            continue
        kind = classify_heading(block.text)
        if kind in ("t2", "t3", "t4"):
            in_tables = True
            continue
        if kind == "end":
            in_tables = False
            continue
        if in_tables or block.text.strip() == title:
            continue
        parts.append(block.text)
    return "\n".join(parts)


def report_from_layout(layout: Layout, source: str | None = None) -> Report:
    text = _all_text(layout)
    paragraphs = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    meta = read_metadata([layout.title] + paragraphs[:5], text, layout.meta.get("SiteIDCode"),
                         signed=signature(paragraphs), source=layout.meta.get("source_line"))
    sections, intro = split_sections(layout)
    report = Report(title=meta.title, year=meta.year, publisher=meta.publisher,
                    region_name=meta.region_name,
                    region_code=meta.region.code if meta.region else None,
                    template=TEMPLATE_2021, media_type=layout.media_type, published=layout.published)
    report.narrative = narrative_facts(intro)
    report.prose = narrative_prose(layout)
    report.notes.extend(meta.notes)

    if meta.year is not None and meta.year <= 2018:
        report.template = TEMPLATE_PRE2019
        report.notes.append("report year before 2019: the older statistics form is not read into the tables")
        return report
    if not any(sections.values()):
        if "政府信息公开" not in text and "政务公开" not in text:
            raise ExtractionError("not_a_report", "this is not a 政府信息公开 annual report "
                                  "(no report tables and no mention of 政府信息公开)", source)
        images = int(layout.meta.get("body_images", 0) or 0)
        if images:  # kept as needs_ocr: an OCR reader can take these pages up without a new crawl
            why = layout.meta.get("ocr_state")
            raise ExtractionError("needs_ocr", f"no report table in the text; the body has {images} image(s): "
                                  "the tables are probably pictures and need OCR" + (f" ({why})" if why else ""),
                                  source)
        raise ExtractionError("table_not_found", "no report table found (表二/表三/表四); "
                              "the tables may be images or missing", source)

    template = detect_template(sections, meta.year)
    out = _Collector()
    read_t2(sections["t2"], T2_2019 if template == TEMPLATE_2019 else T2_2021, out)
    t3 = read_t3(sections["t3"], template, out)
    read_t4(sections["t4"], out)
    if not any(k[0] == "t3" for k in out.found):
        raise ExtractionError("table_not_found", "table 三 (收到和处理政府信息公开申请情况) not found", source)

    report.template = template
    other_one_row = any(r.name == "other_handling" for r in t3.rows)
    for key in expected_cells(template, other_as_one_row=other_one_row):
        if key in out.found:
            report.cells.append(out.found[key])
        else:
            report.missing.append(".".join(key))
    report.notes.extend(out.notes)
    return report
