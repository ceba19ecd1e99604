"""The ONNX exporters print none of the TorchScript exporter's routine notes (TracerWarning, "Constant
folding ..."), and only those are silenced: other warnings and real failures still come through."""
from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")

from export.pack import read_pack  # noqa: E402
from trainer.tagger.model import TaggerConfig, TaggerNet  # noqa: E402
from trainer.tagger.onnx_export import TaggerGraph, export_tagger, onnx_bytes  # noqa: E402
from trainer.tagger.train import new_stats_head  # noqa: E402

NOISE = ("TracerWarning", "Constant folding", "batch_size other than 1", "legacy TorchScript-based ONNX export")


def _tiny_exclusive_tagger() -> TaggerNet:
    """An exclusive two-tag tagger with its (unfitted) statistics head: the graph whose export traced
    Python values off tensors (TracerWarning) and strided slices ("Constant folding")."""
    torch.manual_seed(0)
    cfg = TaggerConfig(clip_samples=8000, channels=(8,), embed_dim=8, exclusive=True)
    net = TaggerNet(cfg, 2).eval()
    net.stats = new_stats_head(cfg, 2)
    return net


def _noise(records: list[warnings.WarningMessage]) -> list[str]:
    return [f"{w.category.__name__}: {w.message}" for w in records
            if issubclass(w.category, torch.jit.TracerWarning) or any(n in str(w.message) for n in NOISE)]


def test_a_tagger_export_prints_no_tracer_or_constant_folding_notes(tmp_path, recwarn, capfd) -> None:
    path = export_tagger(_tiny_exclusive_tagger(), ["kick", "hat"], tmp_path / "t.hatpack", name="t")
    assert _noise(list(recwarn)) == []
    out, err = capfd.readouterr()
    assert not any(n in out + err for n in NOISE), err
    assert read_pack(path).manifest.extras["stats_head"] is True


def test_the_synth_and_effect_exports_print_none_either(recwarn, capfd) -> None:
    from export import onnx_effect
    from tests.synth.conftest import small_model
    from trainer.effect.models import build
    from trainer.synth import onnx_export as onnx_synth
    onnx_synth.onnx_bytes(small_model().net)
    onnx_effect.to_onnx(build("gru", 2, hidden=8), 2)
    assert _noise(list(recwarn)) == []
    out, err = capfd.readouterr()
    assert not any(n in out + err for n in NOISE), err


def test_other_warnings_still_show_and_failures_still_raise(monkeypatch) -> None:
    from export.onnx_quiet import quiet_onnx_export
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with quiet_onnx_export():
            warnings.warn("a model's own warning", UserWarning)
            warnings.warn("a library's own deprecation", DeprecationWarning)
            warnings.warn("a trace note", torch.jit.TracerWarning)
    assert [str(w.message) for w in seen] == ["a model's own warning", "a library's own deprecation"]
    assert warnings.filters == before                                   # nothing silenced after the block

    def broken(self, audio):
        raise RuntimeError("the graph cannot be traced")
    monkeypatch.setattr(TaggerGraph, "forward", broken)
    with pytest.raises(RuntimeError, match="cannot be traced"):
        onnx_bytes(TaggerGraph(_tiny_exclusive_tagger()).eval())
