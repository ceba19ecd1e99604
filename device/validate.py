"""Everything a pack must pass before it is installed on the box.

The checks run in order and the first failure raises :class:`PackError` whose ``check``
names it:

==============  ================================================================
``archive`` ..  export.pack.read_pack: archive safety, ``members``, ``manifest``
                (schema) and ``checksum`` (sha256 of every member)
``signature``   ed25519 over manifest.json against the box's trusted keys
``onnx``        the onnx checker; no external data; model size
``ops``         operator allow-list for the pack's kind (no control flow, no
                random ops, no custom domains)
``handshake``   sample rate, channels and block size against the engine
``contract``    manifest inputs/outputs/state vs the model graph (names, ranks,
                fixed dims, dtypes) and the kind's contract
``golden``      the golden snapshot reproduced by onnxruntime within tolerance
``knobs``       an effect on the box's gain probe signal at every corner of its knobs'
                range (device.audio.swap: what the box measures its gain over when it
                loads it), from rest: no NaN/inf, no peak over the runaway level
``realtime``    blocks of the engine's size (a synth: one control frame, every
                voice at once), run for a short trial; the mean CPU time per
                block must stay under ``budget`` x the block's duration
==============  ================================================================

Units: seconds for times, samples for block sizes, Hz for rates.  No torch here.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from device.output_checks import (DC_HINT, HOT_HINT, KNOBS_HINT, check_idle_level,  # noqa: F401 (dc_fault: re-exported)
                                   TooLoud, check_output_level, dc_fault, with_setting)
from device.onnx_external import check_self_contained, refuse_external_data  # noqa: F401 (re-exported)
from device.realtime_trial import block_seconds, synth_load, time_calls, trial_feeds
from device.signature_words import (NOT_REQUIRED_NOTE, REFUSE_NOTE, SIGN_HINT, trust_hint,  # noqa: F401
                                    trust_way, without_note)
from export.manifest import Manifest, TensorSpec
from export.pack import SIGNATURE, Pack, manifest_bytes_of, read_pack
from hatbox.errors import PackError, first_line
from hatbox.text import count_words

MAX_MODEL_BYTES = 256 * 1024 * 1024
_log = logging.getLogger(__name__)

# Deterministic, bounded-time tensor ops (ONNX default domain).  Control flow (Loop, If,
# Scan), random generators, string/sequence/optional ops and custom domains are refused.
_COMMON_OPS = frozenset("""
Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization
Cast CastLike Ceil Celu Clip Concat Constant ConstantOfShape Conv ConvTranspose Cos Cosh
CumSum DepthToSpace Div Dropout Einsum Elu Equal Erf Exp Expand Flatten Floor GRU Gather
GatherElements GatherND Gelu Gemm GlobalAveragePool GlobalMaxPool Greater GreaterOrEqual
GroupNormalization HardSigmoid HardSwish Hardmax Identity InstanceNormalization IsInf IsNaN
LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax MatMul Max MaxPool
Mean Min Mish Mod Mul Neg Not Or PRelu Pad Pow RNN Range Reciprocal ReduceL1 ReduceL2
ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu
Reshape Resize Round ScatterElements ScatterND Selu Shape Shrink Sigmoid Sign Sin Sinh
Size Slice Softmax Softplus Softsign SpaceToDepth Split Sqrt Squeeze Sub Sum Tan Tanh
ThresholdedRelu Tile TopK Transpose Trilu Unsqueeze Where Xor
""".split())
ALLOWED_OPS: dict[str, frozenset[str]] = {
    "effect": _COMMON_OPS,
    "synth": _COMMON_OPS,
    "tagger": _COMMON_OPS | frozenset({"DFT", "STFT", "MelWeightMatrix", "HannWindow", "HammingWindow",
                                       "BlackmanWindow", "NonZero"}),
}
_ONNX_DTYPES = {1: "float32", 6: "int32", 7: "int64", 9: "bool"}


@dataclass(frozen=True)
class EngineSpec:
    """What the engine on this box runs: its audio format, block size and compute budget."""

    sample_rate: int = 48000
    block_size: int = 128            # samples per engine block
    channels_in: int = 1
    channels_out: int = 1
    budget: float = 0.5              # max mean compute time / block duration
    trial_seconds: float = 0.3       # wall time of the real-time trial
    threads: int = 1


@dataclass
class Report:
    """What validation found: the opened pack and one entry per check passed."""

    pack: Pack
    signed_by: str | None = None
    model: Any = None                # the parsed onnx.ModelProto, once check_onnx ran
    session: Any = None              # the onnxruntime session of the golden check, reused by the trial
    checks: list[dict[str, Any]] = field(default_factory=list)

    def passed(self, check: str, detail: str, started: float) -> None:
        self.checks.append({"check": check, "ok": True, "detail": detail,
                            "seconds": round(time.perf_counter() - started, 4)})


def validate_pack(path: str | Path, engine: EngineSpec = EngineSpec(), *,
                  trusted: Iterable[Any] = (), require_signature: bool = False, uploaded: bool = False,
                  realtime: bool = True, keys_dir: str | Path | None = None) -> Report:
    """Run every check on the pack at ``path``; returns the :class:`Report` or raises PackError.
    ``uploaded``: ``path`` is an upload the box received (export.pack.read_pack).  ``realtime``: False leaves out the
    real-time trial (a laptop's speed says nothing of the box's: `hatbox pack inspect` and `sign`); an effect's output
    on silence, which the box checks with it, is checked all the same (:func:`check_silence`).  ``keys_dir``: the
    box's trusted-keys folder, named in the way to trust a key (:func:`trust_way`)."""
    t = time.perf_counter()
    report = Report(pack=_guarded("archive", lambda: read_pack(path, uploaded=uploaded)))
    report.passed("archive", "schema, member names, sizes and sha256 checksums verified", t)
    steps: list[tuple[str, Callable[[Report], str]]] = [
        ("signature", lambda r: check_signature(r, list(trusted), require_signature, keys_dir and str(keys_dir))),
        ("onnx", check_onnx), ("ops", check_ops), ("handshake", lambda r: check_handshake(r.pack, engine)),
        ("contract", check_contract), ("golden", lambda r: check_golden_run(r, engine)),
        ("knobs", lambda r: check_knob_settings(r, engine)),
        ("realtime", lambda r: check_realtime(r, engine) if realtime else _silence_only(r, engine)),
    ]
    for name, step in steps:
        t = time.perf_counter()
        report.passed(name, _guarded(name, lambda: step(report)), t)
    return report


def _guarded(check: str, step: Callable[[], Any]) -> Any:
    """Run one check; an error it did not foresee (a malformed pack finds new ways to break a parser)
    becomes a PackError for that check, logged with its traceback, rather than a server error."""
    try:
        return step()
    except PackError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure of a check is a rejection
        _log.warning("check %s failed unexpectedly", check, exc_info=True)
        msg = first_line(exc)[:200] if str(exc).strip() else ""
        raise PackError(f"the pack could not be checked ({type(exc).__name__}{': ' + msg if msg else ''})",
                        check=check) from None


# ------------------------------------------------------------------------- signature
def check_signature(report: Report, trusted: list[Any], required: bool, keys_dir: str | None = None) -> str:
    """The signature check's words for ``report``'s pack against ``trusted`` keys, on a box that does (``required``:
    PackError when not signed by one) or does not require signatures.  ``keys_dir``: the box's trusted-keys folder
    (Box.keys_dir), named in the way to trust a key; None names it as trusted_keys/ in the box's store folder."""
    from export.signing import UNTRUSTED, verify_manifest   # cryptography only when needed

    signature = report.pack.members.get(SIGNATURE)
    if signature is None and not required:
        return f"unsigned{NOT_REQUIRED_NOTE})"
    if signature is not None and len(signature) != SIGNATURE_BYTES:     # junk, before any key is asked (p42 QA)
        why = (f"manifest.sig is not a valid signature ({len(signature)} bytes; an ed25519 signature is "
               f"{SIGNATURE_BYTES})")
        if not required:
            return f"taken as unsigned: {why}{REFUSE_NOTE}"
        raise PackError(f"signature: {why}", check="signature", hint=SIGN_HINT)
    if signature is not None and not trusted and not required:
        return f"not checked: signed, but no trusted keys are installed to check it{NOT_REQUIRED_NOTE})"
    # the bytes read_pack parsed, not the file read again: what was checked is what is installed
    data = report.pack.manifest_bytes or manifest_bytes_of(report.pack.path)
    try:
        report.signed_by = verify_manifest(data, signature, trusted)
    except PackError as exc:
        if not required:        # taken as unsigned, as an unsigned pack would be: refusing it let it in stripped
            why = exc.args[0].removeprefix("signature: ")      # said once: the check's own name leads the line
            way = f"; {trust_way(keys_dir, installed=True)}" if exc.args[0].endswith(UNTRUSTED) else ""
            return f"taken as unsigned: {why}{way}{REFUSE_NOTE}"
        # a signed pack wants its key trusted (no trusted keys at all included), not signing (p53 review)
        hint = trust_hint(keys_dir, bool(trusted)) if signature is not None else SIGN_HINT
        raise PackError(str(exc.args[0]), check="signature", hint=hint) from None
    return f"signed by trusted key {report.signed_by}"


SIGNATURE_BYTES = 64        # an ed25519 signature (export/signing.py): manifest.sig of another length is none


def signature_words_now(path: str | Path, trusted: list[Any], required: bool) -> str:
    """The signature check's words for the installed pack at ``path``, checked now against ``trusted`` on a box that
    does (``required``) or does not require signatures: what a push of it would say today.  An installed pack's
    record keeps the words of its install, which a key copied in since, or a box started with
    --require-signature since, made wrong (thirty-third stop's QA: "unsigned (this box does not require
    signatures)" on a box that did)."""
    try:
        report = Report(pack=read_pack(path))
        words = check_signature(report, trusted, False)
    except PackError as exc:
        return f"not checked: {exc.args[0]}"
    if report.signed_by is None and required:
        return "not signed by a trusted key: installed, not played (this box takes only signed packs)"
    return words if not required else without_note(words)


def unsigned_now(store: Any, pid: str, trusted: list[Any]) -> bool:
    """Whether installed pack ``pid`` of ``store`` (device.store.PackStore) is signed by no key in ``trusted``, checked
    now (:func:`signed_by_now`): a key taken out of trusted_keys/ no longer lets the packs it signed play (the
    install record's ``signed_by`` kept them playing: twenty-seventh stop's QA), and a key copied in after a pack
    was installed does."""
    return not signed_by_now(store.pack_path(pid), trusted)


def signed_by_now(path: str | Path, trusted: list[Any]) -> str | None:
    """The trusted key (its id) that signed the installed pack at ``path``, checked now against ``trusted`` (a key
    copied into trusted_keys/ after the pack was installed counts); None when unsigned, or signed by no trusted key."""
    from export.signing import verify_manifest
    try:
        pack = read_pack(path)
        return verify_manifest(pack.manifest_bytes or manifest_bytes_of(path), pack.members.get(SIGNATURE),
                               trusted)
    except PackError:
        return None


# ------------------------------------------------------------------------------ onnx
def _load_model(pack: Pack) -> Any:
    import onnx

    data = pack.model_bytes
    if len(data) > MAX_MODEL_BYTES:
        raise PackError(f"model.onnx is {len(data)} bytes (limit {MAX_MODEL_BYTES})", check="onnx")
    try:
        return onnx.load_model_from_string(data)
    except Exception as exc:  # noqa: BLE001 - protobuf raises several types
        raise PackError(f"model.onnx is not an ONNX model ({type(exc).__name__})", check="onnx") from None


def check_onnx(report: Report) -> str:
    import onnx

    model = _load_model(report.pack)
    check_self_contained(model)
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        raise PackError(f"the ONNX checker refuses model.onnx: {first_line(exc)}", check="onnx") from None
    report.model = model
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    return f"onnx checker passed (IR {model.ir_version}, opsets {opsets})"


def _graph_nodes(graph: Any) -> Iterable[Any]:
    for node in graph.node:
        yield node
        for attr in node.attribute:
            subgraphs = list(attr.graphs) + ([attr.g] if attr.HasField("g") else [])
            for sub in subgraphs:
                yield from _graph_nodes(sub)


def check_ops(report: Report) -> str:
    model = report.model or _load_model(report.pack)
    kind = report.pack.manifest.kind
    allowed = ALLOWED_OPS[kind]
    used: set[str] = set()
    for node in _graph_nodes(model.graph):
        if node.domain not in ("", "ai.onnx"):
            raise PackError(f"operator {node.domain}::{node.op_type} (node '{node.name}') is from a custom "
                            "domain; only standard ONNX operators are allowed", check="ops")
        if node.op_type not in allowed:
            raise PackError(f"operator {node.op_type} (node '{node.name}') is not allowed in {kind} packs "
                            "(no control flow, random or custom operators)", check="ops")
        used.add(node.op_type)
    return f"{len(used)} operator types, all allowed for {kind}: {', '.join(sorted(used))}"


# ------------------------------------------------------------------------- handshake
def rate_hint(pack_rate: int, engine_rate: int) -> str:
    """What to do about an effect pack trained at ``pack_rate`` Hz that an engine at ``engine_rate`` Hz refuses:
    the commands there are (no command changes a pack's rate: its recordings' rate decides it, p60 QA A: the box
    said "re-export the pack", which nothing does).  The box's refusal (device/audio/swap.py) says it too."""
    return (f"resample the recordings to {engine_rate} Hz (e.g. sox in.wav -r {engine_rate} out.wav, for each "
            f"file) and train the pack again (hatbox train effect), or start the box at the pack's rate (hatbox "
            f"device run --rate {pack_rate}); no command changes a trained pack's rate")


def check_handshake(pack: Pack, engine: EngineSpec) -> str:
    m = pack.manifest
    if m.kind == "tagger":
        return f"tagger pack ({m.sample_rate} Hz): runs offline on library files, not in the engine"
    if m.sample_rate != engine.sample_rate and m.kind != "synth":
        raise PackError(f"pack runs at {m.sample_rate} Hz but the engine runs at {engine.sample_rate} Hz",
                        check="handshake", hint=rate_hint(m.sample_rate, engine.sample_rate))
    if m.channels_in > engine.channels_in or m.channels_out > engine.channels_out:
        raise PackError(f"pack needs {m.channels_in} in / {m.channels_out} out channels; the engine has "
                        f"{engine.channels_in} / {engine.channels_out}", check="handshake")
    if engine.block_size % m.block_multiple:
        raise PackError(f"the engine's block of {engine.block_size} samples is not a multiple of the pack's "
                        f"block_multiple {m.block_multiple}", check="handshake")
    audio = (f"{m.channels_out} out" if m.kind == "synth"          # a synth takes no audio in
             else f"{m.channels_in} in / {m.channels_out} out")
    if m.sample_rate != engine.sample_rate:     # a synth: its network gives frames in seconds, its oscillators and
        # noise run at the engine's rate (device/audio/synth.py), so it plays at any rate, as the store's active
        # synth always did at a box started with another --rate
        top = 0.49 * engine.sample_rate               # the synth's oscillators stop here (device/audio/synth.py)
        cutoff = m.extras.get("cutoff_hz") if isinstance(m.extras, dict) else None
        duller = (f" (its harmonics stop at {top / 1000:.1f} kHz here, not its {float(cutoff) / 1000:.1f}: its highest "
                  "notes sound duller)" if isinstance(cutoff, (int, float)) and top < float(cutoff) else "")
        return (f"trained at {m.sample_rate} Hz, plays at the engine's {engine.sample_rate} Hz{duller}, {audio}, "
                f"block {engine.block_size} fits")
    return f"{m.sample_rate} Hz, {audio}, block {engine.block_size} fits"


# -------------------------------------------------------------------------- contract
def _graph_io(model: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    inits = {t.name for t in model.graph.initializer}
    ins = {v.name: v for v in model.graph.input if v.name not in inits}
    return ins, {v.name: v for v in model.graph.output}


def _dims(value: Any) -> list[int | str]:
    shape = value.type.tensor_type.shape
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in shape.dim]


def _match_tensor(spec: TensorSpec, value: Any, where: str) -> None:
    dtype = _ONNX_DTYPES.get(value.type.tensor_type.elem_type, "other")
    if dtype != spec.dtype:
        raise PackError(f"{where} '{spec.name}': manifest says {spec.dtype}, model has {dtype}", check="contract")
    dims = _dims(value)
    if value.type.tensor_type.HasField("shape") and len(dims) != len(spec.shape):
        raise PackError(f"{where} '{spec.name}': manifest shape {list(spec.shape)}, model shape {dims}",
                        check="contract")
    for want, have in zip(spec.shape, dims):
        if isinstance(want, int) and isinstance(have, int) and have and want != have:
            raise PackError(f"{where} '{spec.name}': manifest shape {list(spec.shape)}, model shape {dims}",
                            check="contract")


def _match_names(kind: str, manifest_names: list[str], model_names: Iterable[str]) -> None:
    if set(manifest_names) != set(model_names):
        raise PackError(f"manifest {kind} {sorted(manifest_names)} do not match the model's "
                        f"{sorted(model_names)}", check="contract")


def check_contract(report: Report) -> str:
    m = report.pack.manifest
    model = report.model or _load_model(report.pack)
    ins, outs = _graph_io(model)
    _match_names("inputs", [t.name for t in m.inputs], ins)
    _match_names("outputs", [t.name for t in m.outputs], outs)
    for spec in m.inputs:
        _match_tensor(spec, ins[spec.name], "input")
    for spec in m.outputs:
        _match_tensor(spec, outs[spec.name], "output")
    _check_state(m, ins)
    _check_kind_contract(report.pack)
    return (f"{count_words(len(ins), 'input')}, {count_words(len(outs), 'output')}, "
            f"{count_words(len(m.state), 'state tensor')} match the model")


def _check_state(m: Manifest, ins: dict[str, Any]) -> None:
    for st in m.state:
        dims = _dims(ins[st.input])
        fixed = [(a, b) for a, b in zip(st.shape, dims) if isinstance(b, int) and b]
        if len(dims) != len(st.shape) or any(a != b for a, b in fixed):
            raise PackError(f"state '{st.input}': manifest shape {list(st.shape)}, model input shape {dims}",
                            check="contract")


def _check_kind_contract(pack: Pack) -> None:
    """What the kind's runtime needs beyond the graph: the effect's I/O names, a synth's extras and
    embeddings, a tagger's clip length and tags.  Each check is the runtime's own, so a pack that passes
    here also loads there."""
    m = pack.manifest
    if m.kind == "effect":
        from device.audio.effect import check_effect_manifest
        check_effect_manifest(m)
    elif m.kind == "synth":
        from device.audio.synth import synth_extras
        synth_extras(pack)
    elif m.kind == "tagger":
        from device.library.runner import check_tagger_manifest
        check_tagger_manifest(m)


# ---------------------------------------------------------------------------- golden
def _session(report: Report, engine: EngineSpec) -> Any:
    from device.audio.runtime import make_session

    if report.session is None:
        report.session = make_session(report.pack.model_bytes, threads=engine.threads)
    return report.session


def check_golden_run(report: Report, engine: EngineSpec) -> str:
    from device.audio.runtime import check_golden

    pack = report.pack
    ins, outs = pack.golden()
    if not ins or not outs:
        raise PackError("the golden snapshot has no inputs or no outputs", check="golden")
    check_golden_arrays(pack.manifest, ins, outs)
    session = _session(report, engine)
    atol, rtol = pack.golden_tolerance()
    try:
        worst = check_golden(session, ins, outs, atol, rtol)
    except PackError:
        raise
    except Exception as exc:  # noqa: BLE001 - onnxruntime errors on bad feeds
        raise PackError(f"golden check: the model cannot run its own golden inputs ({first_line(exc)})",
                        check="golden") from None
    check_output_level(pack.manifest, outs, "on its golden input")
    return f"golden snapshot reproduced (max error {worst:.2e}, atol {atol:g})"


def refusal_words(exc: PackError) -> str:
    """A check's refusal with the check named once: "golden check: output 'logits' contains NaN/inf"."""
    said = str(exc.args[0])
    return said if not exc.check or said.startswith(f"{exc.check} check") else f"{exc.check} check: {said}"


def check_box_plays(pack: Pack, session: Any = None, doing: str = "rendered", kept: str = "") -> None:
    """PackError when the box's golden check (:func:`check_golden_run`) refuses ``pack``: its golden input not
    reproduced, NaN/inf, an output over the engine's runaway level; an effect's also when its knobs check
    (:func:`check_knob_settings`) or its output on silence (:func:`check_silence`) does.  The laptop's commands run a
    pack as the box does, and the box would not run this one, so they refuse it too, before they change anything
    (``doing``: what they would have done with it, "rendered", "played"; ``kept``: what is left as it was; both said
    in the refusal).
    ``session``: an onnxruntime session of the pack already made (the graph is stateless, its state tensors
    explicit), else one is made."""
    report = Report(pack=pack, session=session)
    try:
        check_golden_run(report, EngineSpec())
        if pack.manifest.kind == "effect":     # what `pack sign` and the box check too (render played such packs)
            check_knob_settings(report, EngineSpec())
            check_silence(report, EngineSpec())
    except PackError as exc:
        raise PackError(f"the box refuses pack '{pack.manifest.name}' ({refusal_words(exc)}), so it is not {doing} "
                        "either"
                        + (f": {kept}" if kept else ""),
                        check=exc.check,
                        hint=exc.hint or "the pack is damaged or was changed after it was made: export or train it "
                                         "again") from None


def check_golden_arrays(m: Manifest, ins: dict[str, np.ndarray], outs: dict[str, np.ndarray]) -> None:
    """The golden arrays against the manifest, before the model runs them: an array for every input and only
    for the manifest's inputs and outputs, each of the manifest's dtype, rank and fixed dimensions, a named
    dimension ("T", "B") of one length throughout, and no NaN/inf.  PackError (check "golden") naming it."""
    specs_in, specs_out = {t.name: t for t in m.inputs}, {t.name: t for t in m.outputs}
    for where, arrays, specs in (("input", ins, specs_in), ("output", outs, specs_out)):
        unknown = sorted(set(arrays) - set(specs))
        if unknown:
            raise PackError(f"golden snapshot: {where} '{unknown[0]}' is not one of the manifest's {where}s "
                            f"({', '.join(specs)})", check="golden")
    missing = [name for name in specs_in if name not in ins]
    if missing:
        raise PackError(f"golden snapshot: no array for input '{missing[0]}'", check="golden")
    bound: dict[str, tuple[int, str]] = {}
    for where, arrays, specs in (("input", ins, specs_in), ("output", outs, specs_out)):
        for name, array in arrays.items():
            _check_golden_array(specs[name], array, where, bound)


def _check_golden_array(spec: TensorSpec, array: np.ndarray, where: str, bound: dict[str, tuple[int, str]]) -> None:
    """One golden array against its TensorSpec; ``bound``: named dimension -> (length, first tensor with it)."""
    def bad(why: str) -> PackError:
        return PackError(f"golden snapshot: {where} '{spec.name}' {why}", check="golden")
    if array.dtype != np.dtype(spec.dtype):
        raise bad(f"is {array.dtype}, the manifest says {spec.dtype}")
    if array.ndim != len(spec.shape) or any(isinstance(d, int) and d != n for d, n in zip(spec.shape, array.shape)):
        raise bad(f"has shape {list(array.shape)}, the manifest says {list(spec.shape)}")
    for dim, n in zip(spec.shape, array.shape):
        if isinstance(dim, str):
            length, first = bound.setdefault(dim, (n, spec.name))
            if length != n:
                raise bad(f"has {dim} = {n} where '{first}' has {dim} = {length} (shape {list(spec.shape)})")
    if array.size == 0:
        raise bad(f"is empty (shape {list(array.shape)}): nothing to reproduce")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise bad("contains NaN/inf")


# -------------------------------------------------------------------------- knobs
def check_knob_settings(report: Report, engine: EngineSpec) -> str:
    """An effect's output on the box's gain probe (device.audio.swap.gain_probe_signal: noise, a sawtooth and a
    sine, each decaying from -6 dBFS) at each of swap.knob_corners, in one run from rest per setting: PackError
    (check ``knobs``) naming the first setting, in the knobs' units, whose output holds NaN/inf or peaks over the
    engine's runaway level (:func:`check_output_level`).  Without this a model that breaks at one end of a knob
    installs, plays, and is bypassed on stage the moment that knob is turned there."""
    m = report.pack.manifest
    if m.kind != "effect":
        return f"skipped: {m.kind} packs have no knobs the engine turns"
    from device.audio.effect import AUDIO_IN, AUDIO_OUT, KNOBS_IN
    from device.audio.swap import gain_probe_signal, knob_corners

    x = gain_probe_signal(m.sample_rate)
    session = _session(report, engine)
    feeds = trial_feeds(m, x.size)                     # zero state, zero knobs: filled below
    feeds[AUDIO_IN] = x[None, :]
    names = [o.name for o in m.outputs]
    settings = knob_corners(list(m.knobs))
    units = {k.name: k.unit for k in m.knobs}
    peak, failed = 0.0, []
    for setting in settings:
        if m.knobs:
            row = np.array([k.normalize(setting[k.name]) for k in m.knobs], np.float32)
            feeds[KNOBS_IN] = np.ascontiguousarray(np.broadcast_to(row, (1, x.size, len(m.knobs))))
        try:
            outputs = dict(zip(names, session.run(names, feeds)))
        except Exception as exc:  # noqa: BLE001 - onnxruntime's own errors, in one line
            raise PackError(f"the model cannot run {with_setting(setting, units)} ({first_line(exc)})",
                            check="knobs") from None
        try:
            check_output_level(m, outputs, with_setting(setting, units), check="knobs",
                               hint=KNOBS_HINT if m.knobs else None)
        except PackError as exc:
            failed.append(exc)
            continue
        audio = outputs.get(AUDIO_OUT)
        if audio is not None and audio.size:
            peak = max(peak, float(np.max(np.abs(audio))))
            offset = dc_fault(np.asarray(audio, np.float32).reshape(-1), m.sample_rate, engine.block_size)
            if offset is not None:
                raise PackError(f"the effect's output drifts off zero (a DC offset of {offset:+.2f}) "
                                f"{with_setting(setting, units)}: the box's guard would bypass it each time it plays, "
                                "with a thump", check="knobs", hint=DC_HINT)
    hot = len(failed) == len(settings) and all(isinstance(e, TooLoud) for e in failed)
    if failed:          # too loud at every setting (a pack without knobs has one): the recordings are that loud
        raise PackError(str(failed[0].args[0]), check="knobs", hint=HOT_HINT) if hot else failed[0]
    from device.audio.protect import lin_to_db
    return (f"{count_words(len(settings), 'knob setting')} on a test signal: finite, loudest peak "
            f"{lin_to_db(peak):+.1f} dBFS")


def knob_settings_problem(path: str | Path, engine: EngineSpec = EngineSpec()) -> str | None:
    """What the box's ``knobs`` check (:func:`check_knob_settings`) would refuse the effect pack at ``path`` for, in
    one line; None when it passes.  For a trainer, which warns before the pack is pushed."""
    report = Report(pack=read_pack(path))
    try:
        check_knob_settings(report, engine)
    except PackError as exc:
        return first_line(exc)
    return None


# -------------------------------------------------------------------------- realtime
def check_silence(report: Report, engine: EngineSpec) -> None:
    """An effect on one block of the engine's size of zeros (silence in, knobs at their minimum, the state reset:
    what the engine feeds it at rest): PackError (check ``realtime``) when its output holds NaN/inf, peaks over the
    runaway level, or sounds over the slot guard's floor (:func:`device.output_checks.check_idle_level`)."""
    m = report.pack.manifest
    session, names = _session(report, engine), [o.name for o in m.outputs]
    idle = dict(zip(names, session.run(names, trial_feeds(m, block_seconds(m, engine)[0]))))
    check_output_level(m, idle, "on silence", check="realtime")
    check_idle_level(idle.get("audio_out"))


def _silence_only(report: Report, engine: EngineSpec) -> str:
    if report.pack.manifest.kind != "effect":
        return "skipped: its speed is checked on the box"
    check_silence(report, engine)
    return "its output on silence checked; its speed is checked on the box"


def check_realtime(report: Report, engine: EngineSpec) -> str:
    m = report.pack.manifest
    if m.kind == "tagger":
        return "skipped: tagger packs run offline, never on the audio thread"
    block, seconds = block_seconds(m, engine)
    session = _session(report, engine)
    feeds = trial_feeds(m, block)
    names = [o.name for o in m.outputs]
    if m.kind == "effect":
        check_silence(report, engine)
    # one intra-op thread computes on this thread; with more, count the whole process (conservative)
    clock = time.thread_time if engine.threads == 1 else time.process_time
    times = time_calls(lambda: session.run(names, feeds), seconds * engine.budget, engine.trial_seconds, clock)
    load = float(np.mean(times)) / seconds
    p99 = float(np.percentile(times, 99)) / seconds
    if m.kind == "synth":
        return synth_load(m, engine, times, seconds, block)
    if load > engine.budget:
        raise PackError(f"too slow for real time: one {seconds * 1e3:.2f} ms block takes "
                        f"{np.mean(times) * 1e3:.2f} ms ({load:.0%} of the block; budget {engine.budget:.0%})",
                        check="realtime", hint="use a smaller model or export it for a larger block")
    return (f"{len(times)} blocks of {block} samples ({seconds * 1e3:.2f} ms): mean CPU load {load:.1%} "
            f"(p99 {p99:.1%})")
