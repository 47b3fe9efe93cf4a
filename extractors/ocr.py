"""Pictures of report tables → Layout, by OCR (rapidocr on onnxruntime, OpenCV for the grid). Optional: gkreports[ocr].

A picture is deskewed and, when small, enlarged; the table grid is found from its ruling lines and every cell
becomes a grid cell, merged cells once, exactly as the HTML reader gives them, so `extractors.report` maps
rows by their labels (never by position). Every cell with ink is read from a crop tight to its ink (binarised);
a one-line cell without Chinese characters is read a second time, independently, from the greyscale picture
around that ink (another crop, another scale). A cell gets its text only when both reads are the same number;
otherwise it carries a placeholder and both reads, and `extractors.certainty` decides what each cell is. A
picture without ruling lines falls back to rapidocr's whole-picture pass, its boxes grouped by position.
A table picture costs about 1.5 s of CPU (a dense table 三, noisy, about 3.5 s), spread over 2 cores while reading;
`bench/accuracy.py` reports the wall and CPU time per page.
"""
from __future__ import annotations

import io
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from extractors.model import ExtractionError, Grid, GridCell, Layout, Paragraph

OCR_MEDIA_TYPE = "image/png"
# Placeholder text of a cell whose two reads do not agree on a number: it stands where a value stands (so rows
# still split into label and values) and is replaced by the certainty step, which keeps the reads.
UNSETTLED = "/"
# Smallest picture worth reading (logos, bullets and spacers are smaller) and the width small pictures are
# enlarged to before reading: rapidocr reads digits about 20 px high well, 96-dpi tables print them 13 px high.
MIN_SIDE = 80
TARGET_WIDTH = 1800
MAX_SCALE = 3.0

_engine = None
_engine_lock = threading.Lock()


def available() -> bool:
    """Whether the OCR extra (rapidocr, onnxruntime, OpenCV) is installed."""
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def engine():
    """rapidocr with the models inside its wheel (nothing is downloaded), loaded once per process."""
    global _engine
    with _engine_lock:
        if _engine is None:
            os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported
            from pathlib import Path

            import rapidocr
            from rapidocr import RapidOCR
            models = Path(rapidocr.__file__).parent / "models"
            det, rec = models / "PP-OCRv6_det_small.onnx", models / "PP-OCRv6_rec_small.onnx"
            if not (det.exists() and rec.exists()):
                raise ExtractionError("needs_ocr", f"rapidocr's bundled models are missing from {models}")
            _engine = RapidOCR(params={"Global.use_cls": False, "Global.log_level": "error",
                                       "Global.max_side_len": 2000, "Det.limit_type": "max",
                                       "Det.limit_side_len": 1280, "Det.model_path": str(det),
                                       # these two apply to the whole-picture pass only (read_crops batches
                                       # its own): no padding of one digit to 320 px, 5× faster, as exact
                                       "Rec.model_path": str(rec), "Rec.rec_batch_num": 6,
                                       "Rec.rec_img_shape": [3, 48, 48],
                                       # one thread per session, which then never spins: see REC_THREADS
                                       "EngineConfig.onnxruntime.intra_op_num_threads": 1})
        return _engine


# ------------------------------------------------------------------ pictures in, pixels out
def decode(data: bytes):
    """Greyscale pixels of a PNG/JPEG/GIF/BMP (Pillow reads them all, OpenCV not GIF)."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.seek(0)
            if im.width * im.height > 60_000_000:
                raise ExtractionError("corrupt", f"the picture is too large to read ({im.width}×{im.height})")
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                white = Image.new("RGBA", im.size, (255, 255, 255, 255))
                im = Image.alpha_composite(white, im)
            return np.array(im.convert("L"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise ExtractionError("corrupt", f"the picture cannot be decoded ({type(err).__name__})") from None


def _binary(gray):
    import cv2
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return bw


def _text_height(bw) -> float:
    """Median height of the glyph-sized ink blobs: the scale every other size is measured in."""
    import cv2
    import numpy as np
    n, _, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    glyphs = h[(h >= 6) & (h <= 80) & (w <= 120)]
    return float(np.median(glyphs)) if len(glyphs) else 16.0


def deskew(gray):
    """The picture rotated so its long ruling lines are level (scans are often a degree or so off). The angle is
    fitted to the long horizontal strokes: a skewed rule is still a long run of ink, as a staircase."""
    import cv2
    import numpy as np
    bw = _binary(gray)
    text_h = _text_height(bw)
    runs = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, int(text_h * 3)), 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles, weights = [], []
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_WIDTH] < gray.shape[1] / 4:
            continue
        ys, xs = np.nonzero(labels[stats[k, 1]:stats[k, 1] + stats[k, 3], stats[k, 0]:stats[k, 0] + stats[k, 2]] == k)
        vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(np.degrees(np.arctan2(vy, vx)))
        weights.append(stats[k, cv2.CC_STAT_WIDTH])
    angles = [a - 180 if a > 90 else a + 180 if a < -90 else a for a in angles]
    angles = [a for a in angles if abs(a) < 5]
    if not angles:
        return gray, 0.0
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return gray, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255), angle


def prepare(gray):
    """Enlarged when small (before deskewing: rotation blurs small print), then levelled."""
    import cv2
    h, w = gray.shape
    scale = min(MAX_SCALE, TARGET_WIDTH / w) if w < TARGET_WIDTH * 0.75 else 1.0
    if scale > 1.05:
        gray = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_CUBIC)
    gray, angle = deskew(gray)
    return gray, scale, angle


# ------------------------------------------------------------------ the grid from ruling lines
@dataclass
class Cell:
    x0: int
    y0: int
    x1: int
    y1: int
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1
    ink: tuple[int, int, int, int] | None = None  # tight box of the cell's ink, None for an empty cell
    page: list[tuple[float, float, str]] = field(default_factory=list)  # whole-picture boxes (y, x, text)
    crop: str | None = None
    slanted: bool = False  # one stroke leaning like '/': never settled as the digit 1


@dataclass
class Table:
    x0: int
    y0: int
    x1: int
    y1: int
    cells: list[Cell]
    nrows: int
    ncols: int


def ruling(bw, text_h: float):
    """Masks of the horizontal and vertical ruling lines: ink runs far longer than any glyph stroke."""
    import cv2
    horizontal = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(25, int(text_h * 3.5)), 1)))
    vertical = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, max(15, int(text_h * 1.4)))))
    # close the pixel gaps a scan leaves in a line, without joining separate lines
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    return horizontal, vertical


def _cluster(values: list[int], tolerance: int) -> list[int]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(g) / len(g)) for g in out]


def _index(edges: list[int], v: int) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def find_tables(bw, text_h: float) -> list[Table]:
    """Ruled tables: each closed box between ruling lines is a cell; merged cells are one box spanning several
    rows or columns of the table's edges."""
    import cv2
    horizontal, vertical = ruling(bw, text_h)
    lines = cv2.bitwise_or(horizontal, vertical)
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = []
    for k in range(1, n):
        x, y, w, h = stats[k, :4]
        if w < text_h * 6 or h < text_h * 2.5:
            continue
        region = lines[y:y + h, x:x + w]
        if horizontal[y:y + h, x:x + w].any(axis=1).sum() < 2 or vertical[y:y + h, x:x + w].any(axis=0).sum() < 2:
            continue
        spaces = cv2.bitwise_not(region)
        m, _, cstats, _ = cv2.connectedComponentsWithStats(spaces, connectivity=4)
        boxes = []
        for j in range(1, m):
            cx, cy, cw, ch = cstats[j, :4]
            touches = cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h
            if touches or cw < text_h * 0.8 or ch < text_h * 0.8:
                continue
            if cstats[j, cv2.CC_STAT_AREA] < 0.7 * cw * ch:  # not a box: a gap in a broken line joined two areas
                continue
            boxes.append((x + cx, y + cy, x + cx + cw, y + cy + ch))
        if len(boxes) < 2:
            continue
        tol = max(4, int(text_h * 0.5))
        xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], tol)
        ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], tol)
        cells = []
        for x0, y0, x1, y1 in boxes:
            c0, c1 = _index(xs, x0), _index(xs, x1)
            r0, r1 = _index(ys, y0), _index(ys, y1)
            if c1 <= c0 or r1 <= r0:
                continue
            # edges are shared by neighbours: a box's right edge and the next box's left edge cluster together
            cells.append(Cell(x0, y0, x1, y1, r0, c0, max(1, r1 - r0), max(1, c1 - c0)))
        tables.append(_renumber(Table(int(x), int(y), int(x + w), int(y + h), cells, 0, 0)))
    tables.sort(key=lambda t: (t.y0, t.x0))
    return tables


def _renumber(table: Table) -> Table:
    """Rows and columns of the edge lattice as consecutive indices (left and right edges of one rule coincide)."""
    rows = sorted({c.row for c in table.cells} | {c.row + c.rowspan for c in table.cells})
    cols = sorted({c.col for c in table.cells} | {c.col + c.colspan for c in table.cells})
    for c in table.cells:
        r1, c1 = rows.index(c.row + c.rowspan), cols.index(c.col + c.colspan)
        c.row, c.col = rows.index(c.row), cols.index(c.col)
        c.rowspan, c.colspan = r1 - c.row, c1 - c.col
    table.nrows, table.ncols = len(rows) - 1, len(cols) - 1
    return table


def ink_box(bw, cell: Cell, text_h: float) -> tuple[int, int, int, int] | None:
    """The tight box around a cell's ink, away from its rules; None when the cell is empty (specks ignored)."""
    import cv2
    inset = max(3, int(text_h * 0.15))
    x0, y0, x1, y1 = cell.x0 + inset, cell.y0 + inset, cell.x1 - inset, cell.y1 - inset
    if x1 <= x0 or y1 <= y0:
        return None
    region = bw[y0:y1, x0:x1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    keep = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= max(4, text_h * text_h * 0.02)
            and max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]) >= text_h * 0.2]
    if not keep:
        return None
    xs0 = min(stats[k, 0] for k in keep)
    ys0 = min(stats[k, 1] for k in keep)
    xs1 = max(stats[k, 0] + stats[k, 2] for k in keep)
    ys1 = max(stats[k, 1] + stats[k, 3] for k in keep)
    return int(x0 + xs0), int(y0 + ys0), int(x0 + xs1), int(y0 + ys1)


# ------------------------------------------------------------------ reading
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def clean_read(text: str) -> str:
    """A read as compared: half-width, no surrounding space."""
    return unicodedata.normalize("NFKC", text or "").strip()


def is_number(text: str) -> bool:
    """Strictly digits (with one decimal point): what an OCR read must be to count as a number. Chinese
    numerals and dashes are not accepted: OCR confuses 一 with -, and 二 with =."""
    return bool(_NUMBER.match(text))


def page_boxes(gray) -> list[tuple[tuple[float, float, float, float], str]]:
    """rapidocr's whole-picture pass (detection, then recognition): box and text of every line it finds."""
    import numpy as np
    result = engine()(np.dstack([gray] * 3))
    if result.boxes is None or result.txts is None:
        return []
    out = []
    for box, text in zip(result.boxes, result.txts):
        pts = np.asarray(box)
        out.append(((float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())),
                    clean_read(text)))
    return out


# How the recogniser runs on crops (`read_crops`), as measured on 2 cores shared with other work (issue 8). Its
# convolutions cost in proportion to the pixels fed in, not per call: batches of 8 to 64 one-digit crops cost the
# same per crop, and padding one digit to less than 48 px is no faster. What pays:
# - reading each distinct crop once (a clean picture prints the same 0 in dozens of cells): −30 % CPU on a mix of
#   clean and noisy pictures;
# - one onnxruntime thread per run, two batches at once: onnxruntime's default (a thread per core, spinning while
#   it waits) spent 1.7–1.9 times the CPU for the same reads once other processes shared the cores, and the
#   extraction pool runs one worker per core;
# - each crop padded to a width of its own (rapidocr pads a batch to its widest crop), so a read does not depend
#   on its neighbours; one digit to 64 px rather than 48: on the 21 noisy 96-dpi pictures of the bench both reads
#   agree on a number in 1328 of 1347 cells against 1312, and as one failed cell leaves its whole rule uncertain,
#   that is a quarter more certain cells there (865 → 1083), none wrong.
REC_HEIGHT = 48
REC_MIN_WIDTH = 64
REC_WIDTH_STEP = 8  # the network gives one output column per 8 px: wider crops are padded to a multiple of 8
REC_BATCH_PIXELS = 48 * 64 * 32  # input pixels per batch: 32 one-digit crops
REC_THREADS = 2  # batches recognised at once, each on its own single-threaded run of the session


def _rec_input(crop):
    """A crop as the recogniser takes it: 48 px high, its width in proportion, scaled to [-1, 1] (rapidocr's
    resizing and scaling; one grey channel, repeated into three when batched)."""
    import math

    import cv2
    import numpy as np
    h, w = crop.shape[:2]
    width = max(1, math.ceil(REC_HEIGHT * w / h))
    resized = cv2.resize(crop, (width, REC_HEIGHT)).astype(np.float32)
    return (resized / 255.0 - 0.5) / 0.5


def rec_width(width: int) -> int:
    """The padded width of a crop `width` px wide at 48 px high: a function of the crop alone."""
    return max(REC_MIN_WIDTH, -(-width // REC_WIDTH_STEP) * REC_WIDTH_STEP)


def read_crops(crops: list) -> list[str]:
    """The recogniser alone on each greyscale crop (one line of text each), without detection.

    Each crop is resized to 48 px high and padded on the right (with rapidocr's padding, 0 after scaling) to
    `rec_width`, which depends on that crop alone, so its read does not depend on which other crops share its
    batch or on their order; crops of one padded width are batched together. Pixel-identical crops (the same
    digit printed in many cells of a clean picture) are read once: the read is a function of the crop, so
    it is the one each of them would get."""
    if not crops:
        return []
    import numpy as np
    recogniser = engine()._load_rec_model()
    first: dict[bytes, int] = {}
    which: list[int] = []  # crop → index of its first pixel-identical crop among the distinct ones
    distinct = []
    for c in crops:
        key = repr(c.shape).encode() + np.ascontiguousarray(c).tobytes()
        if key not in first:
            first[key] = len(distinct)
            distinct.append(c)
        which.append(first[key])
    inputs = [_rec_input(c) for c in distinct]
    by_width: dict[int, list[int]] = {}
    for i, x in enumerate(inputs):
        by_width.setdefault(rec_width(x.shape[1]), []).append(i)
    batches: list[tuple[int, list[int]]] = []
    for width, members in sorted(by_width.items()):
        size = max(1, REC_BATCH_PIXELS // (REC_HEIGHT * width))
        batches += [(width, members[k:k + size]) for k in range(0, len(members), size)]

    def run(batch: tuple[int, list[int]]) -> list[str]:
        width, members = batch
        tensor = np.zeros((len(members), 3, REC_HEIGHT, width), dtype=np.float32)
        for k, i in enumerate(members):
            tensor[k, :, :, :inputs[i].shape[1]] = inputs[i]
        lines, _ = recogniser.postprocess_op(recogniser.session(tensor), False)
        return [clean_read(text) for text, _score in lines]

    if REC_THREADS > 1 and len(batches) > 1:
        from concurrent.futures import ThreadPoolExecutor
        batches.sort(key=lambda b: -b[0] * len(b[1]))  # the largest first, so the threads end together
        with ThreadPoolExecutor(REC_THREADS, thread_name_prefix="ocr-rec") as pool:
            results = list(pool.map(run, batches))
    else:
        results = [run(b) for b in batches]
    texts = [""] * len(distinct)
    for (_, members), reads in zip(batches, results):
        for i, text in zip(members, reads):
            texts[i] = text
    return [texts[i] for i in which]


def text_lines(bw, box: tuple[int, int, int, int], text_h: float) -> list[tuple[int, int, int, int]]:
    """The lines of text inside an ink box (a label wrapped in its cell), each as its own tight box."""
    import numpy as np
    x0, y0, x1, y1 = box
    region = bw[y0:y1, x0:x1]
    inked = region.any(axis=1)
    runs: list[list[int]] = []
    for y, on in enumerate(inked):
        if not on:
            continue
        if runs and y - runs[-1][1] <= max(2, text_h * 0.25):
            runs[-1][1] = y + 1
        else:
            runs.append([y, y + 1])
    merged: list[list[int]] = []
    for run in runs:  # a stroke-only band (the lower bar of 二) belongs to the line it touches
        if merged and (run[1] - run[0] < text_h * 0.45 or merged[-1][1] - merged[-1][0] < text_h * 0.45) \
                and run[0] - merged[-1][1] <= text_h * 0.5:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    out = []
    for a, b in merged:
        cols = np.nonzero(region[a:b].any(axis=0))[0]
        if len(cols):
            out.append((x0 + int(cols[0]), y0 + a, x0 + int(cols[-1]) + 1, y0 + b))
    return out


def _crop_binary(bw, box, text_h: float):
    """First read's input: the ink binarised, black on white, a narrow margin."""
    import cv2
    x0, y0, x1, y1 = box
    pad = max(3, int(text_h * 0.3))
    return cv2.copyMakeBorder(cv2.bitwise_not(bw[y0:y1, x0:x1]), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _crop_grey(gray, box, text_h: float):
    """Second read's input: the same place in the greyscale picture, enlarged half again, a wider margin."""
    import cv2
    x0, y0, x1, y1 = box
    m = max(2, int(text_h * 0.2))
    crop = gray[max(0, y0 - m):y1 + m, max(0, x0 - m):x1 + m]
    pad = max(4, int(text_h * 0.4))
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return cv2.resize(crop, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)


def _value_like(text: str) -> bool:
    """A read that can stand in a value position: no Chinese characters, short."""
    return not _CJK.search(text) and len(text) <= 14


def read_cells(tables: list[Table], gray, bw, text_h: float) -> None:
    """Fill every cell's reads: all its lines once from the binarised ink; a one-line cell without Chinese
    characters (a number, a dash) a second time from the greyscale picture."""
    jobs: list[tuple[Cell, int]] = []
    crops = []
    for t in tables:
        for c in t.cells:
            c.ink = ink_box(bw, c, text_h)
            if c.ink is None:
                continue
            for k, line in enumerate(text_lines(bw, c.ink, text_h)):
                jobs.append((c, k))
                crops.append(_crop_binary(bw, line, text_h))
    texts: dict[int, list[str]] = {}
    for (c, _), text in zip(jobs, read_crops(crops)):
        texts.setdefault(id(c), []).append(text)
    second = []
    for t in tables:
        for c in t.cells:
            if c.ink is None:
                continue
            lines = texts.get(id(c), [])
            c.page = [(0.0, 0.0, "".join(lines))]
            if len(lines) == 1 and _value_like(lines[0]):
                second.append(c)
    for c, text in zip(second, read_crops([_crop_grey(gray, c.ink, text_h) for c in second])):
        c.crop = text
        c.slanted = "1" in text and _slant(bw, c.ink) > SLASH_DEGREES


# How far from upright a lone stroke may lean and still be a 1: both reads take a printed '/' (not applicable)
# for a 1, and table 二 has no rule that would catch it; the stroke's own slant does.
SLASH_DEGREES = 10.0


def _slant(bw, box) -> float:
    """Degrees from vertical of the ink's main axis, when the ink is one narrow stroke; 0 otherwise."""
    import cv2
    import numpy as np
    x0, y0, x1, y1 = box
    region = bw[y0:y1, x0:x1]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    if n != 2 or (x1 - x0) > (y1 - y0):
        return 0.0
    ys, xs = np.nonzero(labels == 1)
    vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return float(abs(np.degrees(np.arctan2(abs(vx), abs(vy)))))


def _without_specks(bw, text_h: float):
    """Ink blobs too small to be part of a character (scanner speckle) removed."""
    import cv2
    import numpy as np
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    small = (stats[:, cv2.CC_STAT_AREA] < max(6, text_h * text_h * 0.03)) & \
            (np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) < text_h * 0.35)
    small[0] = False
    out = bw.copy()
    out[small[labels]] = 0
    return out


def prose_lines(bw, tables: list[Table], text_h: float) -> list[tuple[float, str]]:
    """Text outside the tables (a title, headings, a date), line by line, read without detection; pieces of
    a line far apart (a heading and a date) are read apart."""
    import numpy as np
    outside = bw.copy()
    for t in tables:
        outside[max(0, t.y0 - 3):t.y1 + 4, max(0, t.x0 - 3):t.x1 + 4] = 0
    outside = _without_specks(outside, text_h)
    if not outside.any():
        return []
    h, w = outside.shape
    pieces: list[tuple[int, tuple[int, int, int, int]]] = []
    for n, (x0, y0, x1, y1) in enumerate(text_lines(outside, (0, 0, w, h), text_h)):
        if not text_h * 0.5 <= y1 - y0 <= text_h * 3:
            continue
        cols = np.nonzero(outside[y0:y1, x0:x1].any(axis=0))[0]
        start = prev = cols[0]
        for c in list(cols[1:]) + [None]:
            if c is None or c - prev > text_h * 4:
                if prev - start >= text_h * 0.5:
                    pieces.append((n, (x0 + int(start), y0, x0 + int(prev) + 1, y1)))
                start = c
            if c is not None:
                prev = c
    texts = read_crops([_crop_binary(outside, box, text_h) for _, box in pieces])
    lines: dict[int, tuple[float, list[str]]] = {}
    for (n, box), text in zip(pieces, texts):
        if text:
            lines.setdefault(n, ((box[1] + box[3]) / 2, []))[1].append(text)
    return [(y, " ".join(parts)) for y, parts in lines.values()]


# ------------------------------------------------------------------ one picture → blocks
def picture_blocks(data: bytes, picture: int, first_table: int = 0) -> list[Paragraph | Grid]:
    """One picture's paragraphs and tables, top to bottom. `picture` numbers it in the document."""
    gray = decode(data)
    if min(gray.shape) < MIN_SIDE:
        return []
    gray, scale, angle = prepare(gray)
    bw = _binary(gray)
    text_h = _text_height(bw)
    tables = find_tables(bw, text_h)
    placed: list[tuple[float, Paragraph | Grid]] = []
    if tables:
        read_cells(tables, gray, bw, text_h)
        for n, t in enumerate(tables):
            placed.append((t.y0, _grid(t, first_table + n, picture, text_h)))
        for y, text in prose_lines(bw, tables, text_h):
            placed.append((y, Paragraph(text, {"picture": picture})))
    else:
        boxes = page_boxes(gray)
        grid = position_grid(boxes, gray, bw, text_h, first_table, picture)
        if grid is not None:
            placed.append((grid[1], grid[0]))
            boxes = [b for b in boxes if b[0][1] < grid[1]]  # what stands above the table stays prose
        for y, text in _lines(boxes, text_h):
            placed.append((y, Paragraph(text, {"picture": picture})))
    placed.sort(key=lambda p: p[0])
    return [block for _, block in placed]


def _cell_text(c: Cell, text_h: float) -> tuple[str, dict]:
    """The text a grid cell carries into the mapping, and its OCR evidence for the certainty step."""
    if c.ink is None:
        return "", {"ocr": [], "ink": False}
    first = c.page[0][2] if c.page else ""
    if c.crop is None:  # Chinese text (a label) or several lines: read once
        return first, {"ocr": [first], "ink": True}
    reads = [first, c.crop]
    if is_number(first) and first == c.crop and not c.slanted:
        return first, {"ocr": reads, "ink": True}
    if c.slanted:
        reads.append("/ (the stroke leans)")
    return UNSETTLED, {"ocr": reads, "ink": True}


def _grid(t: Table, index: int, picture: int, text_h: float) -> Grid:
    rows: list[list[GridCell | None]] = [[GridCell("", {"table": index, "row": r, "col": c, "picture": picture})
                                          for c in range(t.ncols)] for r in range(t.nrows)]
    for c in t.cells:
        for dr in range(c.rowspan):
            for dc in range(c.colspan):
                rows[c.row + dr][c.col + dc] = None
    for c in sorted(t.cells, key=lambda c: (c.row, c.col)):
        text, evidence = _cell_text(c, text_h)
        rows[c.row][c.col] = GridCell(text, {"table": index, "row": c.row, "col": c.col, "picture": picture,
                                             **evidence}, c.rowspan, c.colspan)
    return Grid(rows, {"table": index, "picture": picture})


def _lines(boxes, text_h: float) -> list[tuple[float, str]]:
    """Whole-picture boxes outside tables as lines of prose, top to bottom."""
    lines: list[list] = []
    for (x0, y0, x1, y1), text in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        cy = (y0 + y1) / 2
        if lines and abs(cy - lines[-1][0]) < text_h * 0.6:
            lines[-1][1].append((x0, text))
        else:
            lines.append([cy, [(x0, text)]])
    return [(cy, "".join(t for _, t in sorted(parts))) for cy, parts in lines if any(t for _, t in parts)]


def position_grid(boxes, gray, bw, text_h: float, index: int, picture: int) -> tuple[Grid, float] | None:
    """A table printed without rules: whole-picture boxes grouped into rows by height, cells left to right.
    Rows of at least three boxes, one after another, are the table. Each value box is read again from its
    own greyscale crop; a blank cell prints nothing and so cannot be seen: such rows come out short and the
    mapping leaves them out rather than shifting values."""
    rows: list[list] = []
    for box, text in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        cy = (box[1] + box[3]) / 2
        if rows and abs(cy - rows[-1][0]) < text_h * 0.6:
            rows[-1][1].append((box, text))
        else:
            rows.append([cy, [(box, text)]])
    table_rows = [sorted(r[1], key=lambda b: b[0][0]) for r in rows if len(r[1]) >= 3]
    if len(table_rows) < 3:
        return None
    top = min(b[0][1] for r in table_rows for b in r)
    where, crops = [], []
    for i, r in enumerate(table_rows):
        for k, (box, text) in enumerate(r):
            if _value_like(text):
                x0, y0, x1, y1 = (int(v) for v in box)
                ink = ink_box(bw, Cell(x0 - 4, y0 - 4, x1 + 4, y1 + 4), text_h)
                if ink is not None:
                    where.append((i, k))
                    crops.append(_crop_grey(gray, ink, text_h))
    again = dict(zip(where, read_crops(crops)))
    grid_rows = []
    for i, r in enumerate(table_rows):
        cells = []
        for k, (box, text) in enumerate(r):
            loc = {"table": index, "row": i, "col": k, "picture": picture}
            second = again.get((i, k))
            if second is None:
                cells.append(GridCell(text, {**loc, "ocr": [text], "ink": True}))
            elif is_number(text) and text == second:
                cells.append(GridCell(text, {**loc, "ocr": [text, second], "ink": True}))
            else:
                cells.append(GridCell(UNSETTLED, {**loc, "ocr": [text, second], "ink": True}))
        grid_rows.append(cells)
    return Grid(grid_rows, {"table": index, "picture": picture, "unruled": True}), top - 1


# ------------------------------------------------------------------ documents
def read_picture(data: bytes) -> Layout:
    """A bare picture file (PNG/JPEG/GIF/BMP) of a report or its tables."""
    blocks = picture_blocks(data, 0)
    if not any(_has_text(b) for b in blocks):
        raise ExtractionError("not_a_report", "OCR found no text in the picture")
    return Layout(blocks, OCR_MEDIA_TYPE, title=_title(blocks), meta={"ocr": "picture"})


def read_scanned_pdf(data: bytes, dpi: int = 150) -> Layout:
    """A PDF without a text layer: every page rendered at `dpi` (≥ 150) and read as a picture."""
    import pypdfium2 as pdfium
    blocks: list[Paragraph | Grid] = []
    pdf = pdfium.PdfDocument(data)
    pages = len(pdf)
    try:
        for number in range(pages):
            page = pdf[number]
            image = page.render(scale=max(dpi, 150) / 72, grayscale=True).to_pil()
            out = io.BytesIO()
            image.save(out, "PNG")
            tables = sum(isinstance(b, Grid) for b in blocks)
            for block in picture_blocks(out.getvalue(), number, tables):
                block.loc["page"] = number + 1
                if isinstance(block, Grid):
                    for row in block.rows:
                        for cell in row:
                            if cell is not None:
                                cell.loc["page"] = number + 1
                blocks.append(block)
    finally:
        pdf.close()
    if not any(_has_text(b) for b in blocks):  # ruled boxes and shapes, no text: nothing OCR could read
        raise ExtractionError("no_text_layer", f"no text layer, and OCR found no text on its {pages} page(s)")
    return Layout(blocks, "application/pdf", title=_title(blocks), meta={"ocr": "scanned_pdf"})


def _has_text(block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(c is not None and c.text.strip() and c.text != UNSETTLED for row in block.rows for c in row)


def _title(blocks) -> str | None:
    for b in blocks[:6]:
        if isinstance(b, Paragraph) and ("报告" in b.text or "年报" in b.text):
            return b.text
    return None
