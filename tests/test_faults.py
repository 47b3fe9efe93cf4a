"""The fault table's cases (bench/faults.py), each run as a test: hostile documents cost one recorded failure with
its reason and limit and change nothing already loaded; network faults end as the crawl log must record them.
Then the limits themselves: read from the environment, enforced from outside the parser, checked before inflating."""
from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from bench.faults import CASES, Bench, format_table
from extractors import ExtractionError, extract
from extractors.limits import ENV, Limits, check_archive, use_limits
from gkreports import isolation
from gkreports.isolation import extract_limited, run_limited
from renderers import hostile
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bench(tmp_path_factory, request):
    # The two slow DOCX inputs (a 1.5 GB deflate takes seconds) are kept in pytest's cache between sessions.
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider: made afresh
    b = Bench(tmp_path_factory.mktemp("faults"), keep=Path(cache.mkdir("gkreports-hostile")) if cache else None)
    yield b
    b.close()


@pytest.fixture(scope="module")
def observations():
    return []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_case(case, bench, observations):
    observation = bench.run(case)
    observations.append(observation)
    assert observation.passed, f"{observation.why}: {observation.message}"


def test_the_table_has_one_row_per_case(observations):
    if len(observations) != len(CASES):
        pytest.skip("runs after the whole case list")
    table = format_table(observations).splitlines()
    assert table[0].split() == ["case", "expected", "observed", "time", "peak", "memory", "pass"]
    assert [line.split()[0] for line in table[2:]] == [c.name for c in CASES]


def test_a_failed_document_names_its_limit_in_the_warehouse(bench):
    row = bench.con.execute("SELECT status, error_reason, error FROM documents WHERE source = 'maze.pdf'").fetchone()
    if row is None:
        pytest.skip("the pdf_ruled_maze case did not run")
    assert row[:2] == ("failed", "timeout") and "2 s limit (GKREPORTS_EXTRACT_SECONDS)" in row[2]


# ------------------------------------------------------------------ the limits

def test_limits_come_from_the_environment_and_bad_values_are_ignored():
    env = {ENV["seconds"]: "7.5", ENV["memory_mb"]: "900", ENV["max_pdf_pages"]: "lots", ENV["max_zip_ratio"]: "-3"}
    limits = Limits.from_env(env)
    assert (limits.seconds, limits.memory_mb, limits.max_pdf_pages, limits.max_zip_ratio) == (7.5, 900, 500, 100.0)
    assert Limits.from_env({}) == Limits()
    assert set(ENV) == {f.name for f in Limits.__dataclass_fields__.values()}


def test_the_archive_caps_are_checked_before_anything_is_inflated(bench):
    bomb = next(c for c in CASES if c.name == "docx_bomb_one_node").make(bench.inputs)  # 1.5 GB inflated
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ExtractionError) as err:
        check_archive(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert err.value.reason == "too_large" and "nothing was inflated" in err.value.message
    assert time.perf_counter() - started < 0.5 and peak < 8 * 1024 * 1024


def test_the_ratio_cap_stops_a_bomb_under_the_size_cap(hulan_2023):
    bomb = hostile.docx_bomb_many_nodes(hulan_2023, paragraphs=1_000_000)  # 34 MB at a ratio over 300
    with pytest.raises(ExtractionError) as err:
        check_archive(bomb)
    assert err.value.reason == "too_large" and "GKREPORTS_MAX_ZIP_RATIO" in err.value.message


def test_an_external_entity_is_never_read(tmp_path, hulan_2023):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    with pytest.raises(ExtractionError) as err:
        extract(hostile.docx_external_entity(hulan_2023, secret.as_uri()), "xxe.docx")
    assert err.value.reason == "corrupt" and "declares a DTD" in err.value.message
    assert "TOP-SECRET-MARKER" not in str(err.value)


def test_a_real_docx_passes_the_archive_check(hulan_2023):
    from renderers.docx import render_docx
    check_archive(render_docx(hulan_2023, "merged"))


def test_the_size_caps_refuse_before_parsing(hulan_2023):
    from renderers.html import render_html
    page = render_html(hulan_2023, "plain")
    use_limits(Limits(max_html_mb=len(page) / 1024 / 1024 / 2))
    try:
        with pytest.raises(ExtractionError) as err:
            extract(page, "report.html")
    finally:
        use_limits(None)
    assert err.value.reason == "too_large" and "GKREPORTS_MAX_HTML_MB" in err.value.message


# ------------------------------------------------------------------ the worker

def test_after_a_timeout_the_next_document_is_read_by_a_fresh_worker(hulan_2023):
    limits = Limits(seconds=1.5)
    outcome, measured = run_limited(hostile.ruled_maze_pdf(120), "maze.pdf", limits=limits)
    assert isinstance(outcome, ExtractionError) and outcome.reason == "timeout" and measured.seconds < 1.5 + 4
    page = (ROOT / "tests" / "real" / "pingtan-2021.html").read_bytes()
    report = extract_limited(page, "pingtan-2021.html", limits=limits)
    assert report.status == "ok" and len(report.cells) == 200


def test_the_extracted_document_is_made_in_the_worker_and_a_timeout_in_the_parent():
    from gkreports.extracted import Extracted, extracted
    page = (ROOT / "tests" / "real" / "pingtan-2021.html").read_bytes()
    limits = Limits(seconds=1.5)
    outcome, _ = run_limited(page, "pingtan-2021.html", limits=limits, finish=extracted)
    assert isinstance(outcome, Extracted) and outcome.report is not None and outcome.report.prose is None
    assert outcome == extracted(page, "pingtan-2021.html", extract_limited(page, "pingtan-2021.html", limits=limits))
    outcome, _ = run_limited(hostile.ruled_maze_pdf(120), "maze.pdf", limits=limits, finish=extracted)
    assert isinstance(outcome, ExtractionError) and outcome.reason == "timeout"


def test_images_are_passed_through_to_the_extractor(monkeypatch):
    seen = {}

    def fake(data, name, images=None, limits=None):
        seen.update(images=images)
        return ExtractionError("empty", "x", name), isolation.Measured(0.0, None)
    monkeypatch.setattr(isolation, "run_limited", fake)
    with pytest.raises(ExtractionError):
        extract_limited(b"", "a.html", images={"a.png": b"\x89PNG"})
    assert seen["images"] == {"a.png": b"\x89PNG"}


def test_an_extractor_bug_is_raised_as_itself_in_the_caller():
    with pytest.raises(TypeError):
        extract_limited("not bytes", "a.txt", limits=Limits())  # type: ignore[arg-type]


FAKE_SOFFICE = """#!/bin/sh
echo "$$ $(ulimit -v)" > "{record}"
{action}
"""


def _fake_soffice(tmp_path, action: str) -> tuple[Path, Path]:
    folder = tmp_path / "bin"
    folder.mkdir()
    record = tmp_path / "soffice.txt"
    script = folder / "soffice"
    script.write_text(FAKE_SOFFICE.format(record=record, action=action))
    script.chmod(0o755)
    return folder, record


def test_libreoffice_runs_under_the_memory_limit_and_its_abort_is_too_large(tmp_path, monkeypatch):
    from extractors import ole
    folder, record = _fake_soffice(tmp_path, 'echo "Fatal exception: Signal 6" >&2; exit 134')
    monkeypatch.setattr(ole, "soffice_path", lambda: str(folder / "soffice"))
    use_limits(Limits(memory_mb=700))
    try:
        with pytest.raises(ExtractionError) as err:
            ole.convert_with_libreoffice(hostile.doc_libreoffice_cannot_open(), ".doc", "docx")
    finally:
        use_limits(None)
    assert err.value.reason == "too_large" and "700 MB (GKREPORTS_EXTRACT_MEMORY_MB)" in err.value.message
    assert record.read_text().split()[1] == str(700 * 1024)  # ulimit -v, in KB


def test_a_stopped_worker_takes_its_libreoffice_along(tmp_path, monkeypatch):
    folder, record = _fake_soffice(tmp_path, "sleep 60")
    isolation.shutdown()  # workers started from now on see the fake soffice first on PATH
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    try:
        outcome, _ = run_limited(hostile.doc_libreoffice_cannot_open(), "slow.doc", limits=Limits(seconds=1.5))
        assert isinstance(outcome, ExtractionError) and outcome.reason == "timeout"
        pid = int(record.read_text().split()[0])
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), "LibreOffice outlived the worker that was stopped"
    finally:
        isolation.shutdown()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def test_a_zip_member_cannot_lie_about_its_size(hulan_2023):
    """zipfile stops a member at its declared size, so a small declared size cannot smuggle a bomb past the cap."""
    from renderers.docx import render_docx
    data = bytearray(render_docx(hulan_2023, "merged"))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    member = archive.getinfo("word/document.xml")
    # Shrink the declared size in the central directory: reading the member then fails instead of inflating on.
    central = data.rindex(b"PK\x01\x02", 0, data.index(b"PK\x05\x06"))
    while not data[central + 46:central + 46 + len(member.filename)] == member.filename.encode():
        central = data.rindex(b"PK\x01\x02", 0, central)
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    with pytest.raises(ExtractionError) as err:
        extract(bytes(data), "lying.docx")
    assert err.value.reason == "corrupt"
