"""Report tables drawn as pictures (Pillow and a CJK font): the image-only articles and scans that OCR reads.

The tables are the HTML renderer's own table models (same rows, merged cells and labels), ruled and lettered
at a chosen resolution; `noisy` adds what a scan does to a page: a slight skew, speckle, blur and JPEG.
A CJK font must be installed (fonts-noto-cjk); `cjk_font()` says where, or None.
"""
from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path

from renderers.common import section_title, title_of
from extractors.template import T3_CORNER
from renderers.html import _Cell, _t2_tables, _t3_table, _t4_tables, published_of

FONT_PLACES = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto-cjk",
               "/usr/share/fonts/opentype", "/usr/share/fonts/truetype", "/usr/share/fonts", "/System/Library/Fonts")
FONT_NAMES = ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf",
              "wqy-microhei.ttc", "wqy-zenhei.ttc", "DroidSansFallbackFull.ttf", "PingFang.ttc")

TABLE_POINTS = 10.5  # 五号, the size report tables are set in
HEADING_POINTS = 14
TITLE_POINTS = 18


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """A font file with Chinese glyphs, or None when the machine has none."""
    for place in FONT_PLACES:
        root = Path(place)
        if not root.is_dir():
            continue
        for name in FONT_NAMES:
            found = next(iter(sorted(root.rglob(name))), None)
            if found:
                return found
    return None


def _font(points: float, dpi: int):
    from PIL import ImageFont
    path = cjk_font()
    if path is None:
        raise RuntimeError("no CJK font installed (apt-get install fonts-noto-cjk)")
    return ImageFont.truetype(str(path), max(8, round(points * dpi / 72)))


def tables_of(fig: dict, variant: str = "word") -> list[list[list[_Cell]]]:
    """The tables of `render_html(fig, variant)`, in page order (one picture each in an image-only article)."""
    style = {"word": "word", "gbk": "word", "gbk_nometa": "word"}.get(variant, variant)
    if style == "word":
        return (_t2_tables(fig, one_table=True, wrap_heads=True)
                + [_t3_table(fig, split_header=True, corner="", wrap_rows=True)]
                + _t4_tables(fig, one_table=True, split_labels=True))
    if style == "plain":
        return (_t2_tables(fig, one_table=False, wrap_heads=False)
                + [_t3_table(fig, split_header=False, corner="", wrap_rows=False)]
                + _t4_tables(fig, one_table=False, split_labels=False))
    return (_t2_tables(fig, one_table=True, wrap_heads=False)
            + [_t3_table(fig, split_header=False, corner=T3_CORNER, wrap_rows=False)]
            + _t4_tables(fig, one_table=True, split_labels=False))


def _place(table: list[list[_Cell]]) -> tuple[list[tuple[_Cell, int, int]], int, int]:
    """Each cell at its (row, column) in the full rectangle, as a browser lays out rowspan/colspan."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((cell, r, c))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed, len(table), max(c for _, c in taken) + 1


def _wrap(text: str, font, width: float) -> list[str]:
    lines = []
    for part in text.split("\n"):
        line = ""
        for ch in part:
            if line and font.getlength(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def draw_table(table: list[list[_Cell]], dpi: int = 150, ruled: bool = True):
    """One table as a greyscale picture, ruled (or, `ruled=False`, set out by spacing alone)."""
    from PIL import Image, ImageDraw

    font = _font(TABLE_POINTS, dpi)
    em = font.getlength("国")
    pad, rule = em * 0.4, max(1, round(dpi / 96))
    placed, nrows, ncols = _place(table)
    # Column widths: what single-column cells need, a tall cell (a group label) kept narrow and wrapped.
    widths = [em * 3.2] * ncols
    for cell, _, c in placed:
        if cell.colspan == 1:
            cap = em * (4 if cell.rowspan > 2 else 13)
            need = max(font.getlength(line) for line in cell.text.split("\n")) + 2 * pad
            widths[c] = max(widths[c], min(need, cap + 2 * pad))
    for cell, _, c in placed:  # a spanning cell wider than its columns widens the last of them
        span = sum(widths[c:c + cell.colspan])
        need = min(max(font.getlength(line) for line in cell.text.split("\n")) + 2 * pad, em * 30)
        if need > span:
            widths[c + cell.colspan - 1] += need - span
    line_h = font.size * 1.35
    heights = [line_h + 2 * pad] * nrows
    for cell, r, c in placed:
        lines = _wrap(cell.text, font, sum(widths[c:c + cell.colspan]) - 2 * pad)
        need = len(lines) * line_h + 2 * pad
        if need > sum(heights[r:r + cell.rowspan]):
            heights[r + cell.rowspan - 1] += need - sum(heights[r:r + cell.rowspan])
    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [0.0]
    for h in heights:
        ys.append(ys[-1] + h)
    margin = round(em)
    image = Image.new("L", (round(xs[-1]) + 2 * margin, round(ys[-1]) + 2 * margin), 255)
    draw = ImageDraw.Draw(image)
    for cell, r, c in placed:
        x0, x1 = margin + xs[c], margin + xs[c + cell.colspan]
        y0, y1 = margin + ys[r], margin + ys[r + cell.rowspan]
        if ruled:
            draw.rectangle([round(x0), round(y0), round(x1), round(y1)], outline=0, width=rule)
        lines = _wrap(cell.text, font, x1 - x0 - 2 * pad)
        top = (y0 + y1) / 2 - len(lines) * line_h / 2
        for k, line in enumerate(lines):
            draw.text(((x0 + x1) / 2, top + (k + 0.5) * line_h), line, fill=0, font=font, anchor="mm")
    return image


def _text_line(text: str, points: float, dpi: int, width: int, centred: bool = False):
    from PIL import Image, ImageDraw
    font = _font(points, dpi)
    lines = _wrap(text, font, width - 2 * font.size)
    line_h = round(font.size * 1.6)
    image = Image.new("L", (width, line_h * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        x = (width - font.getlength(line)) / 2 if centred else font.size * 2
        draw.text((x, k * line_h + line_h * 0.2), line, fill=0, font=font)
    return image


def _stack(parts, width: int):
    from PIL import Image
    gap = 12
    image = Image.new("L", (width, sum(p.height for p in parts) + gap * (len(parts) + 1)), 255)
    y = gap
    for p in parts:
        image.paste(p, ((width - p.width) // 2 if p.width < width else 0, y))
        y += p.height + gap
    return image


def report_page(fig: dict, dpi: int = 150, variant: str = "word"):
    """The report's title, table headings and tables as one tall picture (a scanned report's pages, stacked)."""
    tables = [draw_table(t, dpi) for t in tables_of(fig, variant)]
    width = max(max(t.width for t in tables) + dpi // 2, round(8.27 * dpi * 0.8))
    sections = {0: "t2", len(tables) - (2 if variant in ("plain",) else 1): "t4"}
    t3_at = next(i for i, t in enumerate(tables_of(fig, variant)) if len(t) > 20)
    sections[t3_at] = "t3"
    parts = [_text_line(title_of(fig), TITLE_POINTS, dpi, width, centred=True),
             _text_line("一、总体情况", HEADING_POINTS, dpi, width),
             _text_line("本年度我单位认真贯彻落实政府信息公开条例，依法做好政府信息公开工作。", TABLE_POINTS, dpi, width)]
    for i, table in enumerate(tables):
        if i in sections:
            parts.append(_text_line(section_title(sections[i]), HEADING_POINTS, dpi, width))
        parts.append(table)
    y, m, d = (int(x) for x in published_of(fig).split("-"))
    parts.append(_text_line("五、存在的主要问题及改进情况", HEADING_POINTS, dpi, width))
    parts.append(_text_line(f"{fig['publisher']}　{y}年{m}月{d}日", TABLE_POINTS, dpi, width))
    return _stack(parts, width)


def scanned(image, seed: int = 0, skew: float = 0.7):
    """What a scanner does to a page: a slight rotation, speckle, a little blur."""
    from PIL import Image, ImageFilter
    rnd = random.Random(seed)
    angle = skew * (1 if rnd.random() < 0.5 else -1)
    out = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=250)
    out = out.filter(ImageFilter.GaussianBlur(0.6))
    pixels = out.load()
    for _ in range(out.width * out.height // 400):
        x, y = rnd.randrange(out.width), rnd.randrange(out.height)
        pixels[x, y] = rnd.choice((40, 120, 200))
    return out


def encode(image, fmt: str = "png", quality: int = 70) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        image.convert("L").save(out, "JPEG", quality=quality)
    else:
        image.save(out, fmt.upper(), optimize=True)
    return out.getvalue()


def table_pictures(fig: dict, variant: str = "word", dpi: int = 150, noisy: bool = False,
                   ruled: bool = True) -> list[bytes]:
    """One picture per table of `render_html(fig, variant)`: PNG, or JPEG scanned with noise when `noisy`."""
    out = []
    for n, table in enumerate(tables_of(fig, variant)):
        image = draw_table(table, dpi, ruled)
        out.append(encode(scanned(image, seed=n), "jpeg") if noisy else encode(image, "png"))
    return out


def write_ocr_corpus(out_dir, figures: list[dict] | None = None) -> list[Path]:
    """Picture documents with their expected JSON, for bench/accuracy.py: per figures file an HTML article whose
    tables are clean 150-dpi PNGs, one whose tables are noisy 96-dpi JPEGs (pictures beside the page), and the
    whole report as one 150-dpi PNG."""
    import json
    import re

    from renderers.common import all_figures
    from renderers.corpus import expected_json
    from renderers.html import render_html
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fig in figures if figures is not None else all_figures():
        expected = json.dumps(expected_json(fig), ensure_ascii=False, indent=1)
        for name, dpi, noisy in (("ocr-article-150", 150, False), ("ocr-article-96-noisy", 96, True)):
            pictures = table_pictures(fig, "word", dpi, noisy)
            files = [f"{fig['slug']}.{name}-{n}.{'jpg' if noisy else 'png'}" for n in range(1, len(pictures) + 1)]
            for file, data in zip(files, pictures):
                (out_dir / file).write_bytes(data)
            it = iter(files)
            page = re.sub(r"<table\b.*?</table>", lambda _: f'<p><img src="{next(it)}"></p>',
                          render_html(fig, "word").decode("utf-8"), flags=re.S)
            path = out_dir / f"{fig['slug']}.{name}.html"
            path.write_text(page, encoding="utf-8")
            written.append(path)
        path = out_dir / f"{fig['slug']}.ocr-page-150.png"
        path.write_bytes(encode(report_page(fig, 150)))
        written.append(path)
        for path in written[-3:]:
            (out_dir / (path.name[: -len(path.suffix)] + ".expected.json")).write_text(expected, encoding="utf-8")
    return written


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        print("usage: python -m renderers.image OUTDIR   (picture documents for bench/accuracy.py)", file=sys.stderr)
        sys.exit(2)
    if cjk_font() is None:
        print("no CJK font installed (apt-get install fonts-noto-cjk)", file=sys.stderr)
        sys.exit(2)
    print(f"wrote {len(write_ocr_corpus(sys.argv[1]))} picture documents to {sys.argv[1]}")
