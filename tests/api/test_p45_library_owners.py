"""p45 duo QA (two laptops, one box), libraries: the box keeps who uploaded each library and who made each correction,
and says it; a tag asked for while the library is being tagged has one clear answer.

1. B's library 'loops' was called "an older copy" in A's same-name note, with the command that deletes it; the delete
   question said "your corrections"; nothing said whose a library was.
2. B's correction of a file of A's library was listed to A as "yours".
3. `--tag kick` while tagging: "tag 'kick' is not one of this library's tags ()", then "the library's tags: none yet".
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.library_owners import FIXERS
from device.api.sim import RecordingControl
from hatbox.cli import main
from tests.api.conftest import FAST_ENGINE, start_remote_box, zip_bytes
from tests.api.packs import tagger_pack


class HeldTagger:
    """The box's own tagger, held (the library stays ``tagging``) before it starts (``before``) or after it has
    written every file's tags (else) until :attr:`release` is set."""

    def __init__(self, before: bool = False) -> None:
        from device.api.libraries import default_tagger
        self.real, self.before, self.release = default_tagger, before, threading.Event()

    def __call__(self, root: Any, pack: Any, db: Any, progress: Any, cancel: Any) -> Any:
        if self.before:
            self.release.wait(10)
        report = self.real(root, pack, db, progress, cancel)
        if not self.before:
            self.release.wait(10)
        return report


class Duo:
    """One box app (TestClient) and two pairings, A ("laptopA") and B ("laptopB"), each a headers dict."""

    def __init__(self, tmp_path: Path) -> None:
        codes: list[str] = []
        self.tmp = tmp_path
        self.app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
        self.client = TestClient(self.app)
        self.a, self.b = (self._pair(codes[-1], n) for n in ("laptopA", "laptopB"))
        r = self.client.post("/packs", params={"activate": True}, headers=self.a,
                             content=tagger_pack(tmp_path / "t.hatpack").read_bytes())
        assert r.status_code == 201, r.text

    def _pair(self, code: str, name: str) -> dict[str, str]:
        r = self.client.post("/pair", json={"code": code, "name": name})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def upload(self, who: dict[str, str], name: str, n: int = 2) -> str:
        wav = self.tmp / "w.wav"
        members = {}
        for i in range(n):
            sf.write(wav, np.linspace(-0.5, 0.5, 2400 + 100 * i, dtype=np.float32), 48000)
            members[f"kit/s{i}.wav"] = wav.read_bytes()
        r = self.client.post("/libraries", params={"name": name}, content=zip_bytes(members), headers=who)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def wait(self, lid: str) -> None:
        self.app.state.box.libraries.wait(lid, 20)

    def get(self, who: dict[str, str], route: str) -> Any:
        r = self.client.get(route, headers=who)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def duo(tmp_path: Path) -> Iterator[Duo]:
    d = Duo(tmp_path)
    yield d
    for lib in d.app.state.box.libraries.list():
        d.app.state.box.libraries.cancel(lib["id"])
        d.wait(lib["id"])


def test_the_box_keeps_who_uploaded_each_library(duo: Duo) -> None:
    first, second = duo.upload(duo.b, "loops"), duo.upload(duo.a, "loops")
    listed = {lib["id"]: lib for lib in duo.get(duo.a, "/libraries")}
    assert listed[first]["uploaded_by"] == "laptopB" and listed[first]["uploaded_by_you"] is False
    assert listed[second]["uploaded_by"] == "laptopA" and listed[second]["uploaded_by_you"] is True
    assert listed[first]["seq"] < listed[second]["seq"]
    one = duo.get(duo.b, f"/libraries/{first}")
    assert one["uploaded_by"] == "laptopB" and one["uploaded_by_you"] is True
    assert "uploaded_by_token" not in one                  # the record keeps it; the answers do not
    duo.wait(first)
    duo.wait(second)


def test_a_library_from_before_the_box_kept_who_still_lists(duo: Duo) -> None:
    lid = duo.upload(duo.a, "old")
    duo.wait(lid)
    libs = duo.app.state.box.libraries
    record = dict(libs.get(lid))
    for key in ("uploaded_by", "uploaded_by_token", "seq"):
        record.pop(key)
    libs._jobs[lid] = record                                       # as a record written before p45
    (libs.root / lid / "library.json").write_text(json.dumps(record))
    listed = duo.get(duo.b, "/libraries")[0]
    assert listed["id"] == lid and not {"uploaded_by", "uploaded_by_you", "seq"} & set(listed)     # listed as before
    one = duo.get(duo.b, f"/libraries/{lid}")
    assert one["uploaded_by"] is None and one["uploaded_by_you"] is None and one["seq"] == 0


def test_a_correction_says_who_made_it(duo: Duo) -> None:
    lid = duo.upload(duo.a, "kitA")
    duo.wait(lid)
    r = duo.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": ["tom"]}, headers=duo.b)
    assert r.status_code == 200, r.text
    fixes = duo.get(duo.a, f"/libraries/{lid}/fixes")
    assert [(f["path"], f["by"], f["by_you"]) for f in fixes] == [("kit/s0.wav", "laptopB", False)]
    assert duo.get(duo.b, f"/libraries/{lid}/fixes")[0]["by_you"] is True
    r = duo.client.post(f"/libraries/{lid}/fixes", json={"fixes": [{"path": "kit/s1.wav", "tags": ["tom"]}]},
                        headers=duo.a)                             # sent with a push-library: A's own
    assert r.status_code == 200 and r.json()["kept"] == 1, r.text
    by = {f["path"]: f["by"] for f in duo.get(duo.b, f"/libraries/{lid}/fixes")}
    assert by == {"kit/s0.wav": "laptopB", "kit/s1.wav": "laptopA"}
    r = duo.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": []}, headers=duo.b)
    assert r.status_code == 200
    assert "kit/s0.wav" not in json.loads((duo.app.state.box.libraries.root / lid / FIXERS).read_text())


def test_a_tag_no_file_carries_yet_is_none_yet_while_the_library_is_tagged(duo: Duo) -> None:
    libs = duo.app.state.box.libraries
    for before in (True, False):                    # no tag database yet; every file tagged, the tagging not ended
        held = libs.tagger = HeldTagger(before)
        lid = duo.upload(duo.a, f"big{before}")
        assert duo.get(duo.b, f"/libraries/{lid}")["state"] == "tagging"
        assert duo.get(duo.b, f"/libraries/{lid}/tags/hihat") == []      # was 404 "not one of ... tags ()" / 409
        held.release.set()
        duo.wait(lid)
        r = duo.client.get(f"/libraries/{lid}/tags/hihat", headers=duo.b)
        assert r.status_code == 404 and "not one of this library's tags" in r.json()["message"]   # done: as before


# ---------------------------------------------------------------------------- the laptops' words (hatbox CLI)
class Laptops:
    """A served box and two laptops paired with it, each its own settings file (HATBOX_CONFIG)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.monkeypatch = tmp_path, monkeypatch
        self.running, codes, _, self.app = start_remote_box(tmp_path, monkeypatch)
        for who in ("A", "B"):
            self.be(who)
            assert main(["pair", self.running.url, "--code", codes[-1], "--name", f"laptop{who}"]) == 0
        assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0

    def be(self, who: str) -> None:
        self.monkeypatch.setenv("HATBOX_CONFIG", str(self.tmp / f"cfg{who}" / "remote.json"))

    def run(self, capsys: pytest.CaptureFixture[str], who: str, *argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        self.be(who)
        rc = main(list(argv))
        got = capsys.readouterr()
        return rc, got.out, got.err

    def folder(self, who: str, name: str, lengths: tuple[int, ...]) -> Path:
        root = self.tmp / who / name
        (root / "kit").mkdir(parents=True, exist_ok=True)
        for i, n in enumerate(lengths):
            sf.write(root / "kit" / f"s{i}.wav", np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
        return root

    def ids(self, name: str) -> list[str]:
        from device.versions import upload_order
        return [i["id"] for i in sorted(self.app.state.box.libraries.list(), key=upload_order) if i["name"] == name]


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Laptops]:
    d = Laptops(tmp_path, monkeypatch)
    yield d
    for lib in d.app.state.box.libraries.list():
        d.app.state.box.libraries.cancel(lib["id"])
        d.app.state.box.libraries.wait(lib["id"], 20)
    d.running.stop()


def test_the_laptops_say_whose_libraries_and_corrections_and_one_answer_while_tagged(
        laptops: Laptops, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """On one served box and its two laptops (set up once, where four tests set them up each), in order (each part its
    own libraries; the first lists every library on the box, so it comes first; the last holds the tagger):
    1. another laptop's library of the name is not an older copy (and the listings and the delete say whose);
    2. this laptop's own copy of the same files is an older copy;
    3. a correction by another laptop is listed as theirs;
    4. a tag asked while the library is tagged has one answer."""
    _another_laptop_s_library_of_the_name_is_not_an_older_copy(laptops, capsys, monkeypatch)
    _this_laptop_s_own_copy_of_the_same_files_is_an_older_copy(laptops, capsys)
    _a_correction_by_another_laptop_is_listed_as_theirs(laptops, capsys)
    _a_tag_asked_while_the_library_is_tagged_has_one_answer(laptops, capsys)


def _another_laptop_s_library_of_the_name_is_not_an_older_copy(laptops: Laptops, capsys: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    b_loops = laptops.folder("B", "loops", (4800, 9600))
    assert laptops.run(capsys, "B", "push-library", str(b_loops), "--wait", "--quiet")[0] == 0
    assert laptops.run(capsys, "B", "box-library", "loops", "--fix", "kit/s0.wav", "kick")[0] == 0
    rc, out, err = laptops.run(capsys, "A", "push-library", str(laptops.folder("A", "loops", (3000, 7000))),
                               "--wait", "--quiet")
    theirs, mine = laptops.ids("loops")
    assert rc == 0, err
    note = next(line for line in err.splitlines() if line.startswith("note: the box holds"))     # p47: stderr
    assert note.startswith(f"note: the box holds 1 other library called 'loops' ({theirs}): laptopB's, uploaded ")
    assert "another library, not yours" in note and "older copy" not in note and "--delete" not in note
    rc, out, _ = laptops.run(capsys, "A", "box-library")
    assert rc == 0 and " by laptopB" in next(x for x in out.splitlines() if x.startswith(theirs))
    assert " by you" in next(x for x in out.splitlines() if x.startswith(mine))
    rc, out, _ = laptops.run(capsys, "A", "box-library", "--json")
    assert {(lib["id"], lib["uploaded_by"]) for lib in json.loads(out)} == {(theirs, "laptopB"), (mine, "laptopA")}
    rc, out, err = laptops.run(capsys, "B", "box-library", "loops")        # B's script that used the name: B's
    assert rc == 0 and f"note: 2 libraries on the box are called 'loops': this is the newest of yours, {theirs} " \
        f"(yours, uploaded " in err and f"the other: {mine} (laptopA's, uploaded " in err      # (p47: not refused)
    rc, _, err = laptops.run(capsys, "B", "box-library", "loops", "--delete")         # a deletion needs the id
    assert rc == 2 and "2 libraries on the box are called 'loops' (oldest first): " in err
    assert f"{theirs} (yours, uploaded " in err and f"{mine} (laptopA's, uploaded " in err
    assert err.index(theirs) < err.index(mine)
    with monkeypatch.context() as mp:
        mp.setattr("builtins.input", lambda prompt="": print(prompt) or "n")
        rc, out, err = laptops.run(capsys, "A", "box-library", theirs, "--delete")     # p47: the question on stderr
    assert rc == 0 and "by laptopB, from the box, with its tags and laptopB's corrections of 1 file?" in err
    assert "your corrections" not in out + err and len(laptops.ids("loops")) == 2


def _this_laptop_s_own_copy_of_the_same_files_is_an_older_copy(laptops: Laptops, capsys: Any) -> None:
    beats = laptops.folder("A", "beats", (4800, 9600))           # not "loops": part 1 left two of that name
    assert laptops.run(capsys, "A", "push-library", str(beats), "--quiet")[0] == 0
    rc, _, err = laptops.run(capsys, "A", "push-library", str(beats), "--again", "--quiet")
    first, _ = laptops.ids("beats")
    assert rc == 0 and f"({first}): yours, uploaded " in err                            # p47: notes on stderr
    assert f"an older copy of these files: it goes with hatbox box-library {first} --delete" in err


def _a_correction_by_another_laptop_is_listed_as_theirs(laptops: Laptops, capsys: Any) -> None:
    assert laptops.run(capsys, "A", "push-library", str(laptops.folder("A", "kitA", (4800, 9600))), "--wait",
                       "--quiet")[0] == 0
    lid = laptops.ids("kitA")[0]
    assert laptops.run(capsys, "B", "box-library", lid, "--fix", "kit/s0.wav", "tom")[0] == 0
    rc, out, err = laptops.run(capsys, "A", "box-library", lid, "--tag", "tom")
    assert rc == 0 and out.splitlines() == ["laptopB's  kit/s0.wav"], (out, err)
    assert laptops.run(capsys, "B", "box-library", lid, "--tag", "tom")[1].splitlines() == [" yours  kit/s0.wav"]
    (laptops.app.state.box.libraries.root / lid / FIXERS).unlink()      # a correction from before the box kept who
    rc, out, err = laptops.run(capsys, "A", "box-library", lid, "--tag", "tom")
    assert out.splitlines() == [" yours  kit/s0.wav"] and "made before the box kept who made each" in err


def _wait_for_every_file(libs: Any, lid: str, limit_s: float = 60.0) -> None:
    """Until library ``lid``'s record says every file was tagged (its tagger then held); fails past ``limit_s``."""
    import time
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        progress = next((i.get("progress") for i in libs.list() if i["id"] == lid), None) or {}
        if progress.get("total") and progress.get("done") == progress.get("total"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{lid} was not tagged to its last file in {limit_s} s")


def _a_tag_asked_while_the_library_is_tagged_has_one_answer(laptops: Laptops, capsys: Any) -> None:
    libs = laptops.app.state.box.libraries
    for before in (True, False):
        held = libs.tagger = HeldTagger(before)
        name = f"big{before}"
        assert laptops.run(capsys, "A", "push-library", str(laptops.folder("A", name, (4800, 9600))),
                           "--quiet")[0] == 0
        lid = laptops.ids(name)[0]
        if not before:                  # p50: the box tags in a child process, which takes a moment to start
            _wait_for_every_file(libs, lid)
        rc, out, err = laptops.run(capsys, "B", "box-library", lid, "--tag", "hihat")
        assert rc == 0 and out == "", (out, err)
        so_far = "" if before else " (its tags so far: snare)"           # what the tagger gave the two files
        assert err.startswith(f"the library is being tagged ({'0 of 2' if before else 'finishing'}): no file "
                              f"tagged 'hihat' yet{so_far}; try again when it is done (hatbox box-library {lid} "
                              "--wait"), err
        assert "not one of this library's tags" not in err and "none yet" not in err
        held.release.set()
        libs.wait(lid, 20)
