"""`hatbox pack inspect PACK`: print a pack's manifest, verify its checksums and (``--key``) its signature;
`hatbox pack sign PACK --key KEY.pem`: sign a pack to share it."""
from __future__ import annotations

import argparse
import json
import sys
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from device.finite_numbers import finite_or_none
from export.atomic import check_out
from hatbox.bypass_words import worse_than_bypass_words
from hatbox.errors import HatboxError, PackError
from hatbox.cmd_effect import CLOSE_ESR, seconds_words
from hatbox.text import cents_words, count_words, escape_unsafe, number_words

if TYPE_CHECKING:       # export.pack (numpy, zipfile) is imported by the handlers: `hatbox --help` stays quick
    from export.pack import Pack

KEY_HELP = ("check the pack's signature with this ed25519 public key (KEY.pub, as hatbox keygen writes it), "
            "or with any key in this folder (as the box's trusted_keys)")


def register(cli) -> None:
    p = cli.subcommand("pack", "inspect", "print a pack's manifest and verify every checksum", inspect,
                       group_help="look inside .hatpack files")
    p.add_argument("pack", help="path to a .hatpack")
    p.add_argument("--json", action="store_true", help="print the raw manifest as JSON")
    p.add_argument("--key", metavar="KEY.pub", help=KEY_HELP)
    p = cli.subcommand("pack", "sign", "sign a pack with an ed25519 key (hatbox keygen makes one)", sign)
    p.add_argument("pack", help="path to a .hatpack")
    p.add_argument("--key", metavar="KEY.pem", required=True, help="the private key (hatbox keygen KEY.pem)")
    p.add_argument("--out", metavar="OUT.hatpack", help="write the signed pack here (default: sign PACK in place)")
    p = cli.subcommand("pack", "level", "set a synth pack's playing level: measured as the box plays it, so a note "
                                        "at velocity 100 peaks at the factory synth's level", level)
    p.add_argument("pack", help="path to a synth .hatpack (one `hatbox train synth` wrote before it levelled them)")
    p.add_argument("--peak", type=float, default=-6.0, metavar="DBFS",
                   help="a note's median peak at velocity 100, dBFS, at most 0 (default -6: the factory synth's, "
                        "among a drum kit's hits)")
    p.add_argument("--out", metavar="OUT.hatpack",
                   help="write the levelled pack here (default: over PACK; a signed PACK needs --out, and the "
                        "levelled pack is unsigned until you sign it again)")


def _t(value: Any) -> str:
    """``value`` as text safe to print (a manifest is anyone's: no terminal escapes, no bidi overrides)."""
    return escape_unsafe(str(value))


def inspect(args: argparse.Namespace) -> int:
    from export.pack import read_pack
    pack = read_pack(args.pack)          # raises PackError (with the failed check) if anything is off
    signature = _signature_line(pack, args.key)
    m = pack.manifest
    if args.json:
        print(json.dumps(m.to_dict(), indent=2, sort_keys=True))
        if args.key:                    # what --key checked, on stderr: stdout stays the manifest for scripts
            print(signature, file=sys.stderr)
        if m.kind == "synth":           # its playing level in words, on stderr too (the manifest has the figures)
            print(synth_level_words(m.extras), file=sys.stderr)
        if noise := denoise_line(m.metrics):        # metrics.denoise_snr in words, on stderr
            print(noise, file=sys.stderr)
        if worse := worse_than_bypass_words(m.metrics):
            print(f"warning: {worse}", file=sys.stderr)
        return 0
    print(f"{m.name} {m.version}  ({m.kind}, {m.sample_rate} Hz{_channel_words(m)})")
    if m.description:
        print(f"  {_t(m.description)}")
    for t in m.inputs:
        print(f"  in   {_t(t.name):<16} {_t(list(t.shape))} {t.dtype}")
    for t in m.outputs:
        print(f"  out  {_t(t.name):<16} {_t(list(t.shape))} {t.dtype}")
    for s in m.state:
        print(f"  state {_t(s.input)} -> {_t(s.output)} {list(s.shape)}")
    for k in m.knobs:
        print(f"  knob {k.name}: {k.min:g}..{k.max:g} {_t(k.unit)} (default {k.default:g}, {k.scale})")
    names = m.extras.get("names") if m.kind == "synth" else None
    if isinstance(names, list) and names:
        print(f"  {timbres_line(names, _t)}")
    if m.kind == "synth":
        print(f"  {synth_level_words(m.extras)}")
    if m.tags:
        print(f"  tags: {_t(', '.join(m.tags))}")
    if m.kind == "tagger":
        print(f"  {level_words(m.extras)}")
        if band := band_words(m.extras):
            print(f"  {band}")
    for line in score_lines(m.metrics):
        print(f"  {line}")
    if noise := denoise_line(m.metrics):        # a denoiser's SNR, beside its ESR (p60 QA)
        print(f"  {noise}")
    if worse := worse_than_bypass_words(m.metrics):       # said plainly, not left to comparing two lines (p59 Q2 5)
        print(f"  warning: {worse}")
    for line in figure_lines(m.metrics):
        print(f"  {_t(line)}")
    for name, digest in sorted(m.files.items()):
        print(f"  ok   {name:<16} sha256 {digest[:16]}... ({len(pack.members[name])} bytes)")
    print("all checksums verified")
    print(signature)
    refused = box_refusal(args.pack)
    print(f"warning: the box would refuse it: {refused}" if refused else
          "the box's checks pass (model, operators, contract, golden run, knobs, silence; its speed is checked on the "
          "box)")
    if m.kind == "effect":              # no gear-gain figure: an old pack, or quiet recordings (p52 QA2, R4 #1)
        from device.audio.effect_render import no_gear_gain_line
        if note := no_gear_gain_line(m):
            print(note)
    return 0


def level(args: argparse.Namespace) -> int:
    """`hatbox pack level PACK [--peak DBFS] [--out OUT]`: trainer.synth.level (torch-free) on a synth pack."""
    from trainer.synth.level import is_signed, level_line, level_pack
    from export.pack import read_manifest
    kind = read_manifest(args.pack).kind
    if kind != "synth":
        raise HatboxError(f"{args.pack} is not a synth pack (its kind: {_t(kind)}): only a synth pack has a playing "
                          "level to set; nothing written",
                          hint="give a synth pack (hatbox pack inspect PACK says its kind)")
    signed = is_signed(args.pack)
    print(level_line(args.pack, args.out, level_pack(args.pack, args.out, peak_dbfs=args.peak), signed))
    return 0


def box_refusal(pack: str | Path) -> str:
    """Why the box would refuse the pack at ``pack`` (its upload checks, device.validate.validate_pack, but the
    real-time trial, which only the box's own speed answers), or "" when it would take it.  Before (QA), `pack
    inspect` said "all checksums verified" and `pack sign` signed packs whose model gives NaN, or whose tags or
    clip length every other command refuses."""
    from device.validate import refusal_words, validate_pack
    try:
        validate_pack(pack, realtime=False)
    except PackError as exc:
        return refusal_words(exc)
    return ""


def level_words(extras: dict) -> str:
    """Whether a tagger pack's tags follow a sample's level: its config's ``level_norm`` (twenty-ninth stop), which
    packs trained before it lack."""
    config = extras.get("config") if isinstance(extras.get("config"), dict) else {}
    if config.get("level_norm"):
        return "level: each sample is scaled to one level before it is heard (its level does not change its tags)"
    if "level_norm" in config:
        return "level: each sample heard at its own level (trained with --keep-level: loudness is part of its words)"
    return ("level: heard as it is (a pack trained before 2026-12-04: a very quiet sample may get other tags than "
            "the same sound loud; train it again to change that)")


def synth_level_words(extras: dict) -> str:
    """`pack inspect`'s line for a synth pack's playing level: ``extras.level_db`` (dB the box's synth multiplies its
    notes by, device.audio.synth_pack) and how it was fitted where the pack says (``extras.level_fit``, as
    trainer.synth.level writes it): "level: plays 15.9 dB louder than its training notes: levelled so that a note at
    velocity 100 peaks at -6 dBFS ...".  Before (p59 Q1 8), the factory synth's +15.9 dB was shown nowhere."""
    from device.audio.synth_pack import LEVEL_RANGE_DB
    if "level_db" not in extras:
        return ("level: plays at its training notes' level (no playing level set; "
                "hatbox pack level PACK sets one)")
    level, (lo, hi) = finite_or_none(extras["level_db"]), LEVEL_RANGE_DB
    if level is None or not lo <= level <= hi:
        return (f"level: extras.level_db {_t(repr(extras['level_db']))[:40]} is not a playing level "
                f"({lo:+g}..{hi:+g} dB): the box refuses the pack")
    louder = "louder" if level > 0 else "quieter"
    how = f"plays {abs(level):.1f} dB {louder} than its training notes" if round(level, 1) else \
        "plays at its training notes' level"
    fit = level_fit_words(extras.get("level_fit"), level)
    return f"level: {how}: {fit}" if fit else f"level: {how} (extras.level_db; the pack does not say how it was set)"


def level_fit_words(fit: Any, level: float) -> str:
    """How ``extras.level_fit`` says level ``level`` (dB) was fitted: "levelled so that a note at velocity 100 peaks
    at -6 dBFS (a drum kit's hits peak about -4 dBFS); its notes peaked at -21.9 dBFS before (median of 12)"; ""
    for no fit, one that is not of ``level`` (the level changed since) or one without its velocity and target."""
    if not isinstance(fit, dict) or finite_or_none(fit.get("level_db")) != level:
        return ""
    velocity, target = finite_or_none(fit.get("velocity")), finite_or_none(fit.get("target_peak_dbfs"))
    if velocity is None or target is None:
        return ""
    words = (f"levelled so that a note at velocity {velocity:g} peaks at {target:g} dBFS (a drum kit's hits peak "
             "about -4 dBFS)")
    before, after = _fit_median(fit.get("before")), _fit_median(fit.get("after"))
    if before is not None:
        of = f" (median of {before[1]})" if before[1] else ""         # (no per-note peaks said: no count)
        words += f"; its notes peaked at {before[0]:.1f} dBFS before{of}"
    if after is not None:
        words += f", {after[0]:.1f} dBFS after" if before is not None else \
            f"; its notes peak at {after[0]:.1f} dBFS at this level (median)"
    return words


def _fit_median(measured: Any) -> tuple[float, int] | None:
    """(median peak dBFS, how many notes) of a level fit's ``before`` or ``after``; None where it does not say."""
    if not isinstance(measured, dict) or (median := finite_or_none(measured.get("median_peak_dbfs"))) is None:
        return None
    peaks = measured.get("peaks_dbfs") if isinstance(measured.get("peaks_dbfs"), dict) else {}
    notes = [p for d in peaks.values() if isinstance(d, dict) for p in d.values() if finite_or_none(p) is not None]
    return median, len(notes)


def band_words(extras: dict) -> str:
    """What a tagger pack hears of a file of a higher rate than its training files (``config.heard_rate``, Hz; the
    thirtieth stop), or "" for a pack without one."""
    config = extras.get("config") if isinstance(extras.get("config"), dict) else {}
    rate = config.get("heard_rate")
    if isinstance(rate, bool) or not isinstance(rate, int) or rate <= 0:
        return ""
    top = f"{rate / 2000:.1f}".removesuffix(".0")
    return (f"band: its training files were {rate / 1000:g} kHz at most, so it hears every file up to "
            f"{top} kHz, as it heard them")



def timbres_line(names: list[Any], show: Any = str) -> str:
    """`pack inspect`'s line for a synth's timbres: the four corners of the pad take four of them (repeated when
    fewer); one timbre has nothing to blend (reports QA of the forty-first stop: "flute (hatbox play --corners takes
    four of these)")."""
    listed = show(", ".join(map(str, names)))
    if len(names) == 1:
        return f"timbre: {listed}  (one timbre: the pad has nothing to blend; train on more instruments for that)"
    more = "" if len(names) >= 4 else ", a name may be given more than once"
    return f"timbres: {listed}  (hatbox play --corners takes four of these{more})"

SCORES = {      # metric -> what it says ({target}: what it is scored against), for the figures a musician reads first
    # (the rest follows under "figure")
    "val_esr": "held-out error {} (the mean over the pairs; ESR: 0 = identical to {target}, under %g is close)"
               % CLOSE_ESR,
    "val_bypass_esr": "with no effect at all (bypass) the error would be {}",
    "heldout_pitch_median_abs_cents": "pitch error on held-out notes {} cents (median)",
    "heldout_mrstft": "spectral distance to the held-out notes {} (lower is better)",
    "holdout_macro_f1": "held-out macro-F1 {} (1 = every tag right; on other files of the folders or CSV it trained "
                        "on, not a library it has never heard)",    # a drum pack's or a producer's pads (p42)
}
TRAINING = ("train_steps", "steps", "train_seconds", "load_check_seconds")
# metric -> its line in words ({} takes the value), for the other figures the trainers write; "" leaves it out (said
# elsewhere: the header, the model line).  A key not listed here (a newer trainer's) is printed as "figure KEY: value".
FIGURES = {
    "params": "",
    "arch": "",
    "sample_rate": "",
    "eval_set": "",
    "val_esr_pooled": "held-out error with every pair pooled into one recording {} (loud pairs weigh more than in "
                      "the mean above)",
    "val_esr_per_setting": "held-out error per knob setting: {}",
    "val_esr_per_pair": "held-out error per pair: {}",
    "val_bypass_esr_per_pair": "with no effect (bypass), per pair: {}",
    "val_esr_torch": "held-out error on the trainer's own check windows {} (what picked the best model while "
                     "training; the figures above play each pair's whole held-out stretch through the pack, its "
                     "start included)",
    "latency": "the gear's recording lags its input by (samples, per pair): {}",
    "onnx_parity_max_abs": "the exported model plays as the trained one did: largest sample difference {} dBFS",
    "gear_max_gain_db": "the gear's loudest gain over the recordings {} dB",
    "others_cores": "other programs kept {} cores busy while it trained",
    "device": "trained on {}",                              # "cpu", "cuda:0 (NVIDIA H100 80GB HBM3)" (trainer.accel)
    "stopped_early": "training stopped early: {} (the pack holds what was trained by then)",
    "no_holdout": "",                                       # said by the training-note figures' own words
    "no_holdout_why": "no notes were held out: {}",          # trainer.synth.train.no_holdout_why
    "arch_trials": "models tried (held-out error): {}",
    "denoise_snr": "",                                      # said by denoise_line, under the held-out error
    "arch_trial_skipped": "model trial skipped: {}",
    "heldout_notes": "held-out notes {}",
    "envelope": "envelope {}",                              # "from your notes (21): attack 22 ms, falls to ..."
    "heldout_pitch_p90_abs_cents": "",                      # said by pitch_share_line, with its notes counted
    "train_set_pitch_median_abs_cents": "pitch error on training notes {} cents (median; no notes were held out)",
    "train_set_pitch_p90_abs_cents": "",                    # said by pitch_share_line
    "train_set_mrstft": "spectral distance to the training notes {} (lower is better)",
    "heldout_mrstft_sine": "a plain sine at each held-out note's pitch and loudness scores {} (the distance's scale)",
    "train_set_mrstft_sine": "a plain sine at each training note's pitch and loudness scores {} (the distance's scale)",
    "train_set_notes": "training notes scored {}",
    "holdout_items": "held-out samples {}",
    "holdout_scored_words": "",                             # said by the macro-F1's line (or its no-score line)
    "holdout_f1_per_word": "",                              # for a retrain's comparison (hatbox.replaced)
    "holdout_labels": "held-out words on those samples {} (each word on each file; what a comparison stands on)",
    "holdout_left_out": "left out of the macro-F1 (on every file: it tells the sounds nothing apart): {}",
    "train_items": "trained on {} samples",
    "silent_files": "silent files left out {}",
    "skipped_files": "unreadable files left out {}",
}


def _db(value: object) -> str | None:
    """A dB figure of ``denoise_snr`` as the line says it ("15.1"), None where it is no finite number."""
    v = finite_or_none(value)
    return None if v is None else f"{v:.1f}"


def denoise_line(metrics: dict) -> str | None:
    """A denoiser pack's SNR figures (its metrics' ``denoise_snr``: trainer.effect.denoise_figures.pack_summary) in
    words: "noise removed (median over the 8 held-out pairs; SNR against the clean take): input 6.6 dB, the pack
    15.1 dB (median gain per pair +8.2 dB); spectral gating (noisereduce, offline) +6.0 dB; trained at levels -24
    to +6 dB of its pairs"; None for a pack without them (gear, or a denoiser trained before the sixtieth stop)."""
    fig = metrics.get("denoise_snr")
    if not isinstance(fig, dict):
        return None
    inp, out, gain = _db(fig.get("input_snr_median")), _db(fig.get("pack_snr_median")), \
        finite_or_none(fig.get("pack_gain_median"))
    if inp is None or out is None or gain is None:
        return None
    n = fig.get("pairs")
    over = f"median over the {n} held-out pairs" if isinstance(n, int) and n > 1 else "the held-out pair"
    nr = finite_or_none(fig.get("noisereduce_gain_median"))
    levels = fig.get("levels_db")
    return (f"noise removed ({over}; SNR against the clean take): input {inp} dB, the pack {out} dB (median gain per "
            f"pair {gain:+.1f} dB)" + ("" if nr is None else f"; spectral gating (noisereduce, offline) {nr:+.1f} dB")
            + (f"; trained at levels {levels[0]:+.0f} to {levels[1]:+.0f} dB of its pairs"
               if isinstance(levels, list) and len(levels) == 2 and None not in map(finite_or_none, levels) else ""))


def _value_words(key: str, value: object) -> str:
    """A metric's value as its line says it: cents to a tenth (hatbox.text.cents_words), other numbers
    (hatbox.text.number_words), lists and tables (:func:`_metric_text`)."""
    if key.endswith("_cents") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return cents_words(float(value))
    return number_words(value) if isinstance(value, float) else _metric_text(value)


def figure_lines(metrics: dict) -> list[str]:
    """The manifest's other figures (not :data:`SCORES`, not the training time) as lines in words: the model and
    its size first, then each known figure (:data:`FIGURES`), then any other as "figure KEY: value"."""
    lines = []
    if metrics.get("arch") is not None:
        size = metrics.get("params")
        lines.append(f"model {metrics['arch']}" + (f", {size:,} parameters" if isinstance(size, int) else ""))
    for key, value in sorted(metrics.items()):
        if key.endswith(P90_CENTS) and isinstance(value, (int, float)) and not isinstance(value, bool):
            lines.append(pitch_share_line(key, metrics))
            continue
        if key in SCORES or key in TRAINING or FIGURES.get(key) == "" or value is None:
            continue
        if key == "single_pair":
            if value is True:
                lines.append("trained from one recording pair (--input/--target), not a pairs.csv set")
            continue
        if key == "onnx_parity_max_abs" and isinstance(value, (int, float)):
            value = round(20.0 * math.log10(max(float(value), 1e-12)))        # a sample difference as a level
        text = _value_words(key, value)
        lines.append(FIGURES[key].format(text) if key in FIGURES else f"figure {key}: {text}")
    return lines


P90_CENTS = "_pitch_p90_abs_cents"      # a synth's 90th percentile of |pitch error| (trainer.synth.report)
FEW_NOTES = 10                          # under this many notes scored, "9 in 10" is said as a count: "1 of 2"


def within_count(notes: int) -> int:
    """How many of ``notes`` scored notes are surely at or under their 90th percentile (numpy's linear one, as
    trainer.synth.report takes it): those up to its index, ``0.9 * (notes - 1)`` rounded down, so 9 of 10, 1 of 2."""
    return 9 * (notes - 1) // 10 + 1


def share_count(metrics: dict, tag: str) -> tuple[int, int] | None:
    """Of how many notes a synth's 90th-percentile pitch error holds, counted, ``(k, n)``: ``k`` of the ``n`` notes
    scored on ``tag``'s set ("heldout": metrics' ``heldout_notes``; "train_set": ``train_set_notes``) where ``n`` is
    under :data:`FEW_NOTES` (:func:`within_count`); None where it is said "9 in 10" (more notes, or no count)."""
    n = metrics.get(f"{tag}_notes")
    if isinstance(n, bool) or not isinstance(n, int) or not 0 < n < FEW_NOTES:
        return None
    return within_count(n), n


def pitch_share_line(key: str, metrics: dict) -> str:
    """The line of a synth's 90th-percentile pitch error ``key`` ("heldout_..." or "train_set_..."): "9 in 10
    held-out notes are off their pitch by 3.5 cents"; over fewer than :data:`FEW_NOTES` notes scored (the metrics'
    ``heldout_notes`` or ``train_set_notes``), counted: "1 of 2 training notes is off its pitch by 12.4 cents or
    less" (it said "9 in 10" of 2 notes: QA of the fifty-fourth stop)."""
    held = key.startswith("heldout")
    kind = "held-out" if held else "training"
    cents = cents_words(float(metrics[key]))
    counted = share_count(metrics, key.split(P90_CENTS)[0])
    if counted is None:
        return f"9 in 10 {kind} notes are off their pitch by {cents} cents"
    k, n = counted
    if n == 1:
        return f"the one {kind} note scored is off its pitch by {cents} cents"
    return f"{k} of {n} {kind} notes {'is' if k == 1 else 'are'} off {'its' if k == 1 else 'their'} pitch by " \
           f"{cents} cents or less"


def _natural(key: object) -> list[object]:
    """A sort key that puts "pairs.csv line 2" before "pairs.csv line 10" (numbers compared as numbers)."""
    import re
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(key))]


def _channel_words(m: Any) -> str:
    """The header's audio words by kind: an effect's channels and latency; a synth's output (it takes no audio);
    nothing for a tagger (it reads any file, mixed to mono)."""
    def n(c: int) -> str:
        return {1: "mono", 2: "stereo"}.get(c, f"{c}-channel")
    if m.kind == "effect":
        return f", {n(m.channels_in)} in, {n(m.channels_out)} out, latency {count_words(m.latency_samples, 'sample')}"
    if m.kind == "synth":
        return f", {n(m.channels_out)} out"
    return ""


def score_lines(metrics: dict) -> list[str]:
    """The pack's scores in words (:data:`SCORES`, :func:`_shown_score`) and "trained N steps in S s", from its
    manifest's metrics; an effect's "trained 188 steps in 60 s of training; 8 s loading and checking" (its
    ``load_check_seconds``: the time around the training, which "in 68 s" took in before the fifty-fourth stop)."""
    lines = [line for line in (_shown_score(key, metrics) for key in SCORES) if line]
    steps = next((metrics[k] for k in ("train_steps", "steps") if isinstance(metrics.get(k), int)), None)
    if steps is not None and isinstance(metrics.get("train_seconds"), (int, float)):
        lines.append(f"trained {steps} steps in {seconds_words(metrics, '.0f')}")
    return lines


def _shown_score(key: str, metrics: dict) -> str:
    """:data:`SCORES`' line of ``key`` in ``metrics``: its value in words; a tagger's macro-F1 that is no score
    (device.store_layout.no_held_out_score) as :func:`no_score_line`; "" where the pack has no such figure.  A
    denoiser's (its ``denoise_snr``) target is its clean takes, not gear."""
    from device.store_layout import MACRO_F1, no_held_out_score
    if key == MACRO_F1 and no_held_out_score(metrics):
        return no_score_line(metrics)
    value = metrics.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    target = "the clean takes" if isinstance(metrics.get("denoise_snr"), dict) else "the gear"
    return SCORES[key].format(_value_words(key, float(value)), target=target)


OLD_ZERO = ("a tagger trained before the fifty-first stop stored 0 also where none of its held-out files carried any "
            "of its words")     # why its stored macro-F1 of 0 (no holdout_scored_words beside it) is no score to go by


def no_score_line(metrics: dict) -> str:
    """`pack inspect`'s line for a tagger that could score no word on its held-out files: "no held-out score (none
    of the 4 held-out files carries any of its words)"; one of before the fifty-first stop stored macro-F1 0 there,
    said as such (it may be a real 0: not told apart, :data:`OLD_ZERO`)."""
    from device.store_layout import MACRO_F1, SCORED_WORDS, nothing_held_out
    n = metrics.get("holdout_items")
    if nothing_held_out(metrics):
        return "no held-out score (no file was held out to score it on: every word had too few, or --holdout 0)"
    held = count_words(n, "held-out file")
    if SCORED_WORDS not in metrics and MACRO_F1 in metrics:
        return f"held-out macro-F1 0 on {held}: no held-out score to go by ({OLD_ZERO})"
    return f"no held-out score (none of the {held} carries any of its words)"


def _metric_text(value: object) -> str:
    """A metric as `pack inspect` prints it: numbers to four significant digits, a mapping as "key: value" pairs
    (not a Python dict), anything else as it is."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_metric_text(v)}" for k, v in sorted(value.items(), key=lambda kv: _natural(kv[0])))
    if isinstance(value, list):
        return ", ".join(_metric_text(v) for v in value)
    return str(value)


def _signature_line(pack: Pack, key: str | None) -> str:
    """What to say of the pack's signature; with ``key`` (a public key file or a folder of them) it is checked,
    and a signature that does not verify, or none, is a PackError."""
    from export.pack import SIGNATURE
    from export.signing import OTHER_KEY, key_id, verify_manifest

    signed = SIGNATURE in pack.members
    if key is None:
        return ("signed (manifest.sig), not checked: give --key KEY.pub to check it" if signed else
                "not signed (hatbox pack sign PACK --key KEY.pem signs it)")
    keys = _public_keys(Path(key))
    if not signed:
        raise PackError(f"{pack.path.name} is not signed", check="signature",
                        hint="sign it with the private key: hatbox pack sign PACK --key KEY.pem")
    try:
        signer = verify_manifest(pack.manifest_bytes, pack.members[SIGNATURE], keys)
        return f"signature verified: signed by key {signer}"
    except PackError:
        ids = ", ".join(key_id(k) for k in keys)
        raise PackError(f"{pack.path.name}: the signature does not verify with {key} (key {ids}): {OTHER_KEY}",
                        check="signature") from None


def _public_keys(path: Path) -> list[Any]:
    """The public key in file ``path``, or every one in folder ``path``; HatboxError when there is none."""
    from export.signing import load_public, load_trusted

    if path.is_dir():
        keys = load_trusted(path)
        if not keys:
            raise HatboxError(f"no ed25519 public key (*.pub, *.pem) in {path}")
        return keys
    if not path.is_file():
        raise HatboxError(f"no key at {path}", hint="hatbox keygen KEY.pem writes KEY.pem and its public key KEY.pub")
    try:
        return [load_public(path.read_bytes())]
    except PackError as exc:
        raise HatboxError(f"{path} is not an ed25519 public key: {_why(exc)}",
                          hint="give the .pub file hatbox keygen wrote beside the private key") from None


def _why(exc: PackError) -> str:
    """A signing PackError's reason, without its "signature: " prefix."""
    return str(exc.args[0]).removeprefix("signature: ")


def signing_key(key_file: Path) -> Any:
    """The ed25519 private key in ``key_file`` (as ``hatbox keygen`` writes it); HatboxError naming the file
    when it is missing or not such a key (`hatbox pack sign`, `hatbox push --sign`)."""
    from export.signing import load_private

    if key_file.is_dir():
        raise HatboxError(f"--key {key_file} is a folder: give the private key file hatbox keygen wrote (KEY.pem)",
                          hint=f"e.g. --key {key_file / 'KEY.pem'}, or make one with: hatbox keygen KEY.pem")
    if not key_file.is_file():
        raise HatboxError(f"no signing key at {key_file}", hint="make one with: hatbox keygen KEY.pem")
    try:
        return load_private(key_file.read_bytes())
    except PackError as exc:
        raise HatboxError(f"{key_file} is not an ed25519 private key: {_why(exc)}",
                          hint="give the private key hatbox keygen wrote (KEY.pem, not KEY.pub)") from None


def sign(args: argparse.Namespace) -> int:
    from export.pack import read_pack
    from export.signing import key_id, sign_pack

    key = signing_key(Path(args.key))
    if args.out is not None:
        check_out(args.out, folder_must_exist=True)       # sign_pack makes no folder
    read_pack(args.pack)                                  # a damaged pack says so as inspect does
    refused = box_refusal(args.pack)
    if refused:
        raise HatboxError(f"the box would refuse {args.pack} ({refused}), so it is not signed: nothing was written",
                          hint="train or export it again, then sign that pack")
    out = sign_pack(args.pack, key, args.out)
    print(f"signed {out} with key {key_id(key.public_key())}")
    return 0
