"""p43 names QA, item 4: a synth's timbre names are composed (NFC) at training, as the tagger's tags are, and
`play --corners` matches a name typed NFC to a pack that kept a Mac's NFD folder name."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import mido

from device.audio import audiofile
from hatbox.cli import main
from hatbox.cmd_synth import pack_spellings
from tests.synth.conftest import harmonic_tone
from trainer.synth.data import load_folder

FLOETE_NFC = unicodedata.normalize("NFC", "Flöte")
FLOETE_NFD = unicodedata.normalize("NFD", "Flöte")


def _notes(root: Path, folders: list[str], rate: int = 24000) -> Path:
    for i, inst in enumerate(folders):
        for p in (55, 60, 64) if i % 2 == 0 else (57, 62, 67):
            audiofile.write(root / inst / f"{p:03d}_100.wav", harmonic_tone(p, rate, 0.6, 2 + 3 * i), rate)
    return root


def test_an_nfd_instrument_folder_trains_an_nfc_timbre(tmp_path):
    notes = load_folder(_notes(tmp_path / "set", [FLOETE_NFD, "reed"]), 24000, 0.5, note=lambda _t: None,
                        warn=lambda _t: None)
    assert sorted({n.instrument for n in notes}) == sorted([FLOETE_NFC, "reed"])


def test_one_name_in_two_forms_is_one_timbre_with_a_note(tmp_path):
    said: list[str] = []
    notes = load_folder(_notes(tmp_path / "set", [FLOETE_NFD, FLOETE_NFC]), 24000, 0.5, note=said.append,
                        warn=lambda _t: None)
    assert {n.instrument for n in notes} == {FLOETE_NFC} and len(notes) == 6
    assert any("one name written two ways" in s for s in said), said


def test_play_corners_typed_nfc_match_an_older_packs_nfd_name(tmp_path, capsys):
    from trainer.synth.onnx_export import export_synth
    from tests.synth.conftest import small_model
    m = small_model()
    pack = export_synth(m.net, m.embed.weight.detach().numpy(), [FLOETE_NFD, "reed", "brass", "pipe"],
                        tmp_path / "old.hatpack", name="old",
                        extras={"velocity_map": {"db_at_127": -20.0, "db_per_velocity": 0.2}})
    mid = mido.MidiFile(ticks_per_beat=480)
    mid.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=100, time=0),
                                      mido.Message("note_off", note=60, time=240)]))
    mid.save(str(tmp_path / "m.mid"))
    assert main(["play", str(pack), "--midi", str(tmp_path / "m.mid"), "--out", str(tmp_path / "o.wav"),
                 "--corners", f"{FLOETE_NFC},reed,brass,pipe", "--tail", "0.1"]) == 0, capsys.readouterr().err
    assert (tmp_path / "o.wav").is_file()


def test_pack_spellings_exact_then_form_then_case():
    assert pack_spellings([FLOETE_NFC, "flute", "x"], [FLOETE_NFD, "Flute", "flute"]) == [FLOETE_NFD, "flute", "x"]
    assert pack_spellings(["FLÖTE", "FLUTE"], [FLOETE_NFD, "Flute"]) == [FLOETE_NFD, "Flute"]
