"""Data shapes shared by every extractor: the layout a format reader produces, and the report it becomes.

A format reader (text, HTML, DOCX, PDF) turns bytes into a *layout*: an ordered list of
`Paragraph` and `Grid` blocks. Grids have merged cells already expanded: a cell covered by a
row/column span is `None`, so a value is never duplicated. `extractors.report` maps a layout onto
the template; nothing after that step knows which format the document came in.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Any


@dataclass
class Paragraph:
    text: str
    loc: dict[str, Any] = field(default_factory=dict)  # e.g. {"line": 12} or {"page": 2}


@dataclass
class GridCell:
    text: str
    loc: dict[str, Any] = field(default_factory=dict)  # e.g. {"table": 2, "row": 5, "col": 3}
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    rows: list[list[GridCell | None]]
    loc: dict[str, Any] = field(default_factory=dict)
    caption: str = ""


Block = Paragraph | Grid


@dataclass
class Layout:
    blocks: list[Block]
    media_type: str
    title: str | None = None  # from the container (HTML <title>, PDF metadata), if any
    published: str | None = None  # ISO date the page states, if any
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class CellValue:
    table: str
    row: str
    column: str
    value: int | float | None
    raw: str
    semantic: str
    source: dict[str, Any] = field(default_factory=dict)
    reads: list[str] | None = None  # OCR only: the independent reads of the cell, kept for a person to confirm

    def to_json(self) -> dict:
        out = asdict(self)
        if self.reads is None:
            del out["reads"]
        return out


@dataclass
class NarrativeFact:
    fact: str  # e.g. applications_received
    value: int
    text: str  # the sentence fragment it came from
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    title: str | None
    year: int | None
    publisher: str | None
    region_name: str | None
    region_code: str | None
    template: str
    media_type: str
    published: str | None = None
    cells: list[CellValue] = field(default_factory=list)
    narrative: list[NarrativeFact] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "t3.granted.total" style addresses
    notes: list[str] = field(default_factory=list)
    # The report's prose outside tables 二–四 (extractors.report.narrative_prose), for gkreports.narrative's
    # signature; None when not read from a layout. Not part of the report's JSON.
    prose: str | None = None

    @property
    def status(self) -> str:
        # A cell OCR could not read for certain is present but not known: the report is not complete.
        if self.missing or any(c.semantic in ("uncertain", "unreadable") for c in self.cells):
            return "partial"
        return "ok"

    def value(self, table: str, row: str, column: str):
        for c in self.cells:
            if (c.table, c.row, c.column) == (table, row, column):
                return c.value
        raise KeyError((table, row, column))

    def to_json(self) -> dict:
        return {
            "region_code": self.region_code,
            "region_name": self.region_name,
            "publisher": self.publisher,
            "year": self.year,
            "template": self.template,
            "title": self.title,
            "published": self.published,
            "media_type": self.media_type,
            "status": self.status,
            "missing": self.missing,
            "notes": self.notes,
            "narrative": [asdict(n) for n in self.narrative],
            "cells": [c.to_json() for c in self.cells],
        }


class ExtractionError(Exception):
    """A document that cannot be read as a report. `reason` is a short stable code for the warehouse."""

    def __init__(self, reason: str, message: str, source: str | None = None):
        super().__init__(reason, message, source)
        self.reason = reason
        self.message = message
        self.source = source

    def __str__(self) -> str:  # built when shown: the source is often filled in after the error is raised
        return f"{self.source}: {self.message}" if self.source else self.message
