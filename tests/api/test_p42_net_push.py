"""p42 network QA, `hatbox push`: a pack `hatbox pack inspect` says the box would refuse (NaN in its golden output)
is refused before a byte is sent; a pack the box holds already (a push whose connection broke after the last byte)
is not sent again: the box's list of packs is read first, and with --activate the pack it holds is made active."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from export.pack import golden_bytes, write_pack
from hatbox import cmd_remote
from hatbox.cli import main
from tests.api.conftest import PairedServer, spy_uploads
from tests.api.packs import gain_manifest, gain_model, gain_pack


def _nan_pack(path: Path) -> Path:
    """A gain pack that opens (its checksums hold) whose golden output holds NaN."""
    rng = np.random.default_rng(0)
    x, k = rng.uniform(-1, 1, (1, 256)).astype(np.float32), rng.uniform(0, 1, (1, 256, 1)).astype(np.float32)
    y = (x * k[..., 0] * np.float32(2.0)).astype(np.float32)
    y[0, 10] = np.nan
    golden = golden_bytes({"audio_in": x, "knobs": k, "state_in": np.zeros((1, 1), np.float32)},
                          {"audio_out": y, "state_out": x[:, -1:]})
    return write_pack(path, gain_manifest("nanny", "1.0.0"), {"model.onnx": gain_model(), "golden.npz": golden})


def test_a_pack_the_box_would_refuse_is_not_sent(tmp_path: Path, paired_server: PairedServer,
                                                 monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    made = spy_uploads(monkeypatch, cmd_remote)
    assert main(["push", str(_nan_pack(tmp_path / "nanny.hatpack")), "--activate"]) == 2
    err = capsys.readouterr().err
    assert made == [], err
    assert "the box would refuse nanny.hatpack (golden check" in err and "nothing was sent" in err, err
    assert "build the pack again" in err
    assert not paired_server.app.state.box.store.ids()


def test_a_pack_on_the_box_already_is_not_sent_again(tmp_path: Path, paired_server: PairedServer,
                                                     monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    pack = gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")
    assert main(["push", str(pack)]) == 0
    made = spy_uploads(monkeypatch, cmd_remote)
    capsys.readouterr()
    assert main(["push", str(pack)]) == 0
    out = capsys.readouterr().out
    assert made == [] and "was on the box already" in out and "nothing was sent again" in out, out
    assert "make it active: hatbox box-pack effect-good-1.0.0-" in out
    assert main(["push", str(pack), "--activate"]) == 0          # still made active, still not sent
    out = capsys.readouterr().out
    assert made == [] and "is now the box's active effect pack" in out, out
    store = paired_server.app.state.box.store
    assert store.active()["effect"] in store.ids()
    assert main(["push", str(gain_pack(tmp_path / "other.hatpack", "good", "1.0.1"))]) == 0
    assert len(made) == 1                                         # another pack is sent
