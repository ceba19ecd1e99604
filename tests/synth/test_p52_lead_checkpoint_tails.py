"""p52 (MF2's leftover): a synth checkpoint resumed keeps the envelope fit's release-tail counts, so a pack made from
it says "release tails on only 2 of 9 notes ... too few" as the training that wrote it did, not "no release tail"."""
from __future__ import annotations

from pathlib import Path

from trainer.synth.envelope_fit import EnvelopeFit, envelope_words
from trainer.synth.model import NeuralSynth, SynthConfig
from trainer.synth.train import TrainResult, load_checkpoint, save_checkpoint


def test_a_resumed_checkpoint_keeps_the_release_tail_counts(tmp_path: Path) -> None:
    fit = EnvelopeFit({"attack": 0.01, "decay": 0.0, "sustain": 1.0, "release": 0.25}, notes=9,
                      release_measured=False, instruments={"piano": {"attack": 0.01}}, measured_in=[],
                      tails={"piano": [2, 9]})
    cfg = SynthConfig(hidden=8, n_harmonics=4, n_noise=4, n_instruments=1)
    result = TrainResult(NeuralSynth(cfg), ["piano"], {}, envelope=fit)
    back = load_checkpoint(save_checkpoint(result, tmp_path / "ck.pt")).envelope
    assert back is not None and back.tails == {"piano": [2, 9]}
    assert envelope_words(back) == envelope_words(fit)
