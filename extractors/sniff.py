"""Decide a document's format from its bytes (magic numbers), never from its file name."""
from __future__ import annotations

import io
import re
import zipfile

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def sniff(data: bytes) -> str:
    """One of: pdf, docx, xlsx, zip, ole, html, text, image, ofd, empty, binary."""
    if not data.strip():
        return "empty"
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "image"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    low = head[:512].lower()
    if low.startswith(b"\xef\xbb\xbf"):
        low = low[3:]
    if re.match(rb"\s*(<!doctype\s+html|<html|<head|<meta|<body|<div|<table|<p[\s>]|<!--)", low):
        return "html"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"
