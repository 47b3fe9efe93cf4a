"""Hostile and pathological documents, drawn from our own renderers: what a nightly crawl of thousands of portals
meets sooner or later. Each function returns the file's bytes; bench/faults.py names what each must cost."""
from __future__ import annotations

import hashlib
import io
import random
import re
import zipfile
from pathlib import Path

from renderers.docx import render_docx
from renderers.html import render_html
from renderers.pdf import render_encrypted_pdf, render_pdf

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT_OPEN = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  f'<w:document xmlns:w="{W_NS}"><w:body>').encode()
_DOCUMENT_CLOSE = b"</w:body></w:document>"
MB = 1024 * 1024


# ------------------------------------------------------------------ anything

def random_bytes(size: int = 200_000, seed: int = 2260) -> bytes:
    return random.Random(seed).randbytes(size)


def html_error_page() -> bytes:
    """What a portal's CMS serves, with 200, for an attachment that is gone: saved under the link's .pdf name."""
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>404 页面不存在</title></head>"
            "<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p><p><a href='/'>返回首页</a></p></body></html>"
            ).encode("utf-8")


def not_a_report() -> bytes:
    """A portal's news article: an article page like a report's, about something else."""
    return ("<html><head><meta charset='utf-8'><title>我区开展春季植树活动</title></head><body>"
            "<div class='TRS_Editor'><p>3月12日，区机关干部职工200余人参加义务植树活动，共栽植树木1500株。</p>"
            "<p>活动现场气氛热烈。</p></div></body></html>").encode("utf-8")


# ------------------------------------------------------------------ HTML

def gbk_declared_utf8(fig: dict) -> bytes:
    """The report page in GBK bytes under a <meta charset="utf-8">."""
    return render_html(fig, "plain").decode("utf-8").encode("gb18030")


def utf8_declared_gbk(fig: dict) -> bytes:
    """The report page in UTF-8 bytes under a <meta charset=gb2312>."""
    return render_html(fig, "gbk").decode("gb18030").encode("utf-8")


def two_tables_three(fig: dict) -> bytes:
    """The report page with section 三 and its table printed twice, the second copy's numbers each one higher."""
    page = render_html(fig, "plain").decode("utf-8")
    start = page.rfind("<p", 0, page.index("三、收到和处理政府信息公开申请情况"))
    end = page.rfind("<p", 0, page.index("四、政府信息公开行政复议"))
    copy = re.sub(r">(\d+)<", lambda m: f">{int(m.group(1)) + 1}<", page[start:end])
    return (page[:end] + copy + page[end:]).encode("utf-8")


def huge_html(fig: dict, size: int = 100 * MB) -> bytes:
    """The report page followed by paragraphs of filler up to `size` bytes."""
    page = render_html(fig, "plain")
    filler = "<p>此页为填充内容，用于测试超大页面。</p>\n".encode("utf-8")
    tail = b"</body></html>"
    body = page[:page.rindex(b"</body>")]
    return body + filler * ((size - len(body) - len(tail)) // len(filler) + 1) + tail


# ------------------------------------------------------------------ PDF

def truncated_pdf(fig: dict) -> bytes:
    data = render_pdf(fig, "ruled")
    return data[:len(data) * 2 // 3]


def encrypted_pdf(fig: dict) -> bytes:
    return render_encrypted_pdf(fig)


def corrupt_pdf(seed: int = 2260) -> bytes:
    """A PDF header and end marker around noise: no object, no cross-reference table."""
    return b"%PDF-1.7\n" + random.Random(seed).randbytes(50_000) + b"\n%%EOF\n"


def many_pages_pdf(pages: int = 2000) -> bytes:
    """`pages` pages of one line each."""
    from reportlab.pdfgen import canvas

    from renderers.pdf import _font
    out = io.BytesIO()
    c = canvas.Canvas(out)
    font = _font()
    for number in range(1, pages + 1):
        c.setFont(font, 12)
        c.drawString(72, 770, f"第 {number} 页")
        c.showPage()
    c.save()
    return out.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1; object 1 the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)


def _one_page_pdf(content: bytes, info: bytes = b"<< /Producer (gkreports) >>") -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R"
                 b" /Resources << /Font << /F1 5 0 R >> >> >>",
                 b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                 info])


def deeply_nested_pdf(depth: int = 100_000) -> bytes:
    """One page, and a document-information entry that is an array nested `depth` deep."""
    return _one_page_pdf(b"BT /F1 12 Tf 72 700 Td (annual report) Tj ET",
                         b"<< /Keywords " + b"[" * depth + b"]" * depth + b" >>")


def ruled_maze_pdf(cells: int = 120, pages: int = 1) -> bytes:
    """Pages ruled into cells × cells boxes, each edge a separate stroke: pdfplumber's table finder costs far
    more than linear in its edges, so such a page takes seconds to minutes while it is only kilobytes."""
    step = 560 / cells
    strokes = []
    for i in range(cells + 1):
        for j in range(cells):
            strokes.append(b"%.2f %.2f m %.2f %.2f l S" % (20 + j * step, 20 + i * step, 20 + (j + 1) * step, 20 + i * step))
            strokes.append(b"%.2f %.2f m %.2f %.2f l S" % (20 + i * step, 20 + j * step, 20 + i * step, 20 + (j + 1) * step))
    content = b"0.5 w\n" + b"\n".join(strokes) + b"\nBT /F1 8 Tf 20 780 Td (table) Tj ET"
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    content_no, font_no = 3 + pages, 4 + pages
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents %d 0 R"
                b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (content_no, font_no)] * pages
    objects += [b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b"<< /Producer (gkreports) >>"]
    return _pdf(objects)


# ------------------------------------------------------------------ DOCX

def _docx_with_document(fig: dict, write_document) -> bytes:
    """A real rendered DOCX whose word/document.xml is replaced by what `write_document(stream)` writes."""
    source = zipfile.ZipFile(io.BytesIO(render_docx(fig, "merged")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            if member.filename == "word/document.xml":
                with target.open(member.filename, "w", force_zip64=True) as stream:
                    write_document(stream)
            else:
                target.writestr(member, source.read(member))
    return out.getvalue()


def docx_bomb_one_node(fig: dict, inflated: int = 1536 * MB) -> bytes:
    """A DOCX of about 1.5 MB whose document.xml inflates to `inflated` bytes: one paragraph of one long text."""
    def write(stream):
        stream.write(_DOCUMENT_OPEN + b"<w:p><w:r><w:t>")
        chunk = b"A" * MB
        for _ in range(inflated // MB):
            stream.write(chunk)
        stream.write(b"</w:t></w:r></w:p>" + _DOCUMENT_CLOSE)
    return _docx_with_document(fig, write)


def docx_bomb_many_nodes(fig: dict, paragraphs: int = 4_500_000) -> bytes:
    """A DOCX of a few hundred KB whose document.xml holds `paragraphs` tiny paragraphs."""
    def write(stream):
        stream.write(_DOCUMENT_OPEN)
        chunk = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>" * 10_000
        for _ in range(paragraphs // 10_000):
            stream.write(chunk)
        stream.write(_DOCUMENT_CLOSE)
    return _docx_with_document(fig, write)


def docx_heavy_within_caps(fig: dict, paragraphs: int = 1_500_000, seed: int = 2260) -> bytes:
    """A DOCX under the archive caps (about 60 MB inflated, at a ratio a real document has) whose paragraphs,
    parsed, need more memory than a worker is allowed: only the memory limit stops it."""
    rng = random.Random(seed)

    def write(stream):
        stream.write(_DOCUMENT_OPEN)
        for _ in range(paragraphs // 1000):
            stream.write(b"".join(b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % rng.randrange(10 ** 9)
                                  for _ in range(1000)))
        stream.write(_DOCUMENT_CLOSE)
    return _docx_with_document(fig, write)


def docx_billion_laughs(fig: dict) -> bytes:
    """document.xml whose DTD defines ten entities each ten times the last: 10⁹ "lol"s if expanded."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    prolog = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [\n'
              + "\n".join(entities) + "\n]>\n")
    xml = (prolog + f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
           "</w:body></w:document>").encode("utf-8")
    return _docx_with_document(fig, lambda stream: stream.write(xml))


def docx_external_entity(fig: dict, target: str = "file:///etc/hostname") -> bytes:
    """document.xml whose text is an external entity: a file of the machine that reads it (or a URL)."""
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>\n'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
           ).encode("utf-8")
    return _docx_with_document(fig, lambda stream: stream.write(xml))


# ------------------------------------------------------------------ DOC

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def doc_libreoffice_cannot_open() -> bytes:
    """An OLE file that names a WordDocument stream and holds a Word 97 header over noise."""
    directory = "WordDocument".encode("utf-16-le").ljust(128, b"\x00")
    fib = b"\xec\xa5" + (0x00C1).to_bytes(2, "little") + b"\x00" * 8
    return (OLE_MAGIC + b"\x00" * (512 - len(OLE_MAGIC)) + directory.ljust(512, b"\x00") + fib.ljust(512, b"\x00")
            + random.Random(2260).randbytes(4096))


def version() -> str:
    """Of this file: inputs kept between runs are kept under it, so that a changed recipe is made afresh."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def cached(folder: Path, name: str, make) -> bytes:
    """Bytes made once and kept in `folder` (big inputs: made once per test session or bench run)."""
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(make())
        tmp.replace(path)
    return path.read_bytes()
