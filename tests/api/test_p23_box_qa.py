"""The laptop's box commands after a hands-on QA pass (twenty-third stop): `box-pack ID --activate` and `box-pack
--rollback KIND` (going back to an older pack needed its .hatpack again); pushing the active pack again says it is
active (it said "activate it"); a box-settings file that is a folder or damaged is named (pairing crashed after the
box had spent its code; a damaged one read as "no box configured"); files a tagging left untagged are named after
`push-library --wait`; a `--tag` listing says when it stops at -k or finds nothing; hints quote paths with spaces;
`status` counts "1 pack"."""
from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer, start_remote_box
from tests.api.packs import gain_pack, tagger_pack


def _two_packs(tmp_path: Path, app) -> tuple[str, str]:
    assert main(["push", str(gain_pack(tmp_path / "old.hatpack", "fuzz", "1.0.0")), "--activate", "--quiet"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "new.hatpack", "fuzz", "2.0.0")), "--activate", "--quiet"]) == 0
    ids = {m["version"]: m["id"] for m in app.state.box.store.list()}
    return ids["1.0.0"], ids["2.0.0"]


def test_box_pack_activates_an_installed_pack_and_rolls_back(paired_server: PairedServer, tmp_path: Path,
                                                             capsys) -> None:
    old, new = _two_packs(tmp_path, paired_server.app)
    store = paired_server.app.state.box.store
    capsys.readouterr()
    assert main(["box-pack", old, "--activate"]) == 0
    assert f"is now the box's active effect pack (was {new}, activated by " in capsys.readouterr().out   # p45 words
    assert store.active()["effect"] == old
    assert main(["box-pack", old, "--activate"]) == 0
    assert "is already the box's active effect pack" in capsys.readouterr().out
    assert main(["box-pack", "--rollback", "effect"]) == 0
    assert f"the box's active effect pack is {new} again (was {old})" in capsys.readouterr().out
    assert store.active()["effect"] == new
    assert main(["box-pack", "--activate"]) == 2 and "which pack?" in capsys.readouterr().err


def test_pushing_the_active_pack_again_says_it_is_active(paired_server: PairedServer, tmp_path: Path,
                                                         capsys) -> None:
    pack = gain_pack(tmp_path / "my amp.hatpack", "amp", "1.0.0")
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push", str(pack), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "it was already on the box, and is its active effect pack" in out and "activate it" not in out
    other = gain_pack(tmp_path / "other amp.hatpack", "amp", "2.0.0")
    assert main(["push", str(other), "--quiet"]) == 0
    assert "make it active: hatbox box-pack effect-amp-2.0.0-" in capsys.readouterr().out


def test_status_counts_one_pack(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    assert main(["push", str(gain_pack(tmp_path / "a.hatpack")), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "1 pack installed" in out and "1 packs" not in out


def test_a_box_settings_folder_is_named_before_the_code_is_spent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys) -> None:
    running, codes, _control, _app = start_remote_box(tmp_path, monkeypatch)
    try:
        folder = tmp_path / "cfgdir"
        folder.mkdir()
        monkeypatch.setenv("HATBOX_CONFIG", str(folder))
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 2
        err = capsys.readouterr().err
        assert f"HATBOX_CONFIG {folder} is a folder, not a file" in err and "internal error" not in err
        monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "ok.json"))
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0   # the code still works
        damaged = tmp_path / "bad.json"
        damaged.write_text('{"url": ')
        monkeypatch.setenv("HATBOX_CONFIG", str(damaged))
        assert main(["status"]) == 2
        err = capsys.readouterr().err
        assert f"the box settings in {damaged} are damaged (not JSON)" in err and "pair again" in err
        token = json.loads((tmp_path / "ok.json").read_text())["token"]
        assert main(["status", "--url", running.url, "--token", token]) == 0   # flags need no settings file
    finally:
        running.stop()


def _kit(folder: Path) -> Path:
    folder.mkdir(parents=True)
    t = np.arange(24000) / 48000
    for i in range(3):
        sf.write(folder / f"hit {i}.wav", (0.5 * np.exp(-t * 30) * np.sin(2 * np.pi * (60 + 40 * i) * t)), 48000)
    sf.write(folder / "silence.wav", np.zeros(24000), 48000)
    return folder


def test_push_library_wait_names_what_was_not_tagged_and_tag_lists_say_where_they_stop(
        paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    kit = _kit(tmp_path / "my kit")
    assert main(["push-library", str(kit), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "  not tagged: silence.wav: silent" in out
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    assert main(["box-library", lid]) == 0
    top = capsys.readouterr().out.split()
    busiest, n = top[1], int(top[0])
    if n > 1:
        assert main(["box-library", lid, "--tag", busiest, "-k", "1"]) == 0
        assert f"... the first 1 of {n}: -k {n} lists them all" in capsys.readouterr().err
    for i in range(3):                                      # every file made a kick: no file carries snare
        assert main(["box-library", lid, "--fix", f"hit {i}.wav", "kick"]) == 0
    capsys.readouterr()
    assert main(["box-library", lid, "--tag", "snare"]) == 0
    assert "no file carries 'snare' (the library's tags: kick)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:                  # argparse's own refusal, before the box is asked
        main(["box-library", lid, "--unsure", "-k", "0"])
    assert exc.value.code == 2 and "0 is out of range: give 1 or more" in capsys.readouterr().err
    assert main(["push-library", str(kit), "--quiet"]) == 0                      # p45: a note, exit 0
    assert f"hatbox push-library '{kit}' --again" in capsys.readouterr().out      # quoted: the path has a space


def test_push_of_samples_points_at_push_library(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    import zipfile
    kit = _kit(tmp_path / "my kit")
    with zipfile.ZipFile(tmp_path / "kit.zip", "w") as zf:
        zf.write(kit / "hit 0.wav", "sub dir/hit 0.wav")
    for target, words in ((tmp_path / "kit.zip", "kit.zip is a zip of samples, not a pack; nothing was sent"),
                          (kit, "my kit is a folder, not a pack; nothing was sent")):
        assert main(["push", str(target), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert words in err and f"hatbox push-library {shlex.quote(str(target))}" in err, err   # was: "member name"
    assert paired_server.app.state.box.store.list() == []


@pytest.mark.parametrize(("given", "taken"), [("192.168.1.20:8750", "http://192.168.1.20:8750"),
                                              ("hatbox.local:8750", "http://hatbox.local:8750"),
                                              ("http://box:8750/", "http://box:8750")])
def test_an_address_without_http_is_taken_as_http(given: str, taken: str) -> None:
    from hatbox.cmd_remote import check_url
    assert check_url(given) == taken            # was: "is not a box address"


def test_an_address_with_a_path_names_the_address_to_give() -> None:
    from hatbox.cmd_remote import check_url
    from hatbox.errors import HatboxError
    with pytest.raises(HatboxError) as err:
        check_url("http://127.0.0.1:8750/docs")
    assert "has a path (/docs)" in str(err.value) and err.value.hint == "give http://127.0.0.1:8750"
    with pytest.raises(HatboxError, match="'nothing here' is not a box address"):
        check_url("nothing here")
