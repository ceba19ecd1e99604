"""p50 M3 (review of FE's push changes): a Ctrl-C while `push --activate` makes a pack already on the box active is
said as the box may have made it active (it said "nothing was sent"), with the way back; push reads the pack whole
once per check (not a third time for its kind) and the box's pack list once; the upload's Ctrl-C is reworded from
what was sent (box_client.UploadInterrupted), not from its sentence.  A real box on a loopback port."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from hatbox import box_client, box_packs
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _push(*words: str) -> int:
    return main(["push", *words, "--quiet"])


def _ctrl_c_after_the_activation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The box answers POST /packs/ID/activate, and Ctrl-C comes as it does."""
    real = box_packs._call

    def call(client: Any, method: str, path: str, *a: Any, **k: Any) -> Any:
        out = real(client, method, path, *a, **k)
        if method == "POST" and path.endswith("/activate"):
            raise KeyboardInterrupt
        return out
    monkeypatch.setattr(box_packs, "_call", call)


def _active_names(paired_server: PairedServer) -> list[str]:
    return [p["name"] for p in paired_server.app.state.box.store.list() if p["active"]]


def test_ctrl_c_as_a_pack_on_the_box_is_made_active_says_it_may_be_active(paired_server: PairedServer, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         capsys) -> None:
    assert _push(str(gain_pack(tmp_path / "old.hatpack", "oldfx", "1.0.0")), "--activate") == 0
    old = next(p["id"] for p in paired_server.app.state.box.store.list() if p["active"])
    new = gain_pack(tmp_path / "new.hatpack", "newfx", "1.0.0")
    assert _push(str(new)) == 0                                 # on the box, not active
    capsys.readouterr()
    _ctrl_c_after_the_activation(monkeypatch)
    assert _push(str(new), "--activate") == 130
    err = capsys.readouterr().err
    assert _active_names(paired_server) == ["newfx"]            # the box did make it active
    assert "nothing was sent): the box may have made it active: see hatbox box-pack" in err
    assert "before the pack was sent" not in err
    assert f"to go back to oldfx 1.0.0 (active before): hatbox box-pack {old} --activate" in err


def test_ctrl_c_as_a_pack_on_the_box_is_made_active_with_none_active_before(paired_server: PairedServer,
                                                                            tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            capsys) -> None:
    new = gain_pack(tmp_path / "new.hatpack", "newfx", "1.0.0")
    assert _push(str(new)) == 0
    capsys.readouterr()
    _ctrl_c_after_the_activation(monkeypatch)
    assert _push(str(new), "--activate") == 130
    err = capsys.readouterr().err
    assert "the box may have made it active" in err and "hatbox box-pack --deactivate effect" in err


def _record(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the laptop does, in order: "GET /packs", "POST /packs", "read_pack" (a whole read of a pack)."""
    import export.pack
    seen: list[str] = []
    send, read = httpx.Client.send, export.pack.read_pack

    def sent(self: httpx.Client, request: httpx.Request, **k: Any) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return send(self, request, **k)

    def read_pack(*a: Any, **k: Any) -> Any:
        seen.append("read_pack")
        return read(*a, **k)
    monkeypatch.setattr(httpx.Client, "send", sent)
    monkeypatch.setattr(export.pack, "read_pack", read_pack)
    return seen


@pytest.mark.parametrize("activate", [False, True])
def test_push_reads_the_pack_and_the_box_list_once_each_before_sending(paired_server: PairedServer, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       activate: bool) -> None:
    assert _push(str(gain_pack(tmp_path / "old.hatpack", "oldfx", "1.0.0")), "--activate") == 0
    seen = _record(monkeypatch)
    new = gain_pack(tmp_path / "new.hatpack", "newfx", "1.0.0")
    assert _push(str(new), *(["--activate"] if activate else [])) == 0
    before = seen[:seen.index("POST /packs")]
    assert before.count("GET /packs") == 1
    assert before.count("read_pack") == 2                  # check_pack_opens and check_box_takes, no third read
    assert _active_names(paired_server) == (["newfx"] if activate else ["oldfx"])


def test_ctrl_c_part_way_through_a_pack_whose_name_says_after_all_of(paired_server: PairedServer, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys) -> None:
    chunks = box_client._chunks

    def part_then_ctrl_c(*args: Any) -> Iterator[bytes]:
        for i, chunk in enumerate(chunks(*args)):
            if i == 1:                                  # the first MiB went: the upload is cut short
                raise KeyboardInterrupt
            yield chunk
    monkeypatch.setattr(box_client, "_chunks", part_then_ctrl_c)
    pack = gain_pack(tmp_path / "take after all of it.hatpack", "takefx", "1.0.0", pad_bytes=2 << 20)
    assert _push(str(pack), "--activate") == 130
    err = capsys.readouterr().err
    assert "after 1.0 MiB of" in err and "the box keeps nothing of an upload cut short" in err
    assert "may still install it" not in err


def test_the_upload_interruption_carries_what_was_sent(tmp_path: Path) -> None:
    up = box_client._Upload("fx.hatpack", 3 << 20, "hatbox box-pack", sent=1 << 20)
    exc = box_client.UploadInterrupted("interrupted (Ctrl-C) after 1.0 MiB of 3.0 MiB of fx.hatpack", up, "Ctrl-C")
    assert (exc.name, exc.sent, exc.size, exc.how, exc.done) == ("fx.hatpack", 1 << 20, 3 << 20, "Ctrl-C", False)
    assert exc.exit_code == 130
    up.sent = up.size
    assert box_client.UploadInterrupted("x", up, "SIGTERM").done


def test_the_way_back_from_a_first_tagger_says_its_libraries_stay_tagged() -> None:
    assert box_packs._way_back("tagger", []) == ("to empty the slot again: hatbox box-pack --deactivate tagger (the "
                                                 "libraries it started tagging stay tagged by it)")
    assert box_packs._way_back("effect", []) == "to empty the slot again: hatbox box-pack --deactivate effect"
