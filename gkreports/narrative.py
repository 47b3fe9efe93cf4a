"""How alike two reports' prose is: MinHash signatures (datasketch) of character shingles of the narrative.

The narrative is the report's paragraphs outside tables 二–四: 一、总体情况 before them and 五、六 after. Text is
compared as Chinese is written, in characters: whitespace and punctuation dropped, every run of digits masked as
'#', so a text copied from last year with only its numbers changed still matches in full. Signatures are kept in
`narrative_signatures` and compared in SQL (views narrative_similarity, copied_narrative).
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from datasketch import MinHash

SHINGLE = 5          # characters per shingle: short enough for reworded sentences, long enough to mean text
PERMUTATIONS = 128   # signature length: the similarity estimate's standard error is about 1/sqrt(128) ≈ 0.09 at 0.5
SEED = 7             # one fixed seed: every signature in the warehouse must use the same permutations

_DROP = re.compile(r"[\s\u3000,，.。、;；:：!！?？\"“”'‘’()（）《》〈〉【】\[\]<>—\-·…]+")
_DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


def normalize(text: str) -> str:
    return _DIGITS.sub("#", _DROP.sub("", text))


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    t = normalize(text)
    if len(t) < size:
        return {t} if t else set()
    return {t[i:i + size] for i in range(len(t) - size + 1)}


def signature(text: str) -> tuple[int, int, list[int]]:
    """(characters, distinct shingles, MinHash values) of a text."""
    grams = shingles(text)
    m = MinHash(num_perm=PERMUTATIONS, seed=SEED)
    m.update_batch([g.encode("utf-8") for g in grams])  # the same values as update() per shingle, 5× cheaper
    return len(normalize(text)), len(grams), [int(v) for v in m.hashvalues]


def narrative_text(data: bytes, name: str | None = None) -> str:
    """The prose of a report document, read again from its bytes (extraction keeps it as `Report.prose`)."""
    from extractors import read_layout
    from extractors.report import narrative_prose
    return narrative_prose(read_layout(data, name))


def _document_bytes(document_id: str, source: str, archive: Path | None) -> bytes:
    """A document's bytes: from the raw archive (named by sha256, the document id), else its source path."""
    if archive is not None:
        path = archive / document_id[:2] / document_id
        if path.is_file():
            return path.read_bytes()
    return Path(source).read_bytes()


def refresh_signatures(con, archive: str | Path | None = None, read=None) -> int:
    """Compute the signature of every current report's document that has none yet; returns how many were added.

    Bytes come from `read(document_id, source)` when given, else from the raw archive (default data/raw), else
    from the source path. A document whose bytes cannot be found is skipped and tried next time."""
    from crawler.archive import DEFAULT_ARCHIVE
    root = Path(archive) if archive is not None else DEFAULT_ARCHIVE
    read = read or (lambda doc_id, source: _document_bytes(doc_id, source, root))
    todo = con.execute("SELECT d.document_id, d.source FROM reports r JOIN documents d USING (document_id)"
                       " WHERE r.document_id NOT IN (SELECT document_id FROM narrative_signatures)"
                       " ORDER BY d.document_id").fetchall()
    now = datetime.now().replace(microsecond=0)
    added = 0
    for doc_id, source in todo:
        try:
            text = narrative_text(read(doc_id, source), source)
        except (OSError, ValueError):
            continue
        except Exception:  # noqa: BLE001 - an unreadable document has no prose to compare; never stop the run
            text = ""
        characters, count, values = signature(text)
        con.execute("INSERT INTO narrative_signatures VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [doc_id, characters, count, values, now])
        added += 1
    return added
