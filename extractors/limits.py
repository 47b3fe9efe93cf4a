"""Limits on the work one document may cost, and the checks made before a parser sees the bytes.

The time and memory limits are enforced from outside the parser (gkreports/isolation.py runs every extraction
in a worker process under them); the size caps here refuse a file as `too_large` before it is parsed, and the
archive check refuses a DOCX whose members would inflate too far, or whose XML declares entities, before any
member is inflated for parsing. Every number has an environment variable; the defaults are far above what
real reports need (README, "Limits", gives the measured margin).
"""
from __future__ import annotations

import io
import os
import xml.parsers.expat
import zipfile
from dataclasses import dataclass, field, fields

from extractors.model import ExtractionError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one document may cost. Each field is read from the environment variable named in its metadata."""
    seconds: float = 120.0  # GKREPORTS_EXTRACT_SECONDS: wall-clock time of one extraction
    memory_mb: int = 3072  # GKREPORTS_EXTRACT_MEMORY_MB: address space of the extracting process, and of LibreOffice
    max_html_mb: float = 20.0  # GKREPORTS_MAX_HTML_MB: an HTML page or a plain-text file
    max_pdf_mb: float = 100.0  # GKREPORTS_MAX_PDF_MB
    max_pdf_pages: int = 500  # GKREPORTS_MAX_PDF_PAGES
    max_doc_mb: float = 50.0  # GKREPORTS_MAX_DOC_MB: a DOC/WPS file, before LibreOffice converts it
    max_unzipped_mb: float = 100.0  # GKREPORTS_MAX_UNZIPPED_MB: all members of a DOCX, inflated
    max_zip_ratio: float = 100.0  # GKREPORTS_MAX_ZIP_RATIO: inflated / compressed size of one member over 1 MB
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # GKREPORTS_EXTRACT_WORKERS: extracting
    # processes kept running, documents read side by side (one per core by default)

    @classmethod
    def from_env(cls, environ=None) -> "Limits":
        """The defaults, overridden by any GKREPORTS_* variable set; a value that is not a positive number is
        ignored (the default stands)."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV[f.name])
            if raw is None:
                continue
            try:
                value = float(raw)
            except ValueError:
                continue
            if value > 0:
                values[f.name] = max(1, int(value)) if f.type == "int" else value
        return cls(**values)


ENV = {"seconds": "GKREPORTS_EXTRACT_SECONDS", "memory_mb": "GKREPORTS_EXTRACT_MEMORY_MB",
       "max_html_mb": "GKREPORTS_MAX_HTML_MB", "max_pdf_mb": "GKREPORTS_MAX_PDF_MB",
       "max_pdf_pages": "GKREPORTS_MAX_PDF_PAGES", "max_doc_mb": "GKREPORTS_MAX_DOC_MB",
       "max_unzipped_mb": "GKREPORTS_MAX_UNZIPPED_MB", "max_zip_ratio": "GKREPORTS_MAX_ZIP_RATIO",
       "workers": "GKREPORTS_EXTRACT_WORKERS"}

# The limits the readers of this process apply: the environment's, unless an extracting worker was given others.
_current: Limits | None = None


def current_limits() -> Limits:
    return _current if _current is not None else Limits.from_env()


def use_limits(limits: Limits | None) -> None:
    """Make `limits` the ones this process's readers apply (None: back to the environment's)."""
    global _current
    _current = limits


def _mb(n: float) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB / 10 else f"{n:,.0f} bytes"


def _limit(value: float, unit: str = "MB") -> str:
    return f"{value:g} {unit}"


# What each format's byte cap is called, per sniffed kind.
_BYTE_CAPS = {"html": ("max_html_mb", "the HTML page"), "text": ("max_html_mb", "the text file"),
              "pdf": ("max_pdf_mb", "the PDF"), "ole": ("max_doc_mb", "the DOC/WPS file")}


def check_size(data: bytes, kind: str, limits: Limits | None = None) -> None:
    """Refuse, as `too_large`, a file of a sniffed `kind` over its byte cap, before any parser reads it."""
    limits = limits or current_limits()
    if kind not in _BYTE_CAPS:
        return
    field_name, what = _BYTE_CAPS[kind]
    cap = getattr(limits, field_name)
    if len(data) > cap * MB:
        raise ExtractionError("too_large", f"{what} is {_mb(len(data))}, over the {_limit(cap)} limit "
                                           f"({ENV[field_name]}); it was not parsed")


def check_pdf_pages(pages: int, limits: Limits | None = None) -> None:
    limits = limits or current_limits()
    if pages > limits.max_pdf_pages:
        raise ExtractionError("too_large", f"the PDF has {pages:,} pages, over the {limits.max_pdf_pages:,}-page limit"
                                           f" ({ENV['max_pdf_pages']}); its pages were not read")


# A member this small can have any ratio (an empty part compresses 1000:1) and still cost nothing.
RATIO_FLOOR_BYTES = 1 * MB
_XML_CHUNK = 64 * 1024


def check_archive(data: bytes, limits: Limits | None = None) -> None:
    """Refuse a zip package (DOCX) that would inflate too far or that holds XML declaring a DTD.

    Sizes come from the central directory, before anything is inflated; zipfile then stops each member at its
    declared size (and fails its CRC), so a member cannot lie its way past the cap. Office Open XML never
    declares a DTD (ECMA-376 part 2 forbids it), and entity declarations are how billion-laughs and
    external-entity files work, so any member whose XML starts with one is refused, read only up to there."""
    limits = limits or current_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # noqa: BLE001 - not a readable zip: the DOCX reader says so in its own words
        return
    total = sum(m.file_size for m in members)
    if total > limits.max_unzipped_mb * MB:
        biggest = max(members, key=lambda m: m.file_size)
        raise ExtractionError("too_large", f"the DOCX would inflate to {_mb(total)} ({biggest.filename}: "
                                           f"{_mb(biggest.file_size)}), over the {_limit(limits.max_unzipped_mb)} "
                                           f"limit ({ENV['max_unzipped_mb']}); nothing was inflated")
    for m in members:
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > limits.max_zip_ratio * max(1, m.compress_size):
            ratio = m.file_size / max(1, m.compress_size)
            raise ExtractionError("too_large", f"{m.filename} would inflate {ratio:,.0f}-fold ({_mb(m.compress_size)}"
                                               f" → {_mb(m.file_size)}), over the {limits.max_zip_ratio:g}-fold "
                                               f"limit ({ENV['max_zip_ratio']}): a zip bomb; nothing was inflated")
    for m in members:
        if m.is_dir():
            continue
        declared = _xml_declaration(archive, m)
        if declared:
            raise ExtractionError("corrupt", f"{m.filename} declares {declared}, which Office Open XML never does "
                                             "and billion-laughs and external-entity files do: refused unread")


class _Stop(Exception):
    pass


def _xml_declaration(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str | None:
    """What a member's XML prolog declares ('a DTD …'), or None: read only until its root element starts."""
    found: list[str] = []
    parser = xml.parsers.expat.ParserCreate()

    def doctype(name, system_id, public_id, has_internal_subset):
        found.append(f"a DTD (<!DOCTYPE {name}"
                     + (f' SYSTEM "{system_id}"' if system_id else "")
                     + (" with an internal subset" if has_internal_subset else "") + ">)")
        raise _Stop

    def entity(name, *args):
        found.append(f"an entity ({name})")
        raise _Stop

    def root(name, attributes):
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = root
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_XML_CHUNK):
                parser.Parse(chunk, False)
    except _Stop:
        pass
    except Exception:  # noqa: BLE001 - not XML (a picture), or damaged (zlib, CRC, …): python-docx says so if it matters
        return None
    return found[0] if found else None
