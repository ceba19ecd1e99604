"""onnxruntime sessions for packs: execution-provider choice, threads, golden checks.

Providers are tried in the order TensorRT > CUDA > CPU, keeping only those this
onnxruntime build offers.  The TensorRT path is written against onnxruntime's documented
provider options and is NOT verified on hardware yet (no GPU on the development machines).
"""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

# onnxruntime 1.32's Linux build keeps a device id and a queue of usage events under ~/.cache/Microsoft/ and uploads
# them unless this is set before it loads (thirty-third stop's QA: the box wrote outside its store); a user who
# wants it on sets ORT_DISABLE_TELEMETRY=0
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
import onnxruntime as ort  # noqa: E402

from device import memory_file
from device.onnx_external import refuse_external_data
from hatbox.errors import PackError, first_line

PREFERRED = ("TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider")


def available_providers(preferred: Sequence[str] = PREFERRED) -> list[str]:
    have = set(ort.get_available_providers())
    return [p for p in preferred if p in have] or ["CPUExecutionProvider"]


TRT_CACHE_ENV = "HATBOX_TRT_CACHE"          # where TensorRT keeps the engines it builds (default below)


def default_trt_cache() -> Path:
    """The folder TensorRT's engines are kept in: $HATBOX_TRT_CACHE, else ~/.cache/hatbox/tensorrt."""
    return Path(os.environ.get(TRT_CACHE_ENV) or "~/.cache/hatbox/tensorrt").expanduser()


def model_key(model: bytes | str | Path) -> str:
    """16 hex digits of the sha256 of a model's bytes (a path: of the file's bytes): its TensorRT engine folder, and
    a tagger's weights id (device/library/runner.py)."""
    import hashlib
    data = model if isinstance(model, bytes) else Path(model).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


def _provider_options(name: str, cache_dir: Path | None) -> dict[str, str]:
    """TensorRT's options: its engines kept in ``cache_dir`` (one folder per model, :func:`make_session`), so an
    engine is built once per model rather than at every session (the box's start, every load and swap, the
    validation's second session: seconds to minutes each on a Jetson), in FP32: FP16 would not meet the packs'
    golden tolerance (atol 1e-4).  Other providers: their defaults."""
    if name == "TensorrtExecutionProvider" and cache_dir is not None:
        return {"trt_engine_cache_enable": "True", "trt_engine_cache_path": str(cache_dir),
                "trt_timing_cache_enable": "True", "trt_fp16_enable": "False"}
    return {}


def make_session(model: bytes | str | Path, *, threads: int = 1,
                 providers: Sequence[str] | None = None,
                 trt_cache: Path | None = None) -> ort.InferenceSession:
    """Create an InferenceSession for real-time use (``threads`` intra-op threads, no spinning).

    With TensorRT among the providers its engines are kept under ``trt_cache`` (default :func:`default_trt_cache`)
    in a folder named by the model's sha256 (:func:`model_key`): TensorRT names a cached engine by the model's
    name and settings, not its contents, so two packs of one graph retrained would share a stale engine in one
    folder.  Raises :class:`PackError` (check "onnx") when onnxruntime refuses the model, or (before onnxruntime
    sees it) when model bytes refer to external data (device.onnx_external.refuse_external_data).
    """
    if isinstance(model, bytes):        # a pack's model: refused before onnxruntime looks up any external-data path
        refuse_external_data(model)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    chosen = list(providers) if providers else available_providers()
    if os.environ.get("HATBOX_CPU_ONLY"):
        chosen = ["CPUExecutionProvider"]
    cache = None
    if "TensorrtExecutionProvider" in chosen:
        cache = (trt_cache or default_trt_cache()) / model_key(model)
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError:                                  # no room to keep engines: built at every session, as before
            cache = None
    with_opts = [(p, _provider_options(p, cache)) for p in chosen]
    try:
        with model_source(model, chosen) as src:
            return _session(src, opts, with_opts)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises several private types
        msg = refusal_words(first_line(exc))
        raise PackError(f"onnxruntime cannot load the model: {msg}", check="onnx") from None


def _session(src: bytes | str, opts: ort.SessionOptions, providers: list) -> ort.InferenceSession:
    """onnxruntime's session of ``src``; one made from an in-memory file (:func:`model_source`) is never made again
    from it: onnxruntime keeps the path it was given and makes the session again from it after an execution
    provider's failure in ``run`` (its fallback) or on ``set_providers``, but the file is closed once the session is
    made and its number may then name another file (another model: p57 R5).  Such a session has its fallback off
    and its ``set_providers`` refused (a CPU-only session has nothing to fall back to)."""
    if not (isinstance(src, str) and src.startswith(MEMORY_PATH)):
        return ort.InferenceSession(src, sess_options=opts, providers=providers)
    session = ort.InferenceSession(src, sess_options=opts, providers=providers, enable_fallback=0)
    session.set_providers = _not_again
    return session


def _not_again(*args: object, **kwargs: object) -> None:
    raise RuntimeError("this session was made from an in-memory copy of its model, closed since: make another one "
                       "with device.audio.runtime.make_session")


def refusal_words(msg: str) -> str:
    """onnxruntime's refusal ``msg`` as it reads for model bytes, where the model went as an in-memory file
    (:func:`model_source`): without "Load model from /proc/self/fd/N failed:", a path the user has never seen."""
    said, found = re.subn(r"Load model from /proc/self/fd/\d+ failed: ?", "", msg)
    if found:
        said = said.replace("Protobuf parsing failed.", "Failed to load model because protobuf parsing failed.")
    return re.sub(r"/proc/self/fd/\d+", "the model", said)


# Model bytes at least this big go to onnxruntime as an in-memory file (:func:`model_source`).  Why (p57 F9,
# bench/engine_big_pack.py): onnxruntime copies model bytes it is given while it holds the GIL (21 ms for a 35 MiB
# model): the engine's audio thread waited on it while a big pack loaded.  From a path, onnxruntime reads and parses
# the model with the GIL released.  (The search for external data, device.onnx_external, goes a window at a time.)
FILE_FROM = 1 << 20
MEMORY_PATH = "/proc/self/fd/"      # where onnxruntime finds an in-memory file (:func:`model_source`)


@contextlib.contextmanager
def model_source(model: bytes | str | Path, providers: Sequence[str]) -> Iterator[bytes | str]:
    """What to give onnxruntime for ``model``: a path as a string; bytes under :data:`FILE_FROM` as they are; bigger
    bytes as the path of an anonymous in-memory file holding them (Linux; the GIL released while it is written), open
    while the context lasts.  Bytes too when a provider other than the CPU's is chosen (such a session may be made
    again from its source after a provider failure: onnxruntime's fallback) or the system has no such files."""
    if not isinstance(model, bytes):
        yield str(model)
        return
    cpu_only = list(providers) == ["CPUExecutionProvider"]
    fd = _memory_file(model) if len(model) >= FILE_FROM and cpu_only else None
    if fd is None:
        yield model
        return
    try:
        yield f"{MEMORY_PATH}{fd}"
    finally:
        os.close(fd)


def _memory_file(data: bytes) -> int | None:
    """An anonymous in-memory file holding ``data`` (device/memory_file.py: its descriptor, reachable as
    /proc/self/fd/N), or None where there is none (not Linux, no /proc) or it cannot be written (no room).  Closed
    again on any exception (an interrupt too), which is then raised."""
    fd = memory_file.new("hatbox-model") if os.path.isdir(MEMORY_PATH) else None
    if fd is None:
        return None
    try:
        memory_file.write_all(fd, data)
    except OSError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_golden(session: ort.InferenceSession, inputs: dict[str, np.ndarray],
                 outputs: dict[str, np.ndarray], atol: float, rtol: float) -> float:
    """Run the golden inputs; return the max abs error, or raise PackError past tolerance."""
    got = session.run(list(outputs), inputs)
    worst = 0.0
    for (name, want), have in zip(outputs.items(), got):
        if have.shape != want.shape:
            raise PackError(f"golden check: output '{name}' has shape {have.shape}, expected {want.shape}",
                            check="golden")
        if not np.all(np.isfinite(have)):
            raise PackError(f"golden check: output '{name}' contains NaN/inf", check="golden")
        err = float(np.max(np.abs(have - want))) if want.size else 0.0
        worst = max(worst, err)
        if not np.allclose(have, want, atol=atol, rtol=rtol):
            raise PackError(f"golden check: output '{name}' differs by {err:.3g} "
                            f"(tolerance atol={atol:g}, rtol={rtol:g})", check="golden")
    return worst
