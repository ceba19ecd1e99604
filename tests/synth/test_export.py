"""The synth pack: ONNX reproduces torch frame by frame with explicit state; manifest and extras."""
from __future__ import annotations

import numpy as np
import torch

from device.audio.runtime import check_golden, make_session
from export.pack import Pack
from tests.synth.conftest import NAMES, small_model


def test_pack_golden_and_extras(synth_pack: Pack) -> None:
    m = synth_pack.manifest
    assert m.kind == "synth" and m.extras["names"] == NAMES
    emb = synth_pack.array(m.extras["embeddings"])
    np.testing.assert_allclose(emb, small_model().embed.weight.detach().numpy(), atol=1e-7)
    sess = make_session(synth_pack.model_bytes)
    ins, outs = synth_pack.golden()
    assert check_golden(sess, ins, outs, *synth_pack.golden_tolerance()) < 1e-4


def test_onnx_steps_match_torch_sequence(synth_pack: Pack) -> None:
    """Running the exported step with its state fed back equals the torch GRU over the whole sequence."""
    model = small_model()
    sess = make_session(synth_pack.model_bytes)
    rng = np.random.default_rng(0)
    b, t = 3, 12
    pitch = np.repeat(rng.uniform(50, 80, (b, 1, 1)), t, axis=1).astype(np.float32)
    loud = rng.uniform(-60, -10, (b, t, 1)).astype(np.float32)
    z = np.repeat(rng.normal(size=(b, 1, 8)), t, axis=1).astype(np.float32)
    with torch.no_grad():
        want, _, _ = model.net(*(torch.from_numpy(a) for a in (pitch, loud, z)), torch.zeros(1, b, 32))
    h = np.zeros((b, 32), np.float32)
    for i in range(t):
        harm, _, h = sess.run(None, {"pitch": pitch[:, i], "loudness": loud[:, i], "timbre": z[:, i], "h_in": h})
        np.testing.assert_allclose(harm, want[:, i].numpy(), atol=1e-5, rtol=1e-3)
