"""The portal registry: the bundled Harbin rows, and a clear error naming file and line for a bad row."""
from __future__ import annotations

import pytest

from crawler.registry import DEFAULT_REGISTRY, RegistryError, load_registry, parse_registry

GOOD = '''
[[portal]]
region_code = "230111"
region_name = "呼兰区"
base_url = "http://127.0.0.1:8000/www.hulan.gov.cn"
entries = ["hebhlq/c110920/zfxxgklby_nb.shtml"]
allow_private = true
rate = 5
'''


def test_the_bundled_registry_starts_with_the_harbin_portals():
    portals = load_registry(DEFAULT_REGISTRY)
    assert [(p.region_code, p.region_name) for p in portals] == [
        ("230111", "呼兰区"), ("230102", "道里区"), ("230127", "木兰县"), ("230124", "方正县"), ("230184", "五常市")]
    assert {p.family for p in portals} == {"heilongjiang"}
    assert not any(p.verified for p in portals)  # not yet checked against the live sites
    assert [e.split("/")[3] for p in portals for e in p.entries[:1]] == ["hebhlq", "hebdlq", "hebmlx", "fzx", "hebwcs"]
    assert all(p.rate == 1.0 and not p.allow_private for p in portals)


def test_a_path_prefix_is_kept_and_relative_entries_resolve_under_it():
    (p,) = parse_registry(GOOD, "demo.toml")
    assert p.base_url == "http://127.0.0.1:8000/www.hulan.gov.cn/"
    assert p.entries == ("http://127.0.0.1:8000/www.hulan.gov.cn/hebhlq/c110920/zfxxgklby_nb.shtml",)
    assert p.hosts == frozenset({"127.0.0.1:8000"})
    assert (p.rate, p.allow_private, p.family, p.line) == (5.0, True, None, 2)


@pytest.mark.parametrize("change, message", [
    (('region_code = "230111"', 'region_code = "2301"'), "demo.toml:2: region_code must be a 6-digit division code"),
    (('rate = 5', 'rate = 0'), "demo.toml:2: rate must be a number of requests per second"),
    (('allow_private = true', 'allow_private = false'), "demo.toml:2: 127.0.0.1:8000 is a private or loopback address"),
    (('rate = 5', 'rate = 5\nfamily = "wordpress"'), "demo.toml:2: family must be one of"),
    (('rate = 5', 'rate = 5\nspeed = 3'), "demo.toml:2: unknown key(s) speed"),
    (('entries = ["hebhlq/c110920/zfxxgklby_nb.shtml"]', ''), "demo.toml:2: missing required key 'entries'"),
    (('base_url = "http://127.0.0.1:8000/www.hulan.gov.cn"', 'base_url = "ftp://x/"'), "demo.toml:2: base_url must be"),
])
def test_a_bad_row_names_file_and_line(change, message):
    with pytest.raises(RegistryError) as err:
        parse_registry(GOOD.replace(*change), "demo.toml")
    assert str(err.value).startswith(message)


def test_the_second_row_is_named_by_its_own_line():
    text = GOOD + GOOD.replace("230111", "230102").replace("www.hulan", "www.hrbdl").replace("rate = 5", "rate = -1")
    with pytest.raises(RegistryError, match=r"^demo.toml:10: rate"):
        parse_registry(text, "demo.toml")


def test_the_same_portal_twice_and_broken_toml_are_errors(tmp_path):
    with pytest.raises(RegistryError, match=r"demo.toml:10: the same portal as line 2"):
        parse_registry(GOOD + GOOD, "demo.toml")
    path = tmp_path / "bad.toml"
    path.write_text("[[portal]\nregion_code = 1", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"bad.toml: not valid TOML"):
        load_registry(path)
    with pytest.raises(RegistryError, match=r"missing.toml: cannot read"):
        load_registry(tmp_path / "missing.toml")


def test_gkreports_portals_lists_the_registry_or_names_the_bad_line(tmp_path, capsys):
    from gkreports.cli import main
    assert main(["portals"]) == 0
    out = capsys.readouterr().out
    assert "5 portals in" in out and "230111" in out and "http://www.hrbfz.gov.cn/fzx/c111100/zfxxgklby_nb.shtml" in out
    bad = tmp_path / "portals.toml"
    bad.write_text(GOOD.replace('region_code = "230111"', 'region_code = "abc"'), encoding="utf-8")
    assert main(["portals", "--registry", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"gkreports: {bad}:2: region_code must be a 6-digit division code, got 'abc'"
