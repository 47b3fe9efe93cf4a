"""The README's example queries run against a warehouse loaded with the samples."""
import re

from gkreports.warehouse import load_files
from renderers.samples import SAMPLES_DIR
from tests.conftest import ROOT


def test_readme_sql_examples_run(fresh_db):
    load_files(fresh_db, sorted(SAMPLES_DIR.iterdir()))
    from gkreports.checks import run_checks
    run_checks(fresh_db)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
    statements = [s.strip() for b in blocks for s in b.split(";") if s.strip() and not
                  all(line.strip().startswith("--") for line in s.strip().splitlines())]
    assert len(statements) >= 3
    for sql in statements:
        assert fresh_db.execute(sql).fetchall(), sql
    inline = re.search(r"sql\('''(.*?)'''\)", readme, re.S).group(1)
    assert len(fresh_db.execute(inline).fetchall()) == 6


def test_readme_states_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert [line.split()[0:2] for line in first_block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]
