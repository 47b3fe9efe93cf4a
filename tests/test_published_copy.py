"""Readers read the copy published after each run while a writer holds the warehouse."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from gkreports.publish import open_for_reading, publish_copy, published_path
from gkreports.warehouse import connect, load_document
from renderers.common import FIGURES_DIR, load_figures
from renderers.text import render_text
from tests.conftest import ROOT

WRITER = textwrap.dedent("""
    import sys, time
    from gkreports.publish import refresh_and_publish
    from gkreports.warehouse import connect, load_files
    db, files = sys.argv[1], sys.argv[2:]
    con = connect(db)
    print("writing", flush=True)
    for f in files:
        load_files(con, [f])
        time.sleep(0.4)
    refresh_and_publish(con, db)
    con.close()
    print("published", flush=True)
""")


def test_a_reader_during_a_load_sees_the_last_published_state(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    con = connect(db)
    first = tmp_path / "hulan-2022.txt"
    first.write_bytes(render_text(load_figures(FIGURES_DIR / "hulan-2022.json")))
    load_document(con, first.read_bytes(), str(first))
    assert publish_copy(con, db) == published_path(db) == tmp_path / "warehouse.readonly.duckdb"
    con.close()
    files = []
    for slug in ("hulan-2023", "daoli-2023", "fangzheng-2023"):
        path = tmp_path / f"{slug}.txt"
        path.write_bytes(render_text(load_figures(FIGURES_DIR / f"{slug}.json")))
        files.append(str(path))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), *files], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"  # the writer holds the warehouse from here
        for _ in range(3):
            reader, path = open_for_reading(db)
            try:
                assert path == published_path(db)
                assert reader.execute("SELECT count(*), count(DISTINCT year) FROM reports").fetchone() == (1, 1)
                assert reader.execute("SELECT count(*) FROM fact_applications").fetchone()[0] == 175
                assert reader.execute("SELECT value FROM indicators WHERE indicator = 'applications_received'"
                                      ).fetchone()[0] == 66
            finally:
                reader.close()
        assert writer.stdout.readline().strip() == "published"
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0
    reader, path = open_for_reading(db, prefer_copy=True)
    assert path == published_path(db)
    assert reader.execute("SELECT count(*) FROM reports").fetchone()[0] == 4
    assert reader.execute("SELECT count(*) FROM narrative_signatures").fetchone()[0] == 4  # refreshed before publishing
    reader.close()
    reader, path = open_for_reading(db)  # the writer is gone: the warehouse itself
    assert path == db
    reader.close()
