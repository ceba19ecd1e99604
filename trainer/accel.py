"""Where training runs: CPU by default, CUDA when present, several GPUs through torchrun.

torchrun sets RANK / WORLD_SIZE / LOCAL_RANK; :func:`setup` then joins the process group
(NCCL on CUDA, gloo on CPU) and each process trains on its own shard.  Without torchrun
everything is a plain single process.  Multi-GPU is NOT verified on hardware yet.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Dist:
    """This process's place in a (possibly 1-process) training job."""

    rank: int
    world: int
    device: torch.device

    @property
    def main(self) -> bool:
        return self.rank == 0


def pick_device(pref: str | None = None) -> torch.device:
    """``pref`` "cpu", "cuda", "cuda:N" or None (CUDA if available, else CPU)."""
    if pref:
        if pref.startswith("cuda") and not torch.cuda.is_available():
            from hatbox.errors import HatboxError
            raise HatboxError(f"--device {pref} asked for, but this machine has no CUDA GPU")
        return torch.device(pref)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def setup(pref: str | None = None) -> Dist:
    """Join torchrun's process group if launched by torchrun; otherwise a 1-process job."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Dist(0, 1, pick_device(pref))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available() and (pref is None or pref.startswith("cuda")):
        torch.cuda.set_device(local)
        device, backend = torch.device("cuda", local), "nccl"
    else:
        device, backend = torch.device("cpu"), "gloo"
    if not torch.distributed.is_initialized():
        torch.distributed.init_process_group(backend=backend)
    return Dist(torch.distributed.get_rank(), world, device)


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
