"""sql/dictionary.md documents every column of every table and view, exactly as the live schema has them."""
import re

from gkreports.warehouse import SQL_DIR


def parse_dictionary() -> dict[str, dict]:
    text = (SQL_DIR / "dictionary.md").read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        m = re.match(r"`(\w+)` \((table|view)\)\n\n(.+?)\n", block)
        assert m, block[:80]
        columns = re.findall(r"^\| (\w+) \| ([^|]+?) \| ([^|]*?) \|$", block, re.M)
        out[m.group(1)] = {"kind": m.group(2), "description": m.group(3),
                           "columns": [(c, t) for c, t, _ in columns[1:]], "meanings": [mean for _, _, mean in columns[1:]]}
    return out


def test_dictionary_matches_the_live_schema(fresh_db):
    documented = parse_dictionary()
    live = {}
    for name, kind in fresh_db.execute("SELECT table_name, table_type FROM information_schema.tables"
                                       " WHERE table_schema = 'main'").fetchall():
        live[name] = {"kind": "table" if kind == "BASE TABLE" else "view",
                      "columns": fresh_db.execute("SELECT column_name, data_type FROM information_schema.columns WHERE"
                                                  " table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                                                  [name]).fetchall()}
    assert sorted(documented) == sorted(live)
    for name, entry in live.items():
        assert documented[name]["kind"] == entry["kind"], name
        assert documented[name]["columns"] == entry["columns"], name
        assert all(m.strip() and m != "TODO" for m in documented[name]["meanings"]), name
        assert documented[name]["description"].strip(), name
