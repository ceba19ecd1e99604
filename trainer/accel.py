"""Where training runs: CPU by default, CUDA when present, several GPUs through torchrun.

torchrun sets RANK / WORLD_SIZE / LOCAL_RANK; :func:`setup` then joins the process group
(NCCL on CUDA, gloo on CPU) and each process trains on its own shard.  Without torchrun
everything is a plain single process.  CUDA and multi-GPU are NOT verified on hardware yet
(docs/cloud.md); the refusals below are tested with torch's CUDA queries stood in for.
"""
from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from hatbox.cli import torchrun_rank   # the one reading of RANK / WORLD_SIZE (torch-free: the CLI's too)
from hatbox.errors import HatboxError

DEVICES = "cpu, cuda, cuda:N (N: the GPU's number, from 0) or mps (Apple silicon)"
_CUDA = re.compile(r"cuda(?::(\d+))?")
NVIDIA_NODE = Path("/dev/nvidiactl")     # the NVIDIA driver's control node: this machine has an NVIDIA GPU


@dataclass(frozen=True)
class Dist:
    """This process's place in a (possibly 1-process) training job."""

    rank: int
    world: int
    device: torch.device

    @property
    def main(self) -> bool:
        return self.rank == 0


def cpu_only_build() -> bool:
    """True when the installed torch has no CUDA in it (``torch.version.cuda`` is None: a "+cpu" wheel)."""
    return getattr(torch.version, "cuda", None) is None


def no_cuda_words(pref: str) -> str:
    """Why ``--device PREF`` (cuda, cuda:N) cannot run here: a CPU-only torch build, or no GPU the CUDA build sees."""
    if cpu_only_build():
        return (f"--device {pref}: the installed torch is a CPU-only build ({torch.__version__}): on a GPU machine "
                f"install the CUDA build (see docs/cloud.md)")
    return (f"--device {pref}: no CUDA GPU found (torch {torch.__version__} is built for CUDA "
            f"{torch.version.cuda}, but sees no GPU: check that nvidia-smi lists one and that the driver is loaded)")


def check_device(pref: str) -> torch.device:
    """``pref`` as a device this machine can train on: "cpu", "cuda", "cuda:N" (N under the GPU count) or "mps"
    (when torch.backends.mps.is_available()); HatboxError, in words, for anything else."""
    if pref == "cpu":
        return torch.device("cpu")
    if pref == "mps":
        if not torch.backends.mps.is_available():
            raise HatboxError("--device mps: Apple's Metal (MPS) is not available here: it needs a Mac with Apple "
                              "silicon and a torch built for it", hint="--device cpu, or leave --device out")
        return torch.device("mps")
    match = _CUDA.fullmatch(pref)
    if not match:
        raise HatboxError(f"--device {pref!r} is not a device: {DEVICES}")
    if not torch.cuda.is_available():
        raise HatboxError(no_cuda_words(pref), hint="--device cpu trains on the CPU")
    count = torch.cuda.device_count()
    if match.group(1) is not None and int(match.group(1)) >= count:
        raise HatboxError(f"--device {pref}: this machine has {count} CUDA GPU{'s' if count != 1 else ''} "
                          f"(cuda:0{f' to cuda:{count - 1}' if count > 1 else ''})")
    return torch.device(pref)


def pick_device(pref: str | None = None) -> torch.device:
    """``pref`` "cpu", "cuda", "cuda:N", "mps" (checked by :func:`check_device`) or None (CUDA if available,
    else CPU)."""
    if pref:
        return check_device(pref)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _torchrun_device(pref: str | None, local: int) -> torch.device:
    """The device of the torchrun process of local rank ``local``: its own GPU when CUDA is asked for (or
    ``pref`` is None and CUDA is there), else the CPU; refused in :func:`check_device`'s words as one process is."""
    pref = pref or None
    if pref is not None:
        check_device(pref)
        if pref == "mps":
            raise HatboxError("--device mps runs one process: torchrun trains on CUDA GPUs (NCCL) or the CPU (gloo)")
        if pref.startswith("cuda:"):
            raise HatboxError(f"--device {pref} under torchrun: each process takes the GPU of its local rank",
                              hint="give --device cuda (or leave it out) and --nproc_per_node up to the GPU count")
    if pref == "cpu" or (pref is None and not torch.cuda.is_available()):
        return torch.device("cpu")
    count, local_world = torch.cuda.device_count(), int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    if local_world > count:         # every process sees the same counts, so every one refuses alike
        raise HatboxError(f"torchrun starts {local_world} processes on this machine, but it has {count} CUDA "
                          f"GPU{'s' if count != 1 else ''}: each process trains on a GPU of its own",
                          hint=f"torchrun --nproc_per_node {count}")
    return torch.device("cuda", local)


def _world() -> int:
    """How many processes train together: torchrun's WORLD_SIZE, 1 without torchrun."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def planned_device(pref: str | None = None) -> torch.device:
    """The device :func:`setup` will give this process, found (or refused, in words) before any work: under
    torchrun its local rank's GPU or the CPU, else :func:`pick_device`'s."""
    if _world() <= 1:
        return pick_device(pref)
    return _torchrun_device(pref, int(os.environ.get("LOCAL_RANK", "0")))


def setup(pref: str | None = None) -> Dist:
    """Join torchrun's process group if launched by torchrun; otherwise a 1-process job."""
    world = _world()
    device = planned_device(pref)
    if world <= 1:
        return Dist(0, 1, device)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if not torch.distributed.is_initialized():
        torch.distributed.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return Dist(torch.distributed.get_rank(), world, device)


def device_words(where: Dist | torch.device | str | None) -> str:
    """The device a run trains on, as the start line and the pack's metrics (``device``) say it: "cpu",
    "cuda:0 (NVIDIA H100 80GB HBM3)", "mps (Apple silicon)"; under torchrun "4 torchrun processes, the first on
    cuda:0 (NVIDIA H100 80GB HBM3)" (as the first process, the one that prints, says it).  ``where``: a
    :class:`Dist`, a device, or the --device asked for (a string or None: the device :func:`planned_device` gives,
    before :func:`setup`)."""
    if where is None or isinstance(where, str):
        where = Dist(torchrun_rank(), _world(), planned_device(where))
    dist = where if isinstance(where, Dist) else None
    device = dist.device if dist else where
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        said = f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    elif device.type == "mps":
        said = "mps (Apple silicon)"
    else:
        said = str(device.type)
    if not dist or dist.world <= 1:
        return said
    which = "the first" if dist.rank == 0 else f"number {dist.rank + 1}"
    return f"{dist.world} torchrun processes, {which} on {said}"


def idle_gpu_words(device: torch.device) -> str | None:
    """A note when a run trains on the CPU of a machine with an NVIDIA GPU because the installed torch is a
    CPU-only build (said by the start line); None otherwise."""
    if device.type != "cpu" or not cpu_only_build() or not NVIDIA_NODE.exists():
        return None
    return (f"this machine has an NVIDIA GPU, but the installed torch is a CPU-only build ({torch.__version__}): "
            f"this run trains on the CPU; install the CUDA build to use the GPU (see docs/cloud.md)")


def wrap(model: torch.nn.Module, dist: Dist) -> torch.nn.Module:
    """DistributedDataParallel when world > 1, the model itself otherwise."""
    if dist.world <= 1:
        return model
    ids = [dist.device.index] if dist.device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)


def mean_across(value: float, dist: Dist) -> float:
    """Average a scalar over all processes (identity for one process)."""
    if dist.world <= 1:
        return value
    t = torch.tensor([value], device=dist.device, dtype=torch.float64)
    torch.distributed.all_reduce(t)
    return float(t.item()) / dist.world


def teardown(dist: Dist) -> None:
    if dist.world > 1 and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
