"""What extraction made of one document's bytes (`Extracted`), made where the document is read: in the extracting
process (gkreports.isolation runs `extracted` there, after the readers), so that the document's hash and its prose's
MinHash signature cost the process that reads it, and the prose itself never travels. Kept apart from the warehouse
so that an extracting process imports neither DuckDB nor pandas."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from extractors import MEDIA_TYPES, ExtractionError, Report, sniff


def document_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Extracted:
    """What extraction made of one document's bytes: its report, or why there is none. It travels from the
    extracting processes (or Dask workers) to the one writer, so it holds plain data only."""
    source: str
    document_id: str
    size: int
    media_type: str | None
    report: Report | None = None
    reason: str | None = None  # a failure's stable code
    message: str | None = None
    recorded: bool = True  # False: the bytes could not be read, so there is no document to list
    # The prose's MinHash (gkreports.narrative.signature: characters, shingles, values), made where the document
    # was read, so that no step after extraction reads the document again.
    narrative: tuple[int, int, list[int]] | None = None

    @property
    def failure(self) -> str:
        return f"{self.reason}: {self.message}"


def extracted(data: bytes, source: str, outcome: Report | ExtractionError) -> Extracted:
    """The outcome of extracting `data` as the writer takes it (a report without publisher or year is a failure)."""
    doc_id, size = document_id(data), len(data)
    if isinstance(outcome, Report) and outcome.template != "pre2019" and (outcome.publisher is None
                                                                           or outcome.year is None):
        outcome = ExtractionError("metadata_missing", "the report's publisher or year could not be read from its "
                                  "title or text", source)
    if isinstance(outcome, Report):
        narrative = None
        if outcome.prose is not None:
            from gkreports.narrative import signature
            narrative, outcome.prose = signature(outcome.prose), None  # the signature travels on, not the text
        return Extracted(source, doc_id, size, outcome.media_type, report=outcome, narrative=narrative)
    return Extracted(source, doc_id, size, MEDIA_TYPES.get(sniff(data)), reason=outcome.reason,
                     message=outcome.message)


def _bug(err: Exception, source: str) -> ExtractionError:
    """An extractor bug must not stop the batch: it is recorded like any failure."""
    return ExtractionError("extractor_error", f"{type(err).__name__}: {err}", source)
