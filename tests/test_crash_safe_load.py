"""A load killed with SIGKILL — during an extraction, inside the load transaction, between documents, at a random
moment — and run again ends with the warehouse a clean run makes: every table equal (clock columns aside), no
document twice, none lost. The raw archive never holds a partial file under a real name."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.faults import canonical_dump
from renderers.hostile import corrupt_pdf
from renderers.samples import SAMPLES_DIR
from tests.conftest import ROOT

# Runs `gkreports load`, killing itself with SIGKILL at the point named by argv[1] for the document named by argv[2];
# before dying it writes its children's process ids to $CRASH_CHILDREN.
DRIVER = r'''
import os, signal, sys, threading
point, target, args = sys.argv[1], sys.argv[2], sys.argv[3:]
import gkreports.warehouse as warehouse

def children():
    pid = os.getpid()
    return " ".join(open(f"/proc/{pid}/task/{tid}/children").read().strip() for tid in os.listdir(f"/proc/{pid}/task"))

def die():
    with open(os.environ["CRASH_CHILDREN"], "w") as f:
        f.write(children())
    os.kill(os.getpid(), signal.SIGKILL)

def hook(name, before=None, after=None):
    original = getattr(warehouse, name)
    def hooked(*a, **kw):
        source = (a[1] if name == "extract_limited" else " ".join(d["source"] for d in a[1]) if name == "_insert_batch"
                  else a[2])
        if before and source.endswith(target):
            before()
        result = original(*a, **kw)
        if after and source.endswith(target):
            after()
        return result
    setattr(warehouse, name, hooked)

if point == "extraction":  # the worker is reading the document when the loader dies
    hook("extract_limited", before=lambda: threading.Timer(0.1, die).start())
elif point == "transaction":  # the report's rows are written, COMMIT not yet
    hook("_insert_batch", after=die)
elif point == "between":  # one document loaded, the next not begun
    hook("load_document", after=die)
from gkreports.cli import main
sys.exit(main(["load", *args]))
'''


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("crash-docs")
    broken = folder / "broken.pdf"
    broken.write_bytes(corrupt_pdf())
    real = [ROOT / "tests" / "real" / f"pingtan-{year}.html" for year in (2021, 2022)]
    return [str(p) for p in sorted(SAMPLES_DIR.iterdir())] + [str(broken)] + [str(p) for p in real]


def _load(db: Path, files: list[str], point: str = "none", target: str = "", kill_after: float | None = None,
          children: Path | None = None) -> subprocess.CompletedProcess | int:
    env = {**os.environ, "CRASH_CHILDREN": str(children or db.with_suffix(".children"))}
    command = [sys.executable, "-c", DRIVER, point, target or "-", *files, "--db", str(db)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def _dump(db: Path) -> dict:
    from gkreports.warehouse import connect
    con = connect(db)
    try:
        return canonical_dump(con)
    finally:
        con.close()


def _gone(pids: list[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][:1]
    except OSError:
        return ""


def test_a_load_killed_anywhere_and_run_again_equals_a_clean_load(documents, tmp_path):
    clean_db = tmp_path / "clean.duckdb"
    started = time.monotonic()
    code, out, err = _load(clean_db, documents)
    clean_seconds = time.monotonic() - started
    assert code == 1 and "Traceback" not in err, err  # 1: the broken PDF failed, as it must
    clean = _dump(clean_db)

    db = tmp_path / "crashed.duckdb"
    children = tmp_path / "children.txt"
    kills = [("extraction", "pingtan-2021.html"), ("transaction", "pingtan-2022.html"), ("between", "hulan-2023.txt")]
    for point, target in kills:
        children.unlink(missing_ok=True)
        code, _, _ = _load(db, documents, point, target, children=children)
        assert code == -signal.SIGKILL, f"the load was not killed at {point} {target}"
        if point == "extraction":  # the worker reading the document must not outlive its parent
            pids = [int(p) for p in children.read_text().split()]
            assert pids and _gone(pids, within=5), "an extracting worker outlived the killed load"
        if point in ("extraction", "transaction"):  # nothing of the document being loaded was kept
            sources = {row[1] for row in _dump(db)["documents"]}
            assert not any(source.endswith(target) for source in sources), f"{point}: a half-loaded {target}"
    rng = random.Random(2260)
    for _ in range(2):  # and at moments nobody chose
        _load(db, documents, kill_after=rng.uniform(0.5, clean_seconds))
    code, out, err = _load(db, documents)
    assert code == 1 and "Traceback" not in err, err

    after = _dump(db)
    assert after == clean
    ids = [row[0] for row in after["documents"]]  # document_id, the sha256
    assert len(ids) == len(set(ids)) == len(documents)  # each file once, none lost


def test_the_raw_archive_never_holds_a_partial_file(tmp_path):
    """Killed while writing (before fsync) or before the rename, the archive has no file under a real name; a rerun
    stores it whole."""
    data = os.urandom(3 * 1024 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    root = tmp_path / "raw"
    for patched in ("fsync", "replace"):
        script = (f"import os, signal, sys; from crawler.archive import RawArchive\n"
                  f"os.{patched} = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
                  f"RawArchive(sys.argv[1]).put(open(sys.argv[2], 'rb').read())\n")
        source = tmp_path / "blob"
        source.write_bytes(data)
        done = subprocess.run([sys.executable, "-c", script, str(root), str(source)], cwd=ROOT)
        assert done.returncode == -signal.SIGKILL
        named = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".part-")]
        assert named == [], f"killed at {patched}: a file under a real name"
    from crawler.archive import RawArchive
    archive = RawArchive(root)
    assert not archive.has(sha)
    assert archive.put(data) == sha and archive.get(sha) == data
    for path in (p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".part-")):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
