"""Start a new tagger from an existing tagger pack's network (transfer learning), for
bench/tagger_transfer.py: does a producer's handful of examples for new words go further from the
factory tagger's network than from scratch?  Measured on eight finer drum words (closed / open / pedal
hat, crash, ride, splash, clap, cowbell) on unseen kits: no (level with 5 examples a word, lower with all
of them; docs/tagger-probes.md, eleventh stop), so `hatbox train tagger` does not offer it.

A pack holds no torch weights, only the ONNX graph, where the exporter has folded each convolution's
batch norm into the convolution (a weight [C_out, C_in, 3, 3] and a bias [C_out]).  :func:`read_backbone`
reads those back; :func:`start_from` puts them into a fresh :class:`TaggerNet` of the same shape, with
each block's batch norm set to pass the folded bias through (the started net computes the pack's
embedding exactly), and by default asks the net to keep its batch-norm statistics while it trains
(``keep_norms``): a pack's folded layers have no batch statistics to re-estimate from a few examples.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from hatbox.errors import DataError
from trainer.tagger.model import TaggerConfig, TaggerNet

# Learning rate when starting from a pack: a third of a fresh network's (TrainOptions.lr), so the
# first steps, driven by a randomly initialised last layer, do not undo what the pack learnt.  (The
# benchmark's --train-norms --lr 3e-3 treats the pack as an initialisation only.)
FINE_TUNE_LR = 1e-3
# the TaggerConfig fields that decide the shape of the network a pack's layers fit into
NETWORK_FIELDS = ("spec", "clip_samples", "channels", "embed_dim", "band_norm", "freq_norm_blocks", "level_norm")


@dataclass(frozen=True)
class Backbone:
    """What a new tagger takes from a pack: its configuration, the input normalisation
    (name -> array, as in ``TaggerNet.norm``'s state dict), the folded convolutions (weight
    [C_out, C_in, 3, 3], bias [C_out]) per block, and the embedding layer (weight [E, 2 C], bias [E])."""

    name: str
    config: TaggerConfig
    norm: dict[str, np.ndarray]
    convs: list[tuple[np.ndarray, np.ndarray]]
    embed: tuple[np.ndarray, np.ndarray]


def read_backbone(path: str | Path) -> Backbone:
    """The network of the tagger pack at ``path``.  Raises PackError (not a readable pack) or
    DataError (a pack of another kind, or one whose graph does not hold a tagger network)."""
    import onnx
    from onnx import numpy_helper

    from export.pack import read_pack
    pack = read_pack(path)
    m = pack.manifest
    if m.kind != "tagger":
        raise DataError(f"{path} is a {m.kind} pack, not a tagger pack")
    if "config" not in m.extras:
        raise DataError(f"{path} does not say how its network is built (an older pack)",
                        hint="retrain it with this version of hatbox")
    cfg = TaggerConfig.from_dict(m.extras["config"])
    graph = onnx.load_from_string(pack.model_bytes).graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    convs = []
    for node in graph.node:
        w = inits.get(node.input[1]) if node.op_type == "Conv" and len(node.input) > 1 else None
        if w is not None and w.ndim == 4 and w.shape[2:] == (3, 3):
            b = inits.get(node.input[2]) if len(node.input) > 2 else None
            convs.append((w.copy(), (b if b is not None else np.zeros(w.shape[0], np.float32)).copy()))
    prefix = "net.norm.bn." if cfg.band_norm else "net.norm."
    norm = {k[len(prefix):]: inits[k].copy() for k in inits if k.startswith(prefix)}
    embed = (inits.get("net.embed.weight"), inits.get("net.embed.bias"))
    chans = (1, *cfg.channels)
    shapes_ok = (len(convs) == len(cfg.channels)
                 and all(w.shape == (c_out, c_in, 3, 3) and b.shape == (c_out,)
                         for (w, b), c_in, c_out in zip(convs, chans[:-1], chans[1:]))
                 and embed[0] is not None and embed[0].shape == (cfg.embed_dim, 2 * chans[-1])
                 and embed[1] is not None and {"weight", "bias", "running_mean", "running_var"} <= set(norm))
    if not shapes_ok:
        raise DataError(f"{path}: its graph does not hold the tagger network its manifest describes",
                        hint="a pack written by another tool or version of hatbox")
    return Backbone(m.name, cfg, norm, convs, (embed[0].copy(), embed[1].copy()))


def config_for(bb: Backbone, cfg: TaggerConfig | None = None) -> TaggerConfig:
    """``cfg`` (default TaggerConfig()) with the network settings of ``bb`` (front-end, clip length,
    channels, embedding size, input normalisation): a config whose net :func:`start_from` accepts."""
    return replace(cfg or TaggerConfig(), **{k: getattr(bb.config, k) for k in NETWORK_FIELDS})


def compatible(cfg: TaggerConfig, bb: Backbone) -> None:
    """Raise DataError unless a network of ``cfg`` can take ``bb``'s layers (same front-end, clip
    length, channels, embedding size and input normalisation)."""
    diff = [k for k in NETWORK_FIELDS if getattr(cfg, k) != getattr(bb.config, k)]
    if diff:
        raise DataError(f"the pack {bb.name!r} was built differently ({', '.join(diff)})",
                        hint="start from a pack trained by this version of `hatbox train tagger`")


@torch.no_grad()
def start_from(net: TaggerNet, bb: Backbone, embed: bool = True, keep_norms: bool = True) -> TaggerNet:
    """Load ``bb`` into ``net`` (whose last layer stays fresh; the embedding layer too unless ``embed``)
    and set ``net.keep_norms``; returns ``net``."""
    compatible(net.cfg, bb)
    norm = net.norm.bn if net.cfg.band_norm else net.norm
    for k, v in bb.norm.items():
        getattr(norm, k).copy_(torch.from_numpy(v))
    for blk, (w, b) in zip(net.body, bb.convs):
        conv, bn = blk[0], blk[1]
        conv.weight.copy_(torch.from_numpy(w))
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0 - bn.eps)            # (x - 0) / sqrt(1) * 1 + b: the folded bias, exactly
        bn.weight.fill_(1.0)
        bn.bias.copy_(torch.from_numpy(b))
    if embed:
        net.embed.weight.copy_(torch.from_numpy(bb.embed[0]))
        net.embed.bias.copy_(torch.from_numpy(bb.embed[1]))
    net.keep_norms = keep_norms
    return net
