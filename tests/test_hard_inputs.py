"""Hard inputs: a second writer waits for the warehouse lock then names the holder; readers get in between a
load's short writes; password-protected files are `encrypted` up front; every CLI error path is one line."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from extractors import extract
from extractors.docx import ENCRYPTED_PACKAGE
from extractors.ole import word_fib_encrypted
from extractors.sniff import OLE_MAGIC
from gkreports.locking import WarehouseBusy, lock_holder, lock_wait
from renderers.hostile import ruled_maze_pdf
from renderers.html import render_html
from renderers.pdf import render_encrypted_pdf
from tests.conftest import ROOT
from tests.test_errors import _truncated

HOLD = ("import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); "
        "time.sleep(float(sys.argv[2]))")


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gkreports.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=180, env={**os.environ, **(env or {})})


@pytest.fixture
def holder(tmp_path):
    """Another process holding the warehouse file for `seconds`; yields (db path, pid)."""
    procs = []

    def start(seconds: float):
        db = tmp_path / "busy.duckdb"
        proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "holding"
        procs.append(proc)
        return db, proc.pid

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


# ------------------------------------------------------------------ the lock

def test_a_second_writer_gives_up_after_the_wait_naming_the_other_process(holder):
    from gkreports.warehouse import connect
    db, pid = holder(30)
    started = time.monotonic()
    with pytest.raises(WarehouseBusy) as err:
        connect(db, wait=0.5)
    assert 0.5 <= time.monotonic() - started < 5
    assert f"PID {pid}" in str(err.value) and "in use by another process" in str(err.value)


def test_a_second_writer_waits_and_proceeds_when_the_lock_is_freed(holder):
    from gkreports.warehouse import connect
    db, _ = holder(1.0)
    con = connect(db, wait=20)
    assert con.execute("SELECT count(*) FROM template_cells").fetchone()[0] > 0
    con.close()


def test_the_cli_exits_3_with_one_line_naming_the_holder(holder, tmp_path, hulan_2023):
    db, pid = holder(60)
    report = tmp_path / "cut.txt"
    report.write_bytes(_truncated(hulan_2023))
    for args in (("load", str(report)), ("check",)):
        done = _cli(*args, "--db", str(db), env={"GKREPORTS_LOCK_WAIT": "0.5"})
        assert done.returncode == 3, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and f"PID {pid}" in lines[0] and "in use by another process" in lines[0]
        assert "Traceback" not in done.stderr and "GKREPORTS_LOCK_WAIT" in lines[0]


def test_readers_are_not_locked_out_by_a_load(tmp_path):
    """A reader opening the file read-only while `gkreports load` runs gets in between its short writes."""
    from renderers.samples import SAMPLES_DIR
    from gkreports.warehouse import connect
    db = tmp_path / "w.duckdb"
    connect(db).close()
    files = [str(p) for p in sorted(SAMPLES_DIR.iterdir())]
    load = subprocess.Popen([sys.executable, "-m", "gkreports.cli", "load", *files, str(ROOT / "tests" / "real"),
                             "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reads = 0
    try:
        while load.poll() is None:
            con = connect(db, read_only=True, wait=10)
            reads += con.execute("SELECT count(*) >= 0 FROM documents").fetchone()[0]
            con.close()
            time.sleep(0.05)
    finally:
        out, err = load.communicate(timeout=120)
    assert load.returncode in (0, 1), err
    assert "Traceback" not in err and reads >= 1


def test_lock_wait_setting(monkeypatch):
    monkeypatch.setenv("GKREPORTS_LOCK_WAIT", "2.5")
    assert lock_wait() == 2.5 and lock_wait(0) == 0
    monkeypatch.setenv("GKREPORTS_LOCK_WAIT", "soon")
    assert lock_wait() == 30.0
    assert lock_holder('Conflicting lock is held in /usr/bin/python3 (PID 999999999). See also') == \
        "PID 999999999: /usr/bin/python3"


# ------------------------------------------------------------------ password-protected documents

def _word97(flags: int) -> bytes:
    """An OLE file whose WordDocument stream opens, on its sector, with a Word 97 FIB carrying `flags`."""
    directory = "WordDocument".encode("utf-16-le").ljust(128, b"\x00")
    fib = b"\xec\xa5" + (0x00C1).to_bytes(2, "little") + b"\x00" * 6 + flags.to_bytes(2, "little")
    return OLE_MAGIC + b"\x00" * (512 - len(OLE_MAGIC)) + directory.ljust(512, b"\x00") + fib.ljust(1024, b"\x00")


@pytest.mark.parametrize("name,data", [
    ("secret.pdf", None),
    ("secret.docx", OLE_MAGIC + b"\x00" * 504 + ENCRYPTED_PACKAGE + b"\x00" * 64),
    ("secret.doc", _word97(0x0100)),  # fEncrypted
    ("xor.doc", _word97(0x8000)),  # fObfuscated: XOR-protected
])
def test_password_protected_documents_are_reported_as_encrypted_up_front(name, data, hulan_2023):
    from extractors.model import ExtractionError
    data = data if data is not None else render_encrypted_pdf(hulan_2023)
    with pytest.raises(ExtractionError) as err:
        extract(data, name)
    assert err.value.reason == "encrypted"


def test_an_unprotected_word97_header_is_not_taken_for_encryption():
    assert word_fib_encrypted(_word97(0x0200)) is False
    assert word_fib_encrypted(_word97(0x0100)) is True


# ------------------------------------------------------------------ every reason code, through the CLI

def _inputs(tmp_path, fig) -> dict[str, tuple[str, bytes]]:
    page_with_pictures = ("<html><head><meta charset='utf-8'></head><body><div class='TRS_Editor'>"
                          "<p>呼兰区2021年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>"
                          "<p><img src='a.png'></p></div></body></html>").encode()
    return {
        "empty": ("empty.txt", b""),
        "not_a_report": ("diary.txt", "今天天气很好。\n我们去公园散步。\n".encode()),
        "needs_ocr": ("pictures.html", page_with_pictures),
        "table_not_found": ("headings.html", page_with_pictures.replace(b"<p><img src='a.png'></p>", b"")),
        "unsupported_format": ("table.xlsx", b"{\\rtf1\\ansi 2021\\par}"),
        "corrupt": ("broken.pdf", b"%PDF-1.7\n garbage"),
        "encrypted": ("secret.doc", _word97(0x0100)),
        "no_text_layer": ("scan.pdf", _image_only_pdf()),
        "needs_libreoffice": ("old.doc", _word97(0)),
        "timeout": ("maze.pdf", ruled_maze_pdf(120)),
        "too_large": ("long.html", render_html(fig, "plain")),
    }


# The limits a reason code needs to be met quickly, set as an operator sets them.
_LIMITS = {"timeout": {"GKREPORTS_EXTRACT_SECONDS": "1"}, "too_large": {"GKREPORTS_MAX_HTML_MB": "0.005"}}


def _image_only_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


REASONS = ("empty", "not_a_report", "table_not_found", "needs_ocr", "unsupported_format", "corrupt", "encrypted", "no_text_layer",
           "needs_libreoffice", "timeout", "too_large")


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_code_is_one_line_and_exit_2(reason, tmp_path, hulan_2023):
    from extractors.ole import soffice_path
    if reason == "needs_libreoffice" and soffice_path() is not None:
        pytest.skip("LibreOffice is installed here: a .doc is converted, not refused")
    name, data = _inputs(tmp_path, hulan_2023)[reason]
    path = tmp_path / name
    path.write_bytes(data)
    done = _cli("extract", str(path), env=_LIMITS.get(reason))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gkreports: {path}: {reason}: "), done.stderr
    for variable in _LIMITS.get(reason, {}):
        assert f"({variable})" in lines[0]  # the limit that was hit, by the name that sets it


def test_the_other_exit_codes_of_extract_load_and_check(tmp_path, hulan_2023):
    cut = tmp_path / "cut.txt"
    cut.write_bytes(_truncated(hulan_2023))
    partial = _cli("extract", str(cut))
    assert partial.returncode == 1 and len(partial.stderr.strip().splitlines()) == 1
    missing = _cli("extract", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    not_a_db = tmp_path / "notes.duckdb"
    not_a_db.write_text("this is not a database")
    for args in (("load", str(cut)), ("check",)):
        done = _cli(*args, "--db", str(not_a_db))
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"gkreports: {not_a_db}: cannot use the warehouse: ")
    folder_db = tmp_path / "a-folder"
    folder_db.mkdir()
    done = _cli("check", "--db", str(folder_db))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_an_internal_error_is_one_line_with_exit_4(monkeypatch, capsys):
    import gkreports.cli as cli

    def broken(data, name=None, images=None):
        raise RuntimeError("a bug\nover two lines")
    monkeypatch.setattr(cli, "extract_limited", broken)
    path = ROOT / "tests" / "real" / "pingtan-2019.html"
    assert cli.main(["extract", str(path)]) == 4
    assert capsys.readouterr().err == "gkreports: internal error: RuntimeError: a bug over two lines\n"
