"""p42 cloud QA 1-2: --device in words (a CPU-only torch build vs no GPU, cuda:N, mps, anything else), the same
refusals under torchrun (no silent fall-back to the CPU), the device said in the start line and kept in the pack's
metrics.  There is no GPU here: torch's CUDA queries are stood in for (monkeypatch)."""
from __future__ import annotations

import argparse

import numpy as np
import pytest
import torch

from hatbox.errors import HatboxError
from trainer import accel


def _cpu_build(monkeypatch) -> None:
    monkeypatch.setattr(torch.version, "cuda", None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def _cuda_build(monkeypatch, gpus: int) -> None:
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: gpus > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: gpus)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=None: "NVIDIA H100 80GB HBM3")
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)


def _torchrun(monkeypatch, world: int = 2, rank: int = 0) -> None:
    for key, value in {"WORLD_SIZE": world, "RANK": rank, "LOCAL_RANK": rank, "LOCAL_WORLD_SIZE": world}.items():
        monkeypatch.setenv(key, str(value))


@pytest.mark.parametrize("pref", ["cuda", "cuda:0"])
def test_a_cpu_only_torch_build_is_named_not_a_missing_gpu(monkeypatch, pref):
    _cpu_build(monkeypatch)
    with pytest.raises(HatboxError) as err:
        accel.pick_device(pref)
    said = str(err.value)
    assert "CPU-only build" in said and torch.__version__ in said and "docs/cloud.md" in said
    assert "no CUDA GPU" not in said


def test_a_cuda_build_that_sees_no_gpu_says_so(monkeypatch):
    _cuda_build(monkeypatch, gpus=0)
    with pytest.raises(HatboxError, match="no CUDA GPU found") as err:
        accel.pick_device("cuda")
    assert "CPU-only" not in str(err.value) and "12.8" in str(err.value)


def test_cuda_n_past_the_gpu_count_is_refused(monkeypatch):
    _cuda_build(monkeypatch, gpus=2)
    assert accel.pick_device("cuda:1") == torch.device("cuda:1")
    with pytest.raises(HatboxError, match=r"has 2 CUDA GPUs \(cuda:0 to cuda:1\)"):
        accel.pick_device("cuda:2")


@pytest.mark.parametrize("pref", ["gpu", "cuda:x", "CPU", "cuda:", "tpu", "cuda:0:1"])
def test_anything_else_is_not_a_device(pref):
    with pytest.raises(HatboxError, match="is not a device: cpu, cuda, cuda:N"):
        accel.pick_device(pref)


def test_mps_only_where_metal_is_there(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(HatboxError, match="MPS"):
        accel.pick_device("mps")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert accel.pick_device("mps") == torch.device("mps")


def test_cpu_and_the_default(monkeypatch):
    _cpu_build(monkeypatch)
    assert accel.pick_device("cpu") == torch.device("cpu") and accel.pick_device(None) == torch.device("cpu")
    _cuda_build(monkeypatch, gpus=1)
    assert accel.pick_device(None) == torch.device("cuda")


def test_torchrun_refuses_cuda_on_a_cpu_build_in_the_same_words(monkeypatch):
    """It fell back to the CPU and gloo without a word (accel.py:46-50)."""
    _cpu_build(monkeypatch)
    _torchrun(monkeypatch)
    joined = []
    monkeypatch.setattr(torch.distributed, "init_process_group", lambda **kw: joined.append(kw))
    with pytest.raises(HatboxError) as err:
        accel.setup("cuda")
    with pytest.raises(HatboxError) as single:
        monkeypatch.setenv("WORLD_SIZE", "1")
        accel.setup("cuda")
    assert str(err.value) == str(single.value) and "CPU-only build" in str(err.value)
    assert joined == []


def test_torchrun_refuses_more_processes_than_gpus_and_cuda_n(monkeypatch):
    _cuda_build(monkeypatch, gpus=2)
    _torchrun(monkeypatch, world=4)
    with pytest.raises(HatboxError, match="4 processes .* 2 CUDA GPUs") as err:
        accel.planned_device("cuda")
    assert "--nproc_per_node 2" in str(err.value)
    _torchrun(monkeypatch, world=2)
    with pytest.raises(HatboxError, match="local rank"):
        accel.planned_device("cuda:1")
    with pytest.raises(HatboxError, match="one process"):
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
        accel.planned_device("mps")


def test_torchrun_on_gpus_joins_nccl_on_its_local_gpu(monkeypatch):
    _cuda_build(monkeypatch, gpus=2)
    _torchrun(monkeypatch, world=2, rank=1)
    joined, chosen = [], []
    monkeypatch.setattr(torch.cuda, "set_device", chosen.append)
    monkeypatch.setattr(torch.distributed, "is_initialized", lambda: False)
    monkeypatch.setattr(torch.distributed, "init_process_group", lambda **kw: joined.append(kw["backend"]))
    monkeypatch.setattr(torch.distributed, "get_rank", lambda: 1)
    dist = accel.setup(None)
    assert dist.device == torch.device("cuda", 1) and joined == ["nccl"] and chosen == [torch.device("cuda", 1)]
    assert accel.device_words(dist) == "2 torchrun processes, number 2 on cuda:1 (NVIDIA H100 80GB HBM3)"
    assert accel.device_words(accel.Dist(0, 2, torch.device("cuda", 0))) == \
        "2 torchrun processes, the first on cuda:0 (NVIDIA H100 80GB HBM3)"


def test_torchrun_on_the_cpu_asked_for_joins_gloo(monkeypatch):
    _cuda_build(monkeypatch, gpus=2)
    _torchrun(monkeypatch)
    joined = []
    monkeypatch.setattr(torch.distributed, "is_initialized", lambda: False)
    monkeypatch.setattr(torch.distributed, "init_process_group", lambda **kw: joined.append(kw["backend"]))
    monkeypatch.setattr(torch.distributed, "get_rank", lambda: 0)
    assert accel.setup("cpu").device == torch.device("cpu") and joined == ["gloo"]


def test_device_words(monkeypatch):
    assert accel.device_words(torch.device("cpu")) == "cpu"
    assert accel.device_words(accel.Dist(0, 1, torch.device("cpu"))) == "cpu"
    assert accel.device_words("cpu") == "cpu"
    _cuda_build(monkeypatch, gpus=1)
    assert accel.device_words(torch.device("cuda", 0)) == "cuda:0 (NVIDIA H100 80GB HBM3)"
    assert accel.device_words(None) == "cuda:0 (NVIDIA H100 80GB HBM3)"


def test_a_gpu_left_idle_by_a_cpu_build_is_noted(monkeypatch, tmp_path):
    _cpu_build(monkeypatch)
    node = tmp_path / "nvidiactl"
    monkeypatch.setattr(accel, "NVIDIA_NODE", node)
    assert accel.idle_gpu_words(torch.device("cpu")) is None
    node.write_text("")
    said = accel.idle_gpu_words(torch.device("cpu"))
    assert said is not None and "CPU-only build" in said and "docs/cloud.md" in said


def _parser():
    from hatbox.cli import build_parser
    return build_parser()


@pytest.mark.parametrize("device", ["cuda:1", "mps", "cpu"])
def test_effect_and_synth_take_the_same_device_strings(device):
    """`train effect --device cuda:1` was refused by argparse's choices while `train synth` took it."""
    parser = _parser()
    fx = parser.parse_args(["train", "effect", "d", "--out", "x.hatpack", "--device", device])
    sy = parser.parse_args(["train", "synth", "d", "--out", "x.hatpack", "--device", device])
    assert fx.device == sy.device == device


def test_train_effect_refuses_a_bad_device_in_words_before_any_work(monkeypatch, tmp_path):
    from hatbox import cmd_effect
    _cpu_build(monkeypatch)
    args = argparse.Namespace(set=[], threads=None, device="cuda:1", out=str(tmp_path / "x.hatpack"))
    with pytest.raises(HatboxError, match="CPU-only build"):
        cmd_effect.train(args)
    assert not (tmp_path / "x.hatpack").exists()


def test_train_synth_mps_is_refused_in_words_not_an_internal_error(tmp_path, capsys, monkeypatch):
    from hatbox.cli import main
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    (tmp_path / "notes" / "a").mkdir(parents=True)
    code = main(["train", "synth", str(tmp_path / "notes"), "--out", str(tmp_path / "s.hatpack"), "--device", "mps"])
    err = capsys.readouterr().err
    assert code == 2 and "MPS" in err and "internal error" not in err


def test_the_synth_start_line_names_the_device():
    from trainer.synth.data import Note
    from trainer.synth.train import plan_words
    notes = [Note("a", 60.0 + k, 100, np.zeros(8, np.float32)) for k in range(2)]
    assert plan_words(notes, [], 1.0, device="cpu").startswith("training 1 instrument for 1 min on cpu: a 2 notes")
    assert " on " not in plan_words(notes, [], 1.0).split(":")[0]


def test_a_synth_training_says_and_keeps_its_device(tmp_path):
    from tests.synth.test_input_checks import write_notes
    from trainer.synth.data import load_folder
    from trainer.synth.report import heldout_metrics
    from trainer.synth.train import train
    said: list[str] = []
    notes = load_folder(write_notes(tmp_path), 24000, 0.3)
    result, _tr, ho = train(notes, 1e-9, log_every_s=1e9, device="cpu", say=said.append)
    assert result.device == "cpu" and " for 0 s on cpu: " in said[0]
    assert heldout_metrics(result, ho)["device"] == "cpu"


def test_pack_inspect_says_the_device():
    from hatbox.cmd_pack import figure_lines
    assert "trained on cuda:0 (NVIDIA H100 80GB HBM3)" in figure_lines({"device": "cuda:0 (NVIDIA H100 80GB HBM3)"})
