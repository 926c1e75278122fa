"""The journal of writes beside the kept files: which records bridge two data versions."""

from __future__ import annotations

from pathlib import Path

from chainkg.graph.store.changes import MAX_KEYS, ChangeRecorder, Changes
from chainkg.queries.chainengine.disk import JOURNAL, KEEP_RECORDS, DiskCache


def _changes(*pairs: tuple[str, str]) -> Changes:
    c = Changes()
    c.add_rels("INPUT_TO", pairs)
    return c


def test_records_chain_from_the_kept_version_to_the_current_one(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    disk.record("a", "b", _changes(("硅片", "电池片")))
    disk.record("b", "c", _changes(("电池片", "组件")))
    got = disk.changes_between("a-1f-f2", "c-1f-f2")  # data stamp, store file's inode, format
    assert got is not None and got.rels == {"INPUT_TO": {("硅片", "电池片"), ("电池片", "组件")}}
    assert disk.changes_between("b-1f-f2", "c-1f-f2") == _changes(("电池片", "组件"))
    assert disk.changes_between("c-1f-f2", "c-1f-f2") == Changes()  # the same data
    assert disk.changes_between("a-1f-f2", "d-1f-f2") is None  # no record reaches d
    assert disk.changes_between("a-1f-f2", "c-2e-f2") is None  # another store file (inode)
    assert disk.changes_between("a-1f-f2", "c-1f-f3") is None  # another file format


def test_a_gap_an_unknown_write_or_a_damaged_line_bridges_nothing(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    disk.record("a", "b", _changes(("硅片", "电池片")))
    disk.record("c", "d", _changes(("电池片", "组件")))  # b -> c is missing
    assert disk.changes_between("a-f2", "d-f2") is None
    unknown = Changes()
    unknown.set_unknown()
    disk.record("d", "e", unknown)
    assert disk.changes_between("c-f2", "d-f2") is not None
    assert disk.changes_between("c-f2", "e-f2") is None
    with (tmp_path / JOURNAL).open("a", encoding="utf-8") as fh:
        fh.write('{"before": "e", "after": \n')
    disk.record("e", "f", _changes())
    assert disk.changes_between("e-f2", "f-f2") == Changes()  # the damaged line is skipped


def test_the_journal_keeps_its_last_records(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path)
    for i in range(KEEP_RECORDS + 5):
        disk.record(f"v{i}", f"v{i + 1}", Changes())
    assert len((tmp_path / JOURNAL).read_text("utf-8").splitlines()) == KEEP_RECORDS
    assert disk.changes_between("v0-f2", f"v{KEEP_RECORDS + 5}-f2") is None
    assert disk.changes_between("v10-f2", f"v{KEEP_RECORDS + 5}-f2") == Changes()


def test_a_recorder_hands_out_what_was_written_between_two_names() -> None:
    names = iter(["s0", "s1", "s1", "s2"])
    rec = ChangeRecorder(lambda: next(names))
    assert rec.take() is None  # nothing written
    with rec.writing(nodes={"Product": ["硅片"]}):
        assert rec.take() is None  # a write under way: not handed out
    assert rec.take() == ("s0", "s1", Changes(nodes={"Product": {"硅片"}}))
    with rec.raw("MATCH (n) DETACH DELETE n"):
        pass
    taken = rec.take()
    assert taken is not None and taken[:2] == ("s1", "s2") and taken[2].unknown
    with rec.raw("MATCH (n) RETURN n"):  # a read records nothing
        pass
    assert rec.take() is None


def test_too_many_keys_count_as_unknown() -> None:
    c = Changes()
    c.add_nodes("Product", (f"p{i}" for i in range(MAX_KEYS + 1)))
    assert c.unknown and c.size == 0 and c.touches()
