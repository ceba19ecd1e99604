"""p46 (forty-sixth stop), libraries of two laptops on one box:

1. GET /libraries/{id}/tags/{tag} and `box-library ID --tag T --json` said nothing of who made a correction.
2. `push-library` said nothing when another laptop had corrected a file otherwise (its correction replaced, or the
   box's kept: of no one named).
3. `box-kit --from LIB` of a library another laptop deleted: a plain "the box has no library".
4. Who deleted a library was kept in memory only: a restart forgot it.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterator

import pytest

from device.api.libraries import Libraries
from device.api.library_owners import FIXERS
DELETED = "deleted-libraries.json"      # device.api.library_upkeep.DELETED
from tests.api.test_p45_library_owners import Duo, Laptops


@pytest.fixture
def duo(tmp_path: Path) -> Iterator[Duo]:
    d = Duo(tmp_path)
    yield d
    for lib in d.app.state.box.libraries.list():
        d.app.state.box.libraries.cancel(lib["id"])
        d.wait(lib["id"])


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Laptops]:
    d = Laptops(tmp_path, monkeypatch)
    yield d
    for lib in d.app.state.box.libraries.list():
        d.app.state.box.libraries.cancel(lib["id"])
        d.app.state.box.libraries.wait(lib["id"], 20)
    d.running.stop()


def test_the_files_under_a_tag_say_who_made_each_correction(duo: Duo) -> None:
    lid = duo.upload(duo.a, "kitA")
    duo.wait(lid)
    r = duo.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": ["tom"]}, headers=duo.b)
    assert r.status_code == 200, r.text
    r = duo.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s1.wav", "tags": ["tom"]}, headers=duo.a)
    assert r.status_code == 200, r.text
    hits = {h["path"]: h for h in duo.get(duo.a, f"/libraries/{lid}/tags/tom")}
    assert (hits["kit/s0.wav"]["by"], hits["kit/s0.wav"]["by_you"]) == ("laptopB", False)
    assert (hits["kit/s1.wav"]["by"], hits["kit/s1.wav"]["by_you"]) == ("laptopA", True)
    assert all(h["corrected"] for h in hits.values())
    (duo.app.state.box.libraries.root / lid / FIXERS).unlink()      # corrections from before the box kept who
    assert {(h["by"], h["by_you"]) for h in duo.get(duo.a, f"/libraries/{lid}/tags/tom")} == {(None, None)}


def test_box_library_tag_json_carries_who_made_each_correction(laptops: Laptops, capsys: Any) -> None:
    assert laptops.run(capsys, "A", "push-library", str(laptops.folder("A", "kitA", (4800, 9600))), "--wait",
                       "--quiet")[0] == 0
    lid = laptops.ids("kitA")[0]
    assert laptops.run(capsys, "B", "box-library", lid, "--fix", "kit/s0.wav", "tom")[0] == 0
    rc, out, err = laptops.run(capsys, "A", "box-library", lid, "--tag", "tom", "--json")
    assert rc == 0, err
    (hit,) = json.loads(out)
    assert hit["path"] == "kit/s0.wav" and hit["corrected"] and (hit["by"], hit["by_you"]) == ("laptopB", False)
    rc, out, _ = laptops.run(capsys, "A", "box-library", lid, "--tag", "tom")     # the lines read the same fields
    assert rc == 0 and out.splitlines() == ["laptopB's  kit/s0.wav"]


def test_an_older_box_s_tag_answer_gets_who_from_its_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox import library_owners
    asked: list[str] = []

    def older_box(client: Any, path: str, expect: Any = None) -> Any:
        asked.append(path)
        return [{"path": "kit/a.wav", "tags": ["tom"], "by": "laptopB", "by_you": False}]

    monkeypatch.setattr(library_owners, "asked", older_box)
    hits = [{"path": "kit/a.wav", "score": 1.0, "corrected": True}, {"path": "kit/b.wav", "score": 0.9,
                                                                     "corrected": False}]
    got = library_owners.with_fixers(None, "lib-x", hits)
    assert got[0]["by"] == "laptopB" and got[0]["by_you"] is False and "by" not in got[1]
    assert asked == ["/libraries/lib-x/fixes"]
    asked.clear()                                   # a new box's answer carries them: /fixes is not asked
    assert library_owners.with_fixers(None, "lib-x", got) == got and asked == []


def _post_fixes_as(laptops: Laptops, who: str, lid: str, fixes: list[dict[str, Any]]) -> None:
    """Corrections sent to library ``lid`` by laptop ``who`` as its push-library sends them (POST .../fixes)."""
    import httpx
    cfg = json.loads((laptops.tmp / f"cfg{who}" / "remote.json").read_text())
    r = httpx.post(f"{laptops.running.url}/libraries/{lid}/fixes", json={"fixes": fixes},
                   headers={"Authorization": f"Bearer {cfg['token']}"}, timeout=10)
    assert r.status_code == 200, r.text


def test_push_library_names_the_laptop_whose_correction_it_replaced_or_kept(laptops: Laptops, capsys: Any) -> None:
    from device.library import tag_library
    from hatbox.cli import main
    from tests.api.packs import tagger_pack
    folder = laptops.folder("A", "kitA", (4800, 9600, 7200))
    db = folder / ".hatbox-tags.sqlite"
    tag_library(folder, tagger_pack(laptops.tmp / "t2.hatpack"), db)
    laptops.be("A")
    for name, tag in (("s0", "kick"), ("s1", "tom")):
        assert main(["library", "fix", str(db), str(folder / "kit" / f"{name}.wav"), tag]) == 0
    assert laptops.run(capsys, "A", "push-library", str(folder), "--wait", "--quiet")[0] == 0
    lid = laptops.ids("kitA")[0]
    _post_fixes_as(laptops, "B", lid, [{"path": "kit/s0.wav", "tags": ["snare"]}])     # B's push-library
    assert laptops.run(capsys, "B", "box-library", lid, "--fix", "kit/s1.wav", "clap")[0] == 0   # B on the box
    assert laptops.run(capsys, "B", "box-library", lid, "--fix", "kit/s2.wav", "hat")[0] == 0
    laptops.be("A")
    for name, tag in (("s0", "rim"), ("s1", "cowbell"), ("s2", "shaker")):     # A changes its corrections
        assert main(["library", "fix", str(db), str(folder / "kit" / f"{name}.wav"), tag]) == 0
    rc, out, err = laptops.run(capsys, "A", "push-library", str(folder), "--quiet")
    assert rc == 0, err
    assert "1 file corrected otherwise by another laptop: the box keeps yours now" in out, out
    assert "    kit/s0.wav: rim here (kept), snare on the box (laptopB's correction, replaced)" in out, out
    assert "2 files corrected differently on the box: kept the box's" in out, out
    assert "    kit/s1.wav: clap on the box (laptopB's correction, kept), cowbell here" in out, out
    assert "    kit/s2.wav: hat on the box (laptopB's correction, kept), shaker here" in out, out


def test_the_replaced_and_kept_lines_are_bounded() -> None:
    from hatbox.library_fixes import KEPT_NAMED, kept_on_box_lines, replaced_lines
    sides = [{"path": f"kit/{i}.wav", "box": ["snare"], "yours": ["kick"], "by": "laptop B", "by_you": False}
             for i in range(KEPT_NAMED + 3)]
    lines = replaced_lines("lib-x", sides)
    assert len(lines) == KEPT_NAMED + 2 and lines[-1] == "    and 3 more"
    assert lines[1] == "    kit/0.wav: kick here (kept), snare on the box (laptop B's correction, replaced)"
    kept = kept_on_box_lines("lib-x", [{**sides[0], "by_you": True}])    # this laptop's own on the box: no name
    assert kept[1] == "    kit/0.wav: snare on the box, kick here"


def test_box_kit_from_a_library_another_laptop_deleted_says_who(laptops: Laptops, capsys: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert laptops.run(capsys, "B", "push-library", str(laptops.folder("B", "kitB", (4800, 9600))), "--wait",
                       "--quiet")[0] == 0
    lid = laptops.ids("kitB")[0]
    assert laptops.run(capsys, "B", "box-library", lid, "--delete", "--yes")[0] == 0
    for given in ("kitB", lid):
        rc, out, err = laptops.run(capsys, "A", "box-kit", "--from", given, "--yes")
        assert rc != 0 and f"the box has no library '{given}': laptopB deleted it at " in err, err
    rc, _, err = laptops.run(capsys, "A", "box-kit", "--map", "C2", "kit/s0.wav", "--library", "kitB")
    assert rc != 0 and "laptopB deleted it at " in err, err


def test_who_deleted_a_library_outlives_a_restart(duo: Duo, caplog: pytest.LogCaptureFixture) -> None:
    lid = duo.upload(duo.b, "kitB")
    duo.wait(lid)
    assert duo.client.delete(f"/libraries/{lid}", headers=duo.b).status_code == 204
    root = duo.app.state.box.libraries.root
    again = Libraries(root)                                          # the box started again
    assert [(d["id"], d["name"], d["by"]) for d in again.deleted.values()] == [(lid, "kitB", "laptopB")]
    assert again.missing(lid).record is not None
    assert [lib["id"] for lib in again.list()] == []                # the note is no library
    (root.parent / DELETED).write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        damaged = Libraries(root)
    assert damaged.deleted == {} and sum(DELETED in r.getMessage() for r in caplog.records) == 1


def test_the_kept_deletions_are_bounded(tmp_path: Path) -> None:
    from device.api.libraries import KEEP_DELETED
    libs = Libraries(tmp_path / "libs")
    for i in range(KEEP_DELETED + 4):
        libs._note_deleted({"id": f"lib-{i}", "name": f"n{i}"}, "laptopA")
    kept = json.loads((tmp_path / DELETED).read_text())["records"]
    assert [r["id"] for r in kept] == [f"lib-{i}" for i in range(4, KEEP_DELETED + 4)]
    assert list(Libraries(tmp_path / "libs").deleted) == [f"lib-{i}" for i in range(4, KEEP_DELETED + 4)]
