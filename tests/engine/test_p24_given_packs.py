"""`hatbox device run --effect/--synth PACK`: the pack joins the box's store as its active pack (device/given_packs.py),
so the panel, the API and the next start agree on what plays; the engine starts with the store's active packs,
with or without the API."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.audio import audiofile
from device.given_packs import engine_packs, install_given
from device.store import PackStore
from device.ui.data import StoreData, active_pack
from hatbox.errors import HatboxError
from tests.api.conftest import FAST_ENGINE
from tests.api.packs import gain_pack
from tests.engine.box_run import device_run  # noqa: F401 - fixture
from tests.engine.helpers import RATE, tone
from tests.engine.packs import effect_pack

ROOT = Path(__file__).resolve().parents[2]
SYNTH = ROOT / "factory" / "synth-gm4.hatpack"


def test_a_given_pack_is_copied_into_the_store_and_made_active(tmp_path: Path) -> None:
    pack = gain_pack(tmp_path / "mine.hatpack", "mine", "1.0.0")
    before = pack.read_bytes()
    lines = install_given(tmp_path / "store", {"effect": str(pack)}, 48000, 128)
    store = PackStore(tmp_path / "store")
    pid = store.active()["effect"]
    assert pid and pid.startswith("effect-mine-1.0.0-")
    assert lines == [f"effect: mine 1.0.0 ({pid}) installed and active, from --effect"]
    assert pack.read_bytes() == before and store.pack_path(pid).read_bytes() == before    # a copy, not moved
    assert engine_packs(tmp_path / "store") == ({"effect": str(store.pack_path(pid))}, [])
    entry = active_pack(StoreData(tmp_path / "store"), "effect")                          # what the panel shows
    assert entry is not None and entry.id == pid
    again = install_given(tmp_path / "store", {"effect": str(pack)}, 48000, 128)
    assert again == [f"effect: mine 1.0.0 ({pid}) active, from --effect"] and store.ids() == [pid]


def test_the_pack_active_before_is_what_a_rollback_gives_back(tmp_path: Path) -> None:
    first = gain_pack(tmp_path / "a.hatpack", "first", "1.0.0")
    second = gain_pack(tmp_path / "b.hatpack", "second", "1.0.0", seed=1)
    install_given(tmp_path / "store", {"effect": str(first)}, 48000, 128)
    old = PackStore(tmp_path / "store").active()["effect"]
    line = install_given(tmp_path / "store", {"effect": str(second)}, 48000, 128)[0]
    assert "installed and active" in line
    store = PackStore(tmp_path / "store")
    assert store.active()["effect"] != old and store.rollback("effect") == old


def test_a_refused_pack_names_its_option_and_installs_nothing_not_even_the_good_one(tmp_path: Path) -> None:
    good = gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")
    bad = tmp_path / "bad.hatpack"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(HatboxError) as err:
        install_given(tmp_path / "store", {"effect": str(good), "synth": str(bad)}, 48000, 128)
    assert str(err.value).startswith("--synth bad.hatpack refused by the box's check 'archive'")
    store = PackStore(tmp_path / "store")
    assert store.ids() == [] and store.active()["effect"] is None


def test_a_pack_of_the_other_kind_points_at_the_right_option(tmp_path: Path) -> None:
    with pytest.raises(HatboxError) as err:
        install_given(tmp_path / "store", {"effect": str(SYNTH)}, 48000, 128)
    assert "synth-gm4.hatpack is a synth pack, not an effect pack" in str(err.value)
    assert "give it as --synth synth-gm4.hatpack" in str(err.value)
    with pytest.raises(HatboxError, match="no such file"):
        install_given(tmp_path / "store", {"synth": str(tmp_path / "nope.hatpack")}, 48000, 128)
    assert PackStore(tmp_path / "store").ids() == []


@pytest.mark.parametrize("load_active", [True, False])
def test_the_api_loads_the_active_packs_only_when_the_engine_did_not(tmp_path: Path, load_active: bool) -> None:
    install_given(tmp_path / "box", {"effect": str(gain_pack(tmp_path / "g.hatpack"))}, 48000, 128)
    control = RecordingControl()
    create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=lambda c: None,
                                                    load_active=load_active))
    loads = [m for m in control.sent if m["op"] == "load"]
    assert len(loads) == (1 if load_active else 0)


@pytest.fixture
def box(device_run: Any) -> Any:
    """`hatbox device run --sim --seconds 0.6 --input in.wav --output out.wav --store store` and ``args`` (later ones
    win), in this process (tests/engine/box_run.py: a `python -m hatbox` per run until the p58 trim, whose start cost
    1.5-3 s of each run and checked nothing here; --seconds 1 then, the checks read the first half second)."""
    return lambda args: device_run(["--sim", "--seconds", "0.6", "--no-panel", "--no-midi", "--osc-port", "0",
                                    "--store", "store", "--input", "in.wav", "--output", "out.wav", *args])


def _peak(path: Path) -> float:
    y, _ = audiofile.read(path)
    return float(np.max(np.abs(y.reshape(-1)[RATE // 4:RATE // 2])))


def test_device_run_installs_effect_and_a_later_run_without_the_api_still_plays_it(tmp_path: Path, box: Any) -> None:
    """Before: --effect went to the engine only (the panel said "no effect pack active"), and a box started
    --no-api never loaded the store's active packs (the panel listed one as active; the engine played none)."""
    audiofile.write(tmp_path / "in.wav", tone(1.0, amp=0.5), RATE)
    pack = effect_pack(tmp_path / "g.hatpack", "gain", -6.0)
    r = box(["--no-api", "--effect", str(pack)])
    assert r.returncode == 0, r.stderr
    assert "effect: test-gain 0.1.0 (effect-test-gain-0.1.0-" in r.stdout and "installed and active" in r.stdout
    assert 0.2 < _peak(tmp_path / "out.wav") < 0.3                                   # -6 dB of 0.5
    assert PackStore(tmp_path / "store").active()["effect"].startswith("effect-test-gain-0.1.0-")
    r = box(["--no-api"])                                                             # no --effect: the active one
    assert r.returncode == 0, r.stderr
    assert 0.2 < _peak(tmp_path / "out.wav") < 0.3


def test_device_run_refuses_a_bad_given_pack_before_it_starts(tmp_path: Path, box: Any) -> None:
    audiofile.write(tmp_path / "in.wav", tone(0.2), RATE)
    (tmp_path / "junk.hatpack").write_text("not a pack")
    r = box(["--no-api", "--effect", "junk.hatpack"])
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--effect junk.hatpack refused by the box's check 'archive'" in r.stderr
    assert "hatbox engine:" not in r.stdout and not (tmp_path / "out.wav").exists()
    assert PackStore(tmp_path / "store").ids() == []


def test_a_store_that_cannot_take_the_pack_is_one_line_and_keeps_nothing(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import shutil as shutil_mod

    def full(src, dst, *a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil_mod, "copyfile", full)
    with pytest.raises(HatboxError) as err:
        install_given(tmp_path / "store", {"effect": str(gain_pack(tmp_path / "g.hatpack"))}, 48000, 128)
    assert "--effect g.hatpack passed every check but the store " in str(err.value)
    assert "No space left on device" in str(err.value) and "make room" in str(err.value)
    assert "its active packs are as they were" in str(err.value)
    store = PackStore(tmp_path / "store")
    assert store.ids() == [] and store.active()["effect"] is None and list(store.tmp.iterdir()) == []


def test_a_box_that_takes_only_signed_packs_plays_no_unsigned_pack_already_on_it(tmp_path: Path) -> None:
    """Before: --require-signature refused new uploads only; an unsigned pack installed earlier stayed active and
    playing, and could be made active again."""
    from tests.api.conftest import make_box
    first = gain_pack(tmp_path / "a.hatpack", "first", "1.0.0")
    second = gain_pack(tmp_path / "b.hatpack", "second", "1.0.0", seed=1)
    install_given(tmp_path / "box", {"effect": str(first)}, 48000, 128)
    install_given(tmp_path / "box", {"effect": str(second)}, 48000, 128)
    store = PackStore(tmp_path / "box")
    old, now = store.pointer().history["effect"][-1], store.active()["effect"]
    packs, warnings = engine_packs(tmp_path / "box", require_signature=True)
    assert packs == {} and len(warnings) == 1 and f"the active effect pack {now} is not signed" in warnings[0]
    assert "plays nothing while the box runs so, and the pack is kept: the next start without --require-signature " \
           "plays it again" in warnings[0]                                      # p57 F6: the record is kept
    assert PackStore(tmp_path / "box").active()["effect"] is None             # status, panel and API agree
    box = make_box(tmp_path, require_signature=True)
    assert [m for m in box.control.sent if m["op"] == "load"] == []          # the API loads no unsigned pack either
    r = box.client.post(f"/packs/{old}/activate", headers=box.auth)
    assert r.status_code == 409 and r.json()["error"] == "not signed" and "hatbox pack sign" in r.json()["hint"]
    r = box.client.post("/slots/effect/rollback", headers=box.auth)
    assert r.status_code == 409 and r.json()["error"] == "not signed"
    assert PackStore(tmp_path / "box").active()["effect"] is None             # the pointer as it was
    assert [m for m in box.control.sent if m["op"] == "load"] == []


def test_a_pack_signed_before_its_key_was_trusted_plays_once_the_key_is(tmp_path: Path) -> None:
    """Before: its install recorded "signed, but no trusted keys are installed", and a box started with
    --require-signature refused it for good (the signature was never checked again)."""
    from export.signing import generate_key, public_pem, sign_pack
    from tests.api.conftest import make_box
    key = generate_key()
    signed = sign_pack(gain_pack(tmp_path / "g.hatpack"), key, tmp_path / "signed.hatpack")
    install_given(tmp_path / "box", {"effect": str(signed)}, 48000, 128)        # no trusted key yet
    pid = PackStore(tmp_path / "box").active()["effect"]
    (tmp_path / "box" / "trusted_keys").mkdir()
    (tmp_path / "box" / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    played = {"effect": str(PackStore(tmp_path / "box").pack_path(pid))}
    assert engine_packs(tmp_path / "box", require_signature=True)[0] == played
    box = make_box(tmp_path, require_signature=True)
    assert [m["op"] for m in box.control.sent] == ["load"]
    assert box.client.post(f"/packs/{pid}/activate", headers=box.auth).status_code == 200


def test_an_effect_given_as_the_synth_is_called_an_effect_pack(tmp_path: Path) -> None:
    with pytest.raises(HatboxError, match=r"--synth g.hatpack is an effect pack, not a synth pack"):
        install_given(tmp_path / "store", {"synth": str(gain_pack(tmp_path / "g.hatpack"))}, 48000, 128)


def test_device_run_refuses_to_record_over_its_input(tmp_path: Path, box: Any) -> None:
    audiofile.write(tmp_path / "in.wav", tone(0.2), RATE)
    before = (tmp_path / "in.wav").read_bytes()
    r = box(["--no-api", "--output", "./in.wav"])
    assert r.returncode == 2 and "--output ./in.wav is the --input file" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "in.wav").read_bytes() == before


def test_two_given_packs_a_full_disk_on_the_second_leaves_neither_active(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the effect was installed and made active, then the synth's copy failed: a box that never started had
    switched its active effect."""
    import errno
    import shutil as shutil_mod
    real = shutil_mod.copyfile

    def full_for_the_synth(src, dst, *a, **kw):
        if str(src).endswith("synth-gm4.hatpack"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(shutil_mod, "copyfile", full_for_the_synth)
    with pytest.raises(HatboxError, match="--synth synth-gm4.hatpack passed every check but the store"):
        install_given(tmp_path / "store", {"effect": str(gain_pack(tmp_path / "g.hatpack")), "synth": str(SYNTH)},
                      48000, 128)
    assert PackStore(tmp_path / "store").active() == {"effect": None, "synth": None, "tagger": None}


@pytest.mark.parametrize("where,said", [("/dev/null", "--effect /dev/null: is not a regular file"),
                                        (".", "is a folder"), ("nope.hatpack", "no such file")])
def test_a_given_path_that_is_no_pack_file_is_said_plainly(tmp_path: Path, where: str, said: str) -> None:
    with pytest.raises(HatboxError) as err:
        install_given(tmp_path / "store", {"effect": where if where != "." else str(tmp_path)}, 48000, 128)
    assert said in str(err.value) and "give an effect pack file (.hatpack)" in str(err.value)


def test_a_store_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(HatboxError, match="--store .*afile/store cannot be used"):
        install_given(tmp_path / "afile" / "store", {}, 48000, 128)


@pytest.mark.parametrize("name", ["libraries", "packs"])
def test_a_file_where_the_store_keeps_a_folder_is_named_before_the_box_starts(tmp_path: Path, name: str,
                                                                              box: Any) -> None:
    """Before: a file named libraries let the box play without its API ("[Errno 17] File exists", no hint); one
    named packs stopped it with "--store X cannot be used: File exists", naming neither."""
    store = tmp_path / "store"
    store.mkdir()
    (store / name).write_text("hello")
    got = box(["--store", str(store), "--seconds", "0.1"])
    assert got.returncode == 2, got.stdout + got.stderr
    assert f"cannot be used: {store / name} is a file, where the box keeps its " in got.stderr
    assert "hint: move that file out of the way (the box makes the folder again)" in got.stderr
    assert (store / name).read_text() == "hello"


def test_a_folder_of_samples_given_as_the_store_is_said_and_left_as_it_is(tmp_path: Path, box: Any) -> None:
    """QA p25: --store pointed at a folder of WAVs (or a copy of packs/) became a store without a word."""
    store = tmp_path / "store"
    store.mkdir()
    for name in ("kick.wav", "snare.wav", "hat.wav", "tom.wav"):
        (store / name).write_bytes(b"RIFF")
    # --no-api: the warning is said before anything starts (hatbox/box_store_lock.store_usable) and box.lock makes
    # the folder a store with or without the API, whose start and stop took half of each run's 4-6 s
    got = box(["--store", str(store), "--seconds", "0.1", "--no-api"])
    assert f"warning: --store {store} holds hat.wav, kick.wav, snare.wav and 1 more and no box store yet" in got.stderr
    assert (store / "kick.wav").read_bytes() == b"RIFF"
    again = box(["--store", str(store), "--seconds", "0.1", "--no-api"])    # a store now: nothing more
    assert "no box store yet" not in again.stderr
