"""Starting a tagger from a pack (trainer/tagger/transfer.py, bench/tagger_transfer.py): the pack's network
comes back exactly from its ONNX graph, keeps its batch-norm statistics while it trains, and packs that
cannot start a tagger are refused."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import soundfile as sf

torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")

from hatbox.errors import DataError, PackError
from trainer.tagger.data import Item

from .conftest import hiss, tag_tree, thump

CFG_KW = dict(clip_samples=8000, channels=(8, 16), embed_dim=16)


def _trained_looking_net(seed: int = 0):
    """A small tagger whose batch norms hold non-trivial statistics and affine terms, as after training."""
    from trainer.tagger.model import TaggerConfig, TaggerNet
    torch.manual_seed(seed)
    net = TaggerNet(TaggerConfig(**CFG_KW), 2)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-2, 2)
                m.running_var.uniform_(0.5, 3)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    return net.eval()


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    from trainer.tagger.onnx_export import export_tagger
    return export_tagger(_trained_looking_net(), ["kick", "hat"], tmp_path_factory.mktemp("tr") / "drums.hatpack",
                         name="drums")


def _audio(n: int = 4, length: int = 8000) -> np.ndarray:
    return (np.random.default_rng(1).standard_normal((n, length)) * 0.3).astype(np.float32)


def test_a_started_net_computes_the_packs_embedding_and_gets_a_fresh_last_layer(pack):
    from trainer.tagger.model import TaggerNet
    from trainer.tagger.transfer import read_backbone, start_from
    bb = read_backbone(pack)
    assert bb.name == "drums" and [w.shape for w, _ in bb.convs] == [(8, 1, 3, 3), (16, 8, 3, 3)]
    net = start_from(TaggerNet(bb.config, 5), bb).eval()
    x = _audio()
    sess = ort.InferenceSession(zipfile.ZipFile(pack).read("model.onnx"))
    want = sess.run(["embedding"], {"audio": x})[0]
    with torch.no_grad():
        logits, emb = net(torch.from_numpy(x))
    np.testing.assert_allclose(emb.numpy(), want, atol=1e-4, rtol=1e-4)
    assert logits.shape == (4, 5)                      # five new words: the head is the new net's own
    fresh = TaggerNet(bb.config, 5).eval()             # and without the pack the embedding differs
    with torch.no_grad():
        assert np.abs(fresh(torch.from_numpy(x))[1].numpy() - want).max() > 0.1


def test_training_a_started_net_keeps_its_batch_norm_statistics(pack):
    from trainer.tagger.model import TaggerNet
    from trainer.tagger.transfer import read_backbone, start_from
    net = start_from(TaggerNet(read_backbone(pack).config, 2), read_backbone(pack))
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    before = [m.running_mean.clone() for m in bns]
    net.train()
    assert net.training and net.drop.training and not any(m.training for m in bns)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    logits, _ = net(torch.from_numpy(_audio()))
    logits.sum().backward()
    opt.step()
    assert all(torch.equal(a, m.running_mean) for a, m in zip(before, bns))
    assert net.body[0][0].weight.grad is not None       # the convolutions still learn


def test_a_fresh_net_still_updates_its_batch_norm_statistics():
    from trainer.tagger.model import TaggerConfig, TaggerNet
    net = TaggerNet(TaggerConfig(**CFG_KW), 2).train()
    bn = net.body[0][1]
    before = bn.running_mean.clone()
    net(torch.from_numpy(_audio()))
    assert bn.training and not torch.equal(before, bn.running_mean)


def test_a_net_of_another_shape_refuses_the_pack(pack):
    from trainer.tagger.model import TaggerConfig, TaggerNet
    from trainer.tagger.transfer import read_backbone, start_from
    with pytest.raises(DataError, match="built differently.*channels"):
        start_from(TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 32), embed_dim=16), 2), read_backbone(pack))


def test_packs_that_cannot_start_a_tagger_are_refused(pack, tmp_path):
    from trainer.tagger.transfer import read_backbone
    with pytest.raises(PackError):
        read_backbone(tmp_path / "missing.hatpack")
    broken = tmp_path / "broken.hatpack"
    broken.write_bytes(pack.read_bytes()[:2000])       # an interrupted download
    with pytest.raises(PackError):
        read_backbone(broken)
    other = tmp_path / "other.hatpack"                  # a valid pack, but of another kind
    _rewrite_manifest(pack, other, lambda m: m.update(kind="effect"))
    with pytest.raises(DataError, match="effect pack"):
        read_backbone(other)
    old = tmp_path / "old.hatpack"
    _rewrite_manifest(pack, old, lambda m: m["extras"].pop("config"))
    with pytest.raises(DataError, match="does not say how its network is built"):
        read_backbone(old)


def _rewrite_manifest(src, dst, change) -> None:
    """Copy pack ``src`` to ``dst`` with ``change`` applied to its manifest (checksums still valid:
    they cover the other members)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "manifest.json":
                m = json.loads(data)
                change(m)
                data = json.dumps(m).encode()
            zout.writestr(info, data)


@pytest.fixture
def words(tmp_path):
    return tag_tree(tmp_path / "words", {"boom": thump, "tss": hiss}, 5)


def test_training_from_a_pack_takes_its_network_and_learns_the_new_words(pack, words, tmp_path):
    from trainer.tagger.data import load_clips, load_items
    from trainer.tagger.train import TrainOptions, predict, train
    from trainer.tagger.transfer import FINE_TUNE_LR, config_for, read_backbone, start_from
    bb = read_backbone(pack)
    # 30 steps: boom's probability 0.77-0.79 on the new booms, 0.25-0.29 on the new tss (seeds 0-2; 60 steps:
    # 0.77-0.82 and 0.19-0.27, 20 steps: as 30)
    res = train(load_items(words), config_for(bb), TrainOptions(steps=30, lr=FINE_TUNE_LR, threads=1, progress=False),
                init=lambda net: start_from(net, bb))
    assert res.net.cfg.channels == (8, 16) and res.net.cfg.clip_samples == 8000     # the pack's network
    assert res.net.keep_norms and res.tags == ["boom", "tss"]
    fresh = [Item(_write(tmp_path, f"b{i}.wav", thump(22050, seed=40 + i)), ("boom",)) for i in range(3)] + \
            [Item(_write(tmp_path, f"t{i}.wav", hiss(22050, seed=40 + i)), ("tss",)) for i in range(3)]
    probs, _ = predict(res.net, load_clips(fresh, 32000, 8000))
    assert list(probs.argmax(axis=1)) == [0, 0, 0, 1, 1, 1]


def _write(tmp_path, name, audio):
    path = tmp_path / name
    sf.write(path, audio, 22050)
    return path


def test_the_benchmarks_words_come_from_the_instrument_names():
    import importlib.util
    import sys
    from pathlib import Path
    bench = Path(__file__).parents[2] / "bench"
    sys.path.insert(0, str(bench))
    try:
        spec = importlib.util.spec_from_file_location("tagger_transfer", bench / "tagger_transfer.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(bench))
    cases = {("hihat", "Hi-Hat Pedal (Paiste Alpha Metal Edge 14\")"): "pedal hat", ("hihat", "Open HH"): "open hat",
             ("hihat", "Sabian Hat Semi-Open"): "open hat", ("hihat", "VariBreaks Hat 1 Cl"): "closed hat",
             ("hihat", "Sabian Hat Choke"): None, ("cymbal", "Ride Jazz"): "ride", ("cymbal", "Paiste Bell"): "ride",
             ("cymbal", "Crash/Ride (Paiste Rude Crash/Ride 18\")"): None, ("cymbal", "Sabian Crash Flink"): "crash",
             ("cymbal", "Zildjian Splash Choke"): "splash", ("cymbal", "China (Paiste Alpha 18\")"): "splash",
             ("percussion", "Hand Clap"): "clap", ("percussion", "G#4 - Cowbell"): "cowbell",
             ("percussion", "Djembe1 Slap"): None, ("kick", "Kick Open"): None}
    assert {k: mod.word_for(*k) for k in cases} == cases
