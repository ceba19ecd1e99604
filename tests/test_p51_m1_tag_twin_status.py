"""`hatbox tag`'s note on a name held in two Unicode forms says what became of each file here (fifty-first stop,
mend M1): it said "both are tagged here, as two files" of every pair among the database's rows, a silent file
(skipped) or one that did not decode (error) too."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import soundfile as sf

from device.library.db import connect_readonly, known_files
from hatbox.cli import main
from hatbox.tag_notes import twin_tail
from hatbox.push_walk import TAG_TAIL
from tests.api.packs import tagger_pack

CAFE = "Names/café.wav"
NAIVE = "Other/naïve.wav"
NFC, NFD = (unicodedata.normalize(form, CAFE) for form in ("NFC", "NFD"))
NAIVE_NFC, NAIVE_NFD = (unicodedata.normalize(form, NAIVE) for form in ("NFC", "NFD"))


def _library(tmp_path: Path) -> Path:
    """café.wav composed (a ramp) and decomposed (silent); naïve.wav composed (not audio) and decomposed (a ramp)."""
    lib = tmp_path / "lib"
    (lib / "Names").mkdir(parents=True)
    (lib / "Other").mkdir()
    sf.write(lib / NFC, np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    sf.write(lib / NFD, np.zeros(3600, np.float32), 48000)
    (lib / NAIVE_NFC).write_bytes(b"RIFF\x24\x00\x00\x00WAVEnot a sound at all" * 4)
    sf.write(lib / NAIVE_NFD, np.linspace(0.5, -0.5, 3000, dtype=np.float32), 48000)
    return lib


def test_a_twins_note_says_each_files_status(tmp_path: Path, capsys) -> None:
    pack = tagger_pack(tmp_path / "t.hatpack")
    capsys.readouterr()
    main(["tag", str(_library(tmp_path)), "--pack", str(pack), "--out", str(tmp_path / "lib.db")])
    con = connect_readonly(tmp_path / "lib.db")
    status = {rel: row[3] for rel, row in known_files(con).items()}
    con.close()
    assert status == {NFC: "ok", NFD: "skipped", NAIVE_NFC: "error", NAIVE_NFD: "ok"}
    notes = [n for n in capsys.readouterr().out.splitlines() if "Unicode form" in n]
    assert len(notes) == 2 and not [n for n in notes if "both are tagged" in n], notes
    cafe, naive = sorted(notes, key=lambda n: NAIVE_NFC in n.split(":")[1])
    assert cafe.startswith(f"note: {NFC}: the same name as {NFD} in another Unicode form")
    assert "here this one was tagged, that one skipped (nothing to tag" in cafe
    assert naive.startswith(f"note: {NAIVE_NFC}: the same name as {NAIVE_NFD} in another Unicode form")
    assert "here this one was not tagged (it did not decode; tried again at the next run), that one tagged" in naive
    for note, kept in ((cafe, NFD), (naive, NAIVE_NFD)):
        assert note.endswith(TAG_TAIL.partition("; ")[2].format(kept=kept))    # the same words on push-library


def test_two_tagged_files_keep_the_words_of_before() -> None:
    assert twin_tail("ok", "ok") == TAG_TAIL
    assert twin_tail("skipped", "skipped").startswith("here this one was skipped (nothing to tag")
    assert "both" not in twin_tail("error", "ok").partition(";")[0]
