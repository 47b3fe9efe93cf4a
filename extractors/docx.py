"""DOCX reader: a Word document's paragraphs and tables, in document order, as a Layout with merged cells expanded."""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError

from extractors.limits import check_archive
from extractors.metadata import published_date
from extractors.model import ExtractionError, Grid, GridCell, Layout, Paragraph
from extractors.sniff import OLE_MAGIC

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# An encrypted .docx is an OLE compound file holding this stream instead of a zip.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
VAL = _W + "val"
# Elements that only wrap block or row/cell content (content controls, custom XML, smart tags).
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"}
# Subtrees whose text is not on the page: deletions, field codes, the fallback copy of a drawing,
# and property elements.
_INVISIBLE = {_W + "del", _W + "moveFrom", _W + "instrText", _W + "delInstrText", _MC + "Fallback",
              _W + "pPr", _W + "rPr", _W + "tblPr", _W + "trPr", _W + "tcPr", _W + "sectPr"}

SLIVER_TWIPS = 57  # 1 mm: no text fits in a narrower column


def read_docx(data: bytes) -> Layout:
    """Paragraphs and tables of the body in document order; each table a full grid, merged cells once."""
    document = _open(data)
    blocks: list[Paragraph | Grid] = []
    paragraph_no = table_no = 0
    first_text = styled_title = None
    for element in _children(document.element.body, (P, TBL)):
        if element.tag == TBL:
            blocks.append(_grid(element, table_no))
            table_no += 1
            continue
        text = _clean(_paragraph_text(element))
        if text:
            blocks.append(Paragraph(text, {"paragraph": paragraph_no}))
            first_text = first_text or text
            if styled_title is None and _style_id(element).lower() in ("title", "heading1", "1"):
                styled_title = text
        paragraph_no += 1

    props = _core_properties(document)
    meta = {} if props is None else {key: str(value).strip() for key, value in (
        ("title", props.title), ("author", props.author), ("subject", props.subject),
        ("created", props.created and props.created.isoformat()),
        ("modified", props.modified and props.modified.isoformat())) if value and str(value).strip()}
    title = meta.get("title") or styled_title or first_text
    published = published_date(b.text for b in blocks if isinstance(b, Paragraph))
    return Layout(blocks, DOCX_MEDIA_TYPE, title=title, published=published, meta=meta)


def _core_properties(document):
    """The document's own core properties, or None.

    LibreOffice links them with a relationship type python-docx does not know, and python-docx then
    makes up defaults (title "Word Document"); so find the part by the type's tail instead.
    """
    for rel in document.part.package.rels.values():
        if not rel.is_external and rel.reltype.endswith("/metadata/core-properties"):
            return getattr(rel.target_part, "core_properties", None)
    return None


def _open(data: bytes):
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise ExtractionError("encrypted", "the Word document is password-protected; save it without a "
                                               "password and try again")
        raise ExtractionError("corrupt", "this is an OLE compound file (a .doc or .wps), not a DOCX zip")
    check_archive(data)  # sizes, ratios and DTDs, before python-docx inflates every part
    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, EOFError, OSError) as e:
        raise ExtractionError("corrupt", f"not a readable DOCX (Word 2007+) file: {_reason(e)}") from None
    except Exception as e:  # the XML parser and python-docx raise many kinds on damaged parts
        raise ExtractionError("corrupt", f"the DOCX file is damaged: {_reason(e)}") from None


def _reason(error: Exception) -> str:
    return str(error).strip() or type(error).__name__


def _children(element, tags: tuple[str, ...]):
    """Direct children with one of `tags`, looking through wrapper elements."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tags)


def _style_id(paragraph) -> str:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return style.get(VAL, "") if style is not None else ""


def _on(element) -> bool:
    """A Word on/off property: present means on unless its val says otherwise."""
    return element is not None and element.get(VAL, "true") not in ("0", "false", "off")


def _paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _collect(paragraph, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag in _INVISIBLE:
            continue
        elif tag == _W + "r" and _on(child.find(f"{_W}rPr/{_W}vanish")):
            continue
        elif tag == P:  # a paragraph inside a text box
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
            _collect(child, parts)
            parts.append("\n")
        else:
            _collect(child, parts)


def _clean(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u3000", " ").strip()


def _cell_lines(container) -> list[str]:
    """Lines of a cell's content; a nested table contributes its cells' lines in reading order."""
    lines = []
    for element in _children(container, (P, TBL)):
        if element.tag == P:
            lines += _paragraph_text(element).split("\n")
        else:
            for row in _children(element, (TR,)):
                for cell in _children(row, (TC,)):
                    lines += _cell_lines(cell)
    return lines


def _cell_text(tc) -> str:
    return "\n".join(line for line in (_clean(x) for x in _cell_lines(tc)) if line)


def _int_prop(parent, path: str, default: int) -> int:
    if parent is None:
        return default
    found = parent.find(path)
    try:
        return int(found.get(VAL)) if found is not None else default
    except (TypeError, ValueError):
        return default


def _grid(tbl, table_no: int) -> Grid:
    """Expand a w:tbl into a rectangle: gridSpan → colspan, vMerge → rowspan, gridBefore/After → empty cells."""
    grid_widths = [_int_attr(col, _W + "w") for col in tbl.findall(f"{_W}tblGrid/{_W}gridCol")]
    parsed = []  # per row: (start, end, vmerge, text) in tblGrid columns
    width = len(grid_widths)
    for tr in _children(tbl, (TR,)):
        tr_pr = tr.find(_W + "trPr")
        col = _int_prop(tr_pr, _W + "gridBefore", 0)
        cells = []
        for tc in _children(tr, (TC,)):
            tc_pr = tc.find(_W + "tcPr")
            span = max(1, _int_prop(tc_pr, _W + "gridSpan", 1))
            h_merge = tc_pr.find(_W + "hMerge") if tc_pr is not None else None
            if h_merge is not None and h_merge.get(VAL, "continue") == "continue" and cells:
                start, _, vmerge, text = cells[-1]  # legacy horizontal merge: widen the cell on the left
                cells[-1] = (start, col + span, vmerge, text)
            else:
                v_merge = tc_pr.find(_W + "vMerge") if tc_pr is not None else None
                vmerge = None if v_merge is None else v_merge.get(VAL, "continue")
                cells.append((col, col + span, vmerge, _cell_text(tc)))
            col += span
        parsed.append(cells)
        width = max(width, col + _int_prop(tr_pr, _W + "gridAfter", 0))

    logical = _logical_columns(parsed, width, grid_widths)
    n_cols = max(logical.values())
    rows: list[list[GridCell | None]] = []
    owner: list[list[tuple[int, GridCell] | None]] = []
    for r, cells in enumerate(parsed):
        row: list[GridCell | None] = [GridCell("", {"table": table_no, "row": r, "col": c}) for c in range(n_cols)]
        owners: list[tuple[int, GridCell] | None] = [None] * n_cols
        for start, end, vmerge, text in cells:
            c0, c1 = logical[start], logical[end]
            if c0 == c1:  # an empty sliver cell folded away with its column
                continue
            above = owner[r - 1][c0] if r and vmerge == "continue" else None
            if above is not None:
                origin_row, origin = above
                origin.rowspan = r - origin_row + 1
                for c in range(c0, c1):
                    row[c], owners[c] = None, above
                continue
            cell = GridCell(text, {"table": table_no, "row": r, "col": c0}, colspan=c1 - c0)
            for c in range(c0, c1):
                row[c], owners[c] = None, (r, cell)
            row[c0] = cell
        rows.append(row)
        owner.append(owners)

    caption = tbl.find(f"{_W}tblPr/{_W}tblCaption")
    return Grid(rows, {"table": table_no}, caption=caption.get(VAL, "") if caption is not None else "")


def _logical_columns(parsed: list, width: int, grid_widths: list[int | None]) -> dict[int, int]:
    """Map tblGrid edges onto the table's logical column edges.

    Word adds a grid column wherever two rows' cell edges disagree, down to slivers of a twip
    (LibreOffice's rounding makes them too). Edges no cell starts or ends at vanish, and edges
    closer than SLIVER_TWIPS are one edge, unless that would squeeze a cell with text to nothing.
    """
    used = {0, width}
    for cells in parsed:
        for start, end, _, _ in cells:
            used.update((start, end))
    exact = {edge: i for i, edge in enumerate(sorted(used))}
    if not grid_widths or any(not w for w in grid_widths):
        return exact
    position = [0]
    for w in grid_widths + [10 ** 9] * (width - len(grid_widths)):  # past the grid: never snapped
        position.append(position[-1] + w)
    snapped, index, anchor = {}, -1, None
    for edge in sorted(used):
        if anchor is None or position[edge] - position[anchor] >= SLIVER_TWIPS:
            index, anchor = index + 1, edge
        snapped[edge] = index
    squeezed = any(text and snapped[start] == snapped[end] for cells in parsed for start, end, _, text in cells)
    return exact if squeezed else snapped


def _int_attr(element, name: str) -> int | None:
    try:
        return int(float(element.get(name)))
    except (TypeError, ValueError):
        return None
