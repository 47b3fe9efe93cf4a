"""Document → report: pure functions from bytes to the template's cells (no I/O beyond format converters)."""
from __future__ import annotations

from extractors.limits import check_size
from extractors import ocr
from extractors.certainty import certify
from extractors.model import ExtractionError, Layout, Report
from extractors.report import report_from_layout
from extractors.sniff import sniff

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ole": "application/msword",
    "html": "text/html",
    "text": "text/plain",
}


def read_layout(data: bytes, name: str | None = None, images: dict[str, bytes] | None = None) -> Layout:
    """The format's reader, chosen from the bytes. `images`: an HTML article's pictures (img src or URL → bytes)."""
    kind = sniff(data)
    if kind == "empty":
        raise ExtractionError("empty", "the file is empty", name)
    check_size(data, kind)  # too_large before any parser sees the bytes
    if kind == "text":
        from extractors.text import read_text
        return read_text(data)
    if kind == "html":
        from extractors.html import read_html
        return read_html(data, images=images, page_url=name)
    if kind == "docx":
        from extractors.docx import read_docx
        return read_docx(data)
    if kind == "pdf":
        from extractors.pdf import read_pdf
        try:
            return read_pdf(data)
        except ExtractionError as err:
            if err.reason != "no_text_layer" or not ocr.available():
                raise
        return ocr.read_scanned_pdf(data)
    if kind == "ole":
        from extractors.ole import read_ole
        return read_ole(data)
    if kind == "image" and ocr.available():
        return ocr.read_picture(data)
    labels = {"xlsx": "an Excel workbook", "zip": "a zip archive", "image": "an image (needs OCR: pip install 'gkreports[ocr]')",
              "ofd": "an OFD document", "rtf": "an RTF document", "binary": "a binary file of unknown type"}
    raise ExtractionError("unsupported_format", f"unsupported format: {labels.get(kind, kind)}", name)


# What a file's name promises, to say so when the bytes are something else (an HTML error page saved as .pdf).
_PROMISED = {".pdf": "pdf", ".docx": "docx", ".doc": "ole", ".wps": "ole", ".html": "html", ".htm": "html",
             ".shtml": "html", ".txt": "text"}
_KIND_NAMES = {"pdf": "a PDF", "docx": "a DOCX document", "ole": "a DOC/WPS document", "html": "an HTML page",
               "text": "plain text", "empty": "empty", "image": "an image", "zip": "a zip archive",
               "xlsx": "an Excel workbook", "binary": "binary data", "ofd": "an OFD document", "rtf": "RTF"}


def _mismatch(data: bytes, name: str | None) -> str | None:
    if not name or "." not in name:
        return None
    promised = _PROMISED.get("." + name.rsplit(".", 1)[-1].lower())
    actual = sniff(data)
    if promised and actual not in (promised, "empty"):
        return f"named like {_KIND_NAMES[promised]} but the bytes are {_KIND_NAMES.get(actual, actual)}"
    return None


def extract(data: bytes, name: str | None = None, images: dict[str, bytes] | None = None) -> Report:
    """Read one document into a report. Raises ExtractionError with a reason code when it cannot.

    `images` maps an HTML article's `<img src>` (as written, or its absolute URL) to the picture's bytes: an
    article whose tables are pictures is read by OCR when the extra is installed. Cells read by OCR are
    certain or `uncertain`/`unreadable` (extractors.certainty), never a guess."""
    try:
        layout = read_layout(data, name, images)
        report = report_from_layout(layout, source=name)
        if layout.meta.get("ocr"):
            certify(report)
            if layout.meta["ocr"] in ("picture", "scanned_pdf"):
                report.notes.append("title, publisher and year were read by OCR")
        return report
    except ExtractionError as err:
        if err.source is None:
            err.source = name
        mismatch = _mismatch(data, name)
        if mismatch and mismatch not in err.message:
            err.message = f"{mismatch}; {err.message}"
        raise


__all__ = ["extract", "read_layout", "sniff", "ExtractionError", "Report", "Layout"]
