"""p57 QA_D finding 8: after laptop-s5 deleted syn-s3, `box-pack syn-s3 --activate` said "the box has no pack
'syn-s3': did you mean 'syn-s5', 'syn-s4'?: laptop-s5 deleted it at 16:52" (the deletion read as the guesses'), and
`box-midi --program 20 syn-s3` gave the guesses with no word of the deletion.  Both now say the deletion right after
the name, with no guesses."""
from __future__ import annotations

from pathlib import Path

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _deleted_by_another(server: PairedServer, tmp_path: Path) -> None:
    """syn-s3, syn-s4 and syn-s5 pushed; syn-s3 deleted by a second laptop, laptop-s5."""
    import httpx
    for name in ("syn-s3", "syn-s4", "syn-s5"):
        assert main(["push", str(gain_pack(tmp_path / f"{name}.hatpack", name, "0.1.0")), "--quiet"]) == 0
    code = server.app.state.box.pairing.current()
    token = httpx.post(f"{server.running.url}/pair", json={"code": code, "name": "laptop-s5"}).json()["token"]
    pid = next(p["id"] for p in server.app.state.box.store.list() if p["name"] == "syn-s3")
    r = httpx.delete(f"{server.running.url}/packs/{pid}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code in (200, 204), r.text


def test_box_pack_says_the_deletion_first_and_no_guesses(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    _deleted_by_another(paired_server, tmp_path)
    capsys.readouterr()
    assert main(["box-pack", "syn-s3", "--activate"]) == 2
    err = capsys.readouterr().err
    assert "the box has no pack 'syn-s3': laptop-s5 deleted it at " in err and " s ago)" in err, err
    assert "did you mean" not in err


def test_box_midi_program_says_who_deleted_the_pack(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    _deleted_by_another(paired_server, tmp_path)
    capsys.readouterr()
    assert main(["box-midi", "--program", "20", "syn-s3"]) == 2
    err = capsys.readouterr().err
    assert "the box has no pack 'syn-s3': laptop-s5 deleted it at " in err and "did you mean" not in err, err


def test_a_name_never_on_the_box_still_gets_its_guesses(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    _deleted_by_another(paired_server, tmp_path)
    capsys.readouterr()
    assert main(["box-midi", "--program", "20", "syn-s6"]) == 2
    err = capsys.readouterr().err
    assert "the box has no pack 'syn-s6': did you mean " in err and "deleted" not in err, err
