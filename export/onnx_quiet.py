"""The TorchScript ONNX exporter's routine notes, silenced around one export call and nowhere else.

``torch.onnx.export(..., dynamo=False)`` traces the model and prints notes that say nothing to a
musician (the packs' golden snapshots check the traced graph instead): TracerWarning for every Python
value read off a tensor, "Constant folding ... not applied" for strided slices, the "batch_size other
than 1 ... with GRU/LSTM" remark and the legacy exporter's deprecation notices.  Only those are
filtered; any other warning still shows, and errors raise as usual.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import torch

# (category, message regex, module regex) as for warnings.filterwarnings
EXPORT_NOTES: tuple[tuple[type[Warning], str, str], ...] = (
    (torch.jit.TracerWarning, "", ""),
    (UserWarning, r"Constant folding - ", r"torch\.onnx\."),
    (UserWarning, r"Exporting a model to ONNX with a batch_size other than 1", r"torch\.onnx\."),
    (DeprecationWarning, r"You are using the legacy TorchScript-based ONNX export", ""),
    (DeprecationWarning, r"The feature will be removed", r"torch\.onnx\."),
)


@contextmanager
def quiet_onnx_export() -> Iterator[None]:
    """Within the block, ignore exactly :data:`EXPORT_NOTES` (the warning filters are restored after)."""
    with warnings.catch_warnings():
        for category, message, module in EXPORT_NOTES:
            warnings.filterwarnings("ignore", message=message, category=category, module=module)
        yield
