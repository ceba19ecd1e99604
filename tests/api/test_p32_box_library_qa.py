"""Thirty-second stop, a QA pass over the box's libraries from the laptop: deleting a library says which kit notes
go silent; a kit is not made of a library half tagged; the listing says which libraries keep another tagger's tags
(and so does making a tagger active); a tagger pack is not deleted under a tagging; the hints of a library waiting
for a tagger point at what works now; `push-library` says a missing path, a zip cut short and an archive of no
audio before sending, says how to follow the tagging, and notes a second library of the same name; a follow the
box's going cut off says how to follow again."""
from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box, wav_bytes
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip
from tests.cli_run import run as _run


def _drums(tmp_path: Path, name: str = "drums") -> Path:
    folder = tmp_path / name / "kit"
    folder.mkdir(parents=True)
    for f, n in (("boom.wav", 4800), ("crack.wav", 9600)):
        sf.write(folder / f, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    return tmp_path / name


@pytest.fixture(scope="module")
def picky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The picky tagger pack (tests.tagger.test_p32_own_words: sure of none of its words), exported once for the two
    tests that push it (an export took 1.5 s, the first one 4 s)."""
    from tests.tagger.test_p32_own_words import _picky_pack
    return _picky_pack(tmp_path_factory.mktemp("picky"))


def _lid(paired_server: PairedServer, name: str) -> str:
    return next(lib["id"] for lib in paired_server.app.state.box.libraries.list() if lib["name"] == name)


def test_the_delete_question_names_the_notes_then_deleting_says_the_kit_notes_that_go_silent(tmp_path, paired_server,
                                                                                          capsys, monkeypatch):
    """On one library (pushed and tagged once for both checks): the question of a `--delete` answered no names the
    one note mapped then; with a second note mapped, `--delete --yes` says the two notes left the kit, and they have."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(_drums(tmp_path)), "--wait", "--quiet"]) == 0
    lid = _lid(paired_server, "drums")
    assert main(["box-kit", "--map", "C1", "kit/boom.wav"]) == 0
    asked: list[str] = []
    with monkeypatch.context() as mp:
        mp.setattr("builtins.input", lambda q: asked.append(q) or "n")
        capsys.readouterr()
        assert main(["box-library", "drums", "--delete"]) == 0
    assert "its samples play 1 note of the box's kit (C1), which go silent" in asked[0]
    assert main(["box-kit", "--map", "D1", "kit/crack.wav"]) == 0
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-library", lid, "--delete", "--yes")
    assert rc == 0, err
    assert "2 notes of the kit left it (hatbox box-kit shows what is left)" in out
    rc, out, _ = _run(capsys, "box-kit")
    assert "C1" not in out and "D1" not in out


def test_a_kit_is_not_made_of_a_library_being_tagged_or_stopped_part_way(tmp_path):
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    r = box.push(tagger_pack(tmp_path / "t.hatpack"))
    assert r.status_code == 201
    lid = box.client.post("/libraries", content=_library_zip(3), headers=box.auth).json()["id"]
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 409 and "still being tagged" in r.json()["message"], r.text
    assert r.json()["message"].endswith("the kit is as it was") and "''" not in r.json()["message"]
    assert f"hatbox box-library {lid} --wait" in r.json()["hint"]
    box.client.post(f"/libraries/{lid}/cancel", headers=box.auth)
    hold.set()
    from tests.api.test_retag_p20 import _wait_done
    assert _wait_done(box, lid)["state"] == "cancelled"
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 409 and "was tagged only part way" in r.json()["message"] and "--retag" in r.json()["hint"]
    assert r.json()["message"].startswith("'library' was tagged")                # its name (the zip's), not its id


def test_a_tagger_pack_is_not_deleted_under_a_tagging(tmp_path):
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    first = box.push(tagger_pack(tmp_path / "t1.hatpack", version="1.0.0")).json()["pack"]["id"]
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]
    box.push(tagger_pack(tmp_path / "t2.hatpack", version="2.0.0"))      # first is no longer active
    r = box.client.delete(f"/packs/{first}", headers=box.auth)
    assert r.status_code == 409 and f"is tagging library '{lid}' now" in r.json()["message"], r.text
    assert first in box.app.state.box.store.ids()
    hold.set()
    from tests.api.test_retag_p20 import _wait_done
    _wait_done(box, lid)
    assert box.client.delete(f"/packs/{first}", headers=box.auth).status_code == 204


def test_the_listing_and_an_activation_say_which_libraries_keep_another_taggers_tags(tmp_path, paired_server, capsys):
    rc, _, err = _run(capsys, "box-library")
    assert rc == 0 and "no libraries on the box (send a folder of samples: hatbox push-library FOLDER)" in err
    assert main(["push", str(tagger_pack(tmp_path / "t1.hatpack", version="1.0.0")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(_drums(tmp_path)), "--wait", "--quiet"]) == 0
    lid = _lid(paired_server, "drums")
    first = paired_server.app.state.box.libraries.get(lid)["tagger"]
    assert first.startswith("tagger-")                          # an id: box-library names it "name version" (p53)
    capsys.readouterr()
    rc, out, _ = _run(capsys, "box-library")
    assert "not the active tagger" not in out
    rc, out, _ = _run(capsys, "push", str(tagger_pack(tmp_path / "t2.hatpack", version="2.0.0")), "--activate",
                      "--quiet")
    assert rc == 0 and "1 library on the box keeps the tags of another tagger pack" in out
    rc, out, _ = _run(capsys, "box-library")
    second = paired_server.app.state.box.store.active()["tagger"]
    assert first not in out and second not in out
    first, second = "tags 1.0.0", "tags 2.0.0"                  # as GET /packs names them, not their ids
    assert (f"tagged by {first}, not the active tagger ({second}): hatbox box-library {lid} --retag tags it with "
            "the active one") in out                            # p33: "with that one" read as the old tagger


def test_a_cancelled_library_is_listed_with_how_far_its_tagging_went(tmp_path, paired_server, capsys):
    from hatbox.cmd_box_library import state_words
    assert state_words({"state": "cancelled", "progress": {"done": 167, "total": 658}}) == "cancelled at 167 of 658"
    assert state_words({"state": "done", "progress": {"done": 658, "total": 658}}) == "done"


def test_hints_for_a_library_waiting_for_a_tagger_name_the_tagger_on_the_box(tmp_path, paired_server, capsys):
    tagger = tagger_pack(tmp_path / "t.hatpack")
    assert main(["push", str(tagger), "--quiet"]) == 0                      # installed, not active
    tid = paired_server.app.state.box.store.ids()[0]
    rc, out, _ = _run(capsys, "push-library", str(_drums(tmp_path)), "--quiet")
    assert rc == 0 and f"the box tags it as soon as a tagger pack is active: hatbox box-pack {tid} --activate" in out
    lid = _lid(paired_server, "drums")
    rc, _, err = _run(capsys, "box-library", lid, "--tag", "kick")
    assert rc == 2 and f"(hatbox box-pack {tid} --activate): the box tags it then" in err and "--retag" not in err
    rc, _, err = _run(capsys, "box-library", lid, "--retag")
    assert rc == 2 and "the box tags this library then" in err and "--retag" not in err.split("hint:")[1]
    rc, _, err = _run(capsys, "box-library", lid, "--wait")
    assert rc == 2 and f"hatbox box-pack {tid} --activate" in err and "the tagging of" not in err


def test_push_library_says_what_is_wrong_before_sending(tmp_path, paired_server, capsys):
    rc, _, err = _run(capsys, "push-library", str(tmp_path / "nope"))
    assert rc == 2 and "does not exist; nothing was sent" in err and "hint:" in err
    whole = tmp_path / "kit.zip"
    with zipfile.ZipFile(whole, "w") as zf:
        for i in range(8):
            zf.writestr(f"kit/s{i}.wav", wav_bytes(24000 + i))
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    rc, _, err = _run(capsys, "push-library", str(cut))
    assert rc == 2 and "is a damaged or incomplete zip (cut short?)" in err
    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as zf:
        zf.writestr("__MACOSX/kit/._s0.wav", b"\0" * 82)
        zf.writestr("kit/.DS_Store", b"\0" * 10)
    rc, _, err = _run(capsys, "push-library", str(junk))
    assert rc == 2 and "holds no audio file" in err and "put samples in the archive" in err
    assert paired_server.app.state.box.libraries.list() == []


def test_push_library_says_how_to_follow_and_notes_a_second_library_of_the_name(tmp_path, paired_server, capsys):
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    drums = _drums(tmp_path)
    rc, out, _ = _run(capsys, "push-library", str(drums), "--quiet")
    lid = _lid(paired_server, "drums")
    assert rc == 0 and f"the box is tagging it: hatbox box-library {lid} --wait follows it" in out
    sf.write(drums / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    rc, out, err = _run(capsys, "push-library", str(drums), "--quiet")      # p47: notes on stderr
    assert rc == 0 and f"note: the box holds 1 other library called 'drums' ({lid})" in err
    assert f"hatbox box-library {lid} --delete" in err


def test_a_follow_the_box_cuts_off_says_how_to_follow_again(monkeypatch):
    from hatbox import cmd_box_library
    from hatbox.errors import HatboxError
    answers = iter([{"id": "lib-x-1", "state": "tagging", "progress": {"done": 3, "total": 9}}])

    def call(client, method, path, **kw):
        try:
            return next(answers)
        except StopIteration:
            raise HatboxError("cannot reach the box at http://box:8750: nothing answers on port 8750 there",
                              hint="is the box on?") from None
    monkeypatch.setattr(cmd_box_library, "_call", call)
    monkeypatch.setattr("time.sleep", lambda s: None)
    with pytest.raises(HatboxError) as err:
        cmd_box_library._follow(None, "lib-x-1", quiet=True)
    assert Exception.__str__(err.value) == ("cannot reach the box at http://box:8750: nothing answers on port 8750 "
                                            "there while following library lib-x-1 (tagging 3 of 9)")
    assert "hatbox box-library lib-x-1 --wait follows it again" in err.value.hint


def test_a_kit_of_one_note_says_play_it(capsys):
    from hatbox.cmd_kit import describe
    lines = describe({"notes": [{"note": 36, "name": "C1", "library": "lib-a", "file": "k.wav"}]})
    assert lines[-1].startswith("1 note: play it from")



def test_the_box_lists_the_files_a_tagger_gave_no_tag(tmp_path, paired_server, capsys, picky):
    """As `hatbox tag` now says them on the laptop: a tagger of several tags per file sure of none of its words left
    those files under no tag on the box too, and box-library ID said nothing of them."""
    assert main(["push", str(picky), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(_drums(tmp_path)), "--wait", "--quiet"]) == 0
    lid = _lid(paired_server, "drums")
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-library", lid)
    said = f"note: 2 files got no tag: the tagger was sure of none of its words (hatbox box-library {lid} --untagged"
    assert rc == 0 and said in err
    rc, out, _ = _run(capsys, "box-library", lid, "--untagged")
    assert rc == 0 and "kit/boom.wav" in out and "kit/crack.wav" in out
    assert main(["box-library", lid, "--fix", "kit/boom.wav", "kick"]) == 0
    capsys.readouterr()
    rc, out, _ = _run(capsys, "box-library", lid, "--untagged")
    assert "kit/boom.wav" not in out and "kit/crack.wav" in out


def test_several_ids_starting_alike_are_not_said_to_be_called_so():
    """QA: `box-library lib-rock` with five libraries whose ids start so said "5 libraries on the box are called
    'lib-rock'"."""
    from hatbox.cmd_box_library import find_library
    from hatbox.errors import HatboxError
    libs = [{"id": f"lib-rock-{i}a", "name": "rock"} for i in range(3)]
    with pytest.raises(HatboxError) as err:
        find_library(libs, "lib-rock")
    assert str(err.value).startswith("3 ids on the box start or end with 'lib-rock': lib-rock-0a")
    with pytest.raises(HatboxError) as err:
        find_library(libs, "Rock", picks="none")          # p47: a name of several picks the newest, but to delete
    assert str(err.value).startswith("3 libraries on the box are called 'Rock'")
    assert find_library(libs, "Rock")["id"] == "lib-rock-2a"


def test_a_tag_starting_with_a_dash_is_suggested_as_an_option_value(monkeypatch, capsys):
    """QA: `--tag -snare`, as printed after a tagging, is refused by argparse ("expected one argument")."""
    from hatbox import cmd_box_library
    monkeypatch.setattr(cmd_box_library, "_call",
                        lambda client, method, path, **kw: [] if path.endswith("/untagged") else {"-snare": 3})
    cmd_box_library._tagging_ended(None, {"id": "lib-kit-1", "state": "done"})
    assert "hatbox box-library lib-kit-1 --tag=-snare;" in capsys.readouterr().out


def test_a_library_name_matches_in_either_unicode_form():
    """QA: a name typed "Smäll" did not find the library a macOS folder named "Smäll" (the other form)."""
    import unicodedata

    from hatbox.cmd_box_library import find_library
    nfd = unicodedata.normalize("NFD", "Smäll")
    libs = [{"id": "lib-small-1", "name": nfd}, {"id": "lib-other-2", "name": "other"}]
    assert find_library(libs, unicodedata.normalize("NFC", "SMÄLL"))["id"] == "lib-small-1"


def test_an_activation_counts_the_libraries_the_listing_notes(monkeypatch, capsys):
    """QA: the activation counted the done libraries keeping another tagger's tags, the listing done and
    cancelled ones too."""
    import hatbox.box_client as box_client
    import hatbox.cmd_remote as cmd_remote
    libs = [{"id": "a", "name": "a", "state": "done", "tagger": "t1"},
            {"id": "b", "name": "b", "state": "cancelled", "tagger": "t1"},
            {"id": "c", "name": "c", "state": "done", "tagger": "t2"}]
    monkeypatch.setattr(box_client, "_call", lambda client, method, path, **kw: libs)   # under box_client.asked
    cmd_remote._say_untagged(None, [], "t2")
    assert "2 libraries on the box keep the tags of another tagger pack" in capsys.readouterr().out


def test_the_end_of_a_followed_tagging_and_the_laptops_counts_say_the_files_given_no_tag(tmp_path, paired_server,
                                                                                        capsys, picky):
    """QA: `hatbox tag` and `box-library ID` said "N files got no tag", the summary after --wait and `library query
    DB` did not: a multi-label library looked fully tagged."""
    assert main(["push", str(picky), "--activate", "--quiet"]) == 0
    rc, out, _ = _run(capsys, "push-library", str(_drums(tmp_path)), "--wait", "--quiet")
    lid = _lid(paired_server, "drums")
    assert rc == 0 and f"note: 2 files got no tag: the tagger was sure of none of its words (hatbox box-library " \
        f"{lid} --untagged lists them)" in out

