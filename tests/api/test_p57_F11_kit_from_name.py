"""p57 QA_D 10 and 9, the laptop's side: five laptops' libraries called "kit".  After laptop-s5 deleted laptop-s1's
"kit", `box-kit --from kit --yes` on laptop-s1 built the whole kit from laptop-s4's "kit" with a note and exit 0.
It refuses now (exit 2, the kit as it was) when the name picks only other laptops' libraries and a library of the
name was just deleted, or when several other laptops' libraries share it: the id picks one.  A note of a deleted
library in `box-kit` names its id."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from hatbox.errors import HatboxError
from hatbox.kit_words import deleted_error, silenced_lines
from tests.api.conftest import PairedServer, wav_bytes, zip_bytes
from tests.api.test_p43_duo_cli import _id, _libraries
from tests.cli_run import run as _run


def _other(server: PairedServer, name: str = "laptop-s4") -> dict[str, str]:
    code = server.app.state.box.pairing.current()
    r = httpx.post(f"{server.running.url}/pair", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _their_kit(server: PairedServer, who: dict[str, str]) -> str:
    """A library called "kit" uploaded by the other laptop, tagged, its boom.wav corrected to kick: its id."""
    url = server.running.url
    r = httpx.post(f"{url}/libraries", params={"name": "kit"}, headers=who, timeout=60,
                   content=zip_bytes({"kit/boom.wav": wav_bytes(4800)}))
    assert r.status_code == 201, r.text
    lid = r.json()["id"]
    for _ in range(400):                                 # its tagging ended (20 s at most)
        if httpx.get(f"{url}/libraries/{lid}", headers=who).json()["state"] != "tagging":
            break
        time.sleep(0.05)
    put = httpx.put(f"{url}/libraries/{lid}/files/tags", json={"path": "kit/boom.wav", "tags": ["kick"]}, headers=who)
    assert put.status_code == 200, put.text
    return lid


def _kit(server: PairedServer) -> list[int]:
    return sorted(server.app.state.box.kit.notes)


def test_from_a_name_only_another_laptop_holds_after_yours_was_deleted_refuses(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    _libraries(tmp_path, "kit")                          # this laptop's "kit"
    mine = _id(paired_server, "kit")
    s4 = _other(paired_server)
    theirs = _their_kit(paired_server, s4)
    s5 = _other(paired_server, "laptop-s5")
    assert httpx.delete(f"{paired_server.running.url}/libraries/{mine}", headers=s5).status_code == 204
    rc, out, err = _run(capsys, "box-kit", "--from", "kit", "--yes")
    assert rc == 2 and _kit(paired_server) == [], (out, err)
    assert f"library 'kit' ({mine}) was deleted: laptop-s5 deleted it at " in err, err
    assert f"the only library called 'kit' now is laptop-s4's ({theirs}), not yours: the kit is as it was" in err
    assert f"hatbox box-kit --from {theirs}" in err, err
    rc, out, err = _run(capsys, "box-kit", "--from", theirs, "--yes")          # its id picks it
    assert rc == 0 and _kit(paired_server) == [36], (out, err)


def test_from_a_name_several_other_laptops_share_refuses(tmp_path: Path, paired_server: PairedServer,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    _libraries(tmp_path)                                 # the tagger only
    s4, s2 = _other(paired_server), _other(paired_server, "laptop-s2")
    one, two = _their_kit(paired_server, s4), _their_kit(paired_server, s2)
    rc, out, err = _run(capsys, "box-kit", "--from", "kit", "--yes")
    assert rc == 2 and _kit(paired_server) == [], (out, err)
    assert "none of the 2 libraries called 'kit' is yours" in err and one in err and two in err, err
    assert "laptop-s4's" in err and "laptop-s2's" in err


def test_a_deleted_library_is_named_by_its_id_in_box_kit_and_the_race_error() -> None:
    kit: dict[str, Any] = {"silenced": [{"library": "lib-kit-fa3293", "library_name": "kit", "by": "laptop-s5",
                                         "by_you": False, "when": 0, "notes": [{"note": 36, "file": "k.wav"}]}]}
    assert silenced_lines(kit)[0].startswith("note: library kit (lib-kit-fa3293) was deleted by 'laptop-s5'")
    said = deleted_error(HatboxError("the box says: not found"), {"id": "lib-kit-fa3293", "name": "kit"})
    assert str(said).startswith("library kit (lib-kit-fa3293) was deleted; the kit is as it was"), said
