"""`hatbox train effect` (capture gear into a pack) and `hatbox render` (run a pack offline).

Torch is imported only inside the train handler; `hatbox render` needs numpy + onnxruntime only.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from export.manifest import MAX_KNOBS
from hatbox.advice import Limit, limit_words, next_block, run_limit, seed_words, times_words
from hatbox.argtypes import minutes, seed, whole
from hatbox.errors import HatboxError, KnobError
from hatbox.names import default_name_help
from hatbox.text import count_words, number_words

CLOSE_ESR = 0.02           # held-out ESR said to be close to the gear: the captures' target (README, Measured figures)
DEVICE_HELP = "cpu, cuda, cuda:N or mps (default: CUDA if present; docs/cloud.md: training on a rented GPU)"
# The names of trainer.effect.models.ARCHS, the default first: that module imports torch, which `hatbox --help` must
# not; tests/effect/test_p44_new_arch.py fails, naming this line, when an architecture is added there and not here.
ARCH_NAMES = ("gru", "lstm", "tcn", "tcn_gru")
SETTINGS_SHOWN = 8          # per-setting held-out errors printed after training (worst first; all in the report)


def register(cli) -> None:
    t = cli.subcommand("train", "effect", "capture an effect (pedal, amp, compressor, denoiser) from "
                       "recordings into a .hatpack", train, group_help="train a model into a .hatpack")
    t.add_argument("data", nargs="?", help="folder holding pairs.csv (columns input,output,<knobs...>; at most "
                                            f"{MAX_KNOBS} knob columns that change value)")
    t.add_argument("--input", help="a single pair: the dry input WAV")
    t.add_argument("--target", help="a single pair: the gear's output WAV")
    t.add_argument("--out", required=True, help="where to write the .hatpack")
    t.add_argument("--minutes", type=minutes(), default=5.0, help="training time budget (default 5)")
    t.add_argument("--arch", default=None,
                   help=f"{ARCH_NAMES[0]} (default), {', '.join(ARCH_NAMES[1:])}, or auto: gru and tcn each train a "
                        "fifth of the budget, gru keeps the rest unless tcn is 5x better (as on drive pedals)")
    t.add_argument("--seed", type=seed(), default=None,
                   help="random seed (default 0): another seed trains another network from the same recordings, "
                        "worth a try when one run sounds off")
    t.add_argument("--resume", action="store_true",
                   help="train on from where the training of --out stopped (its state is kept beside the pack, in "
                        "PACK.hatpack.resume), for --minutes (or --max-steps) more; DATA may be left out (the same "
                        "recordings, which must not have changed); --arch, --seed and model.* stay as they were")
    t.add_argument("--device", default=None, help=DEVICE_HELP)
    t.add_argument("--report", help="folder for the training report (markdown + plots)")
    t.add_argument("--name", help=default_name_help("the data folder's name (with --input, the --out file's: "
                                                    "amp.hatpack -> amp)") + "; shown by the box and its panel")
    t.add_argument("--allow-clipping", action="store_true", help="accept recordings with flat-topped peaks")
    t.add_argument("--takes-normalised", action="store_true",
                   help="train takes whose peaks all sit at one normalising level (refused otherwise: normalising "
                        "each take in the DAW throws the gear's levels away)")
    t.add_argument("--keep-dry-channel", action="store_true",
                   help="train an output whose other channel is the DI itself on the mix of both (refused "
                        "otherwise: the pack would learn a blend of dry and wet sound)")
    t.add_argument("--threads", type=whole(1, 1024), default=None,
                   help="CPU threads for torch (default 1, as --set threads=N; on a shared CPU more threads thrash)")
    t.add_argument("--max-steps", "--steps", dest="max_steps", type=int,
                   help="(--steps, as the other trainers call it, is the same) "
                        "stop after exactly this many optimiser steps in all (quick, repeatable tries; fewer if "
                        "--minutes runs out first); with --arch auto each trial takes a fifth of them, rounded "
                        "down, and the chosen one the rest (under 5: no trial, gru takes them all)")
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="advanced: a training setting (batch, chunk, lr, stft_weight, ...) or model.KEY; the "
                        "sizes have ranges (docs/effect.md, Settings)")

    r = cli.command("render", "run an audio file through an effect pack, offline, as a running box plays it "
                              "(without the 10 ms fades of a box's start and stop)", render)
    r.description = RENDER_WORDS
    r.add_argument("pack", help="the .hatpack")
    r.add_argument("--input", required=True, help="input audio file (at the pack's sample rate)")
    r.add_argument("--out", required=True, help="output WAV (32-bit float)")
    r.add_argument("--force", action="store_true", help="write over a file at --out that hatbox did not write")
    r.add_argument("--knob", action="append", default=[], metavar="NAME=VALUE",
                   help="set a knob in the gear's units (repeatable)")
    r.add_argument("--block", type=int, default=128, help="block size in samples (default 128)")


RENDER_WORDS = ("run an audio file through an effect pack, offline, as a running box plays it: its effect slot "
                "(the guard, the bypass to the dry input on a fault, the DC blocker) and its output stage (the -1 "
                "dBFS limiter).  `hatbox device run --input` starts the box with the file, so its take differs at "
                "the ends: it fades in over its first 10 ms and glides to silence over its last 10 ms (a box's start "
                "and stop ramps, no click on the speakers), and its output stage remembers that start for a moment "
                "(docs/effect.md); a render keeps the take's first and last 10 ms as the pack gives them")


def parse_knobs(items: list[str]) -> dict[str, str]:
    """["drive=6", "tone=3500 Hz"] -> {"drive": "6", "tone": "3500 Hz"}: the value's text, read against the
    pack's knob (its unit may follow the number: device.audio.effect.knob_number); KnobError on an item that is
    not NAME=VALUE, or on a knob given twice (in any case: the last one would win silently)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise KnobError(f"--knob expects NAME=VALUE, got {item!r}")
        same = next((given for given in out if given.lower() == name.lower()), None)   # knobs match any case
        if same is not None:
            raise KnobError(f"--knob {same} given twice ({out[same]} and {value}): give each knob once")
        out[name] = value
    return out


def parse_settings(items: list[str]) -> dict[str, object]:
    """``--set`` items (``chunk=2048``, ``model.hidden=48``) -> TrainConfig keywords (``model`` nested)."""
    config: dict[str, object] = {}
    model: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or key == "model.":
            raise KnobError(f"--set expects KEY=VALUE, got {item!r}")
        try:
            parsed = json.loads(value)          # numbers, true/false, lists, objects
        except json.JSONDecodeError:
            parsed = value                      # anything else is a plain string
        (model if key.startswith("model.") else config)[key.removeprefix("model.")] = parsed
    if model:
        config["model"] = model
    return config


def steps_text(steps: int) -> str:
    """"1 step", "40 steps"."""
    return count_words(steps, "step")


def time_text(metrics: dict) -> str:
    """An effect's training time in words: "188 steps in 60.0 s of training; 7.7 s loading and checking" (its
    ``steps``, ``train_seconds`` and ``load_check_seconds``: the budget counts the first alone; "in 67.7 s", the
    two together, was more than a 60 s budget: QA of the fifty-fourth stop); a pack of before then: "... in 67.7 s"."""
    return f"{steps_text(metrics['steps'])} in {seconds_words(metrics)}"


def seconds_words(metrics: dict, fmt: str = "") -> str:
    """A pack's training seconds (``metrics``' ``train_seconds``, and ``load_check_seconds`` where it has them:
    the time around the training) in words, each number formatted with ``fmt`` (".0f": whole seconds): "60.0 s of
    training; 7.7 s loading and checking", or "60.0 s" (a pack of before the fifty-fourth stop)."""
    secs, other = format(metrics["train_seconds"], fmt), metrics.get("load_check_seconds")
    if not isinstance(other, (int, float)) or isinstance(other, bool):
        return f"{secs} s"
    return f"{secs} s of training; {format(other, fmt)} s loading and checking"


def held_out_line(esr: float, recordings: int = 1, denoiser: bool = False) -> str:
    """The summary's line for the held-out error ``esr`` (ESR: the error's energy over the gear's output energy,
    measured through the pack; the mean over ``recordings`` pairs), in words a musician can read: "held-out error
    0.0544 (ESR: 0 = identical to your gear, under 0.02 is close; mean over your 9 recordings)"; a ``denoiser``'s
    target is its clean takes, not gear."""
    mean = f"; mean over your {recordings} recordings" if recordings > 1 else ""
    target = "your clean takes" if denoiser else "your gear"
    return f"held-out error {number_words(esr)} (ESR: 0 = identical to {target}, under {CLOSE_ESR:g} is close{mean})"


def train(args: argparse.Namespace) -> int:
    from trainer.effect.train import OPTIONS, SETTINGS, train_effect
    settings = parse_settings(args.set)
    for key in settings:
        if key in OPTIONS:
            raise HatboxError(f"--set {key}: use the --{key.replace('_', '-')} option instead")
        if key not in SETTINGS and key != "model":
            raise HatboxError(f"--set {key}: unknown training setting",
                              hint="settings: " + ", ".join(SETTINGS) + ", model.KEY (e.g. model.hidden=24)")
    if args.threads is not None:
        if "threads" in settings:
            raise HatboxError("--threads and --set threads both given: give one")
        settings["threads"] = args.threads
    from trainer.accel import planned_device
    planned_device(args.device)         # refused in words before any work (a CPU-only torch, no such GPU, ...)
    from hatbox.replaced import kept_if_stopped, older_pack
    older = older_pack(args.out, "effect")        # compared with the new pack, always kept as NAME.prev.hatpack
    with kept_if_stopped(older, args.out) as keeper:  # stopped after the new pack was written: the older one kept first
        result = train_effect(args.data, args.out, input=args.input, target=args.target, name=args.name,
                              report=args.report, allow_clipping=args.allow_clipping, minutes=args.minutes,
                              arch=args.arch, seed=args.seed, device=args.device, max_steps=args.max_steps,
                              resume=getattr(args, "resume", False),
                              takes_normalised=getattr(args, "takes_normalised", False),
                              keep_dry_channel=getattr(args, "keep_dry_channel", False), **settings)
        if result.metrics:      # empty on a non-main torchrun process: rank 0 exports and reports
            keeper.keep()       # the older pack kept, the version carried, before a line of the summary is printed
            print_summary(result, getattr(args, "max_steps", None), getattr(args, "minutes", None))
            keeper.say()
    from hatbox.train_output import finish
    return finish(result.metrics.get("stopped_early"))     # stopped early: 130 after Ctrl-C, 143 after SIGTERM


def _knob_units(pack: Path) -> dict[str, str]:
    """{knob name: unit} of the pack at ``pack`` ({} when it cannot be read: the summary then shows plain values)."""
    from export.pack import read_pack
    try:
        return {k.name: k.unit for k in read_pack(pack).manifest.knobs}
    except Exception:  # noqa: BLE001 - only a nicety of the summary
        return {}


def _setting_words(key: str, units: dict[str, str]) -> str:
    """A setting's label ("drive=24 tone=0.8", trainer.effect.data.Pair.key) as knob_words says knobs: "drive 24 dB,
    tone 0.8"; a label it cannot read ("fixed") as it is."""
    from hatbox.text import knob_words
    try:
        values = {name: float(v) for name, v in (part.split("=", 1) for part in key.split())}
    except ValueError:
        return key
    return knob_words(values, units)


def next_lines(metrics: dict, limit: Limit, report: object = None) -> list[str]:
    """The summary's "next:" block: for a held-out error over :data:`CLOSE_ESR`, what ended the run (--max-steps,
    the --minutes budget, a Ctrl-C), --arch auto (after the default gru), another --seed, more or better
    recordings; and --report DIR when no report was written (``report`` None: it is written only when asked)."""
    esr = metrics.get("val_esr")
    hummed = metrics.get("val_esr_hum")
    if isinstance(esr, (int, float)) and isinstance(hummed, dict):       # the hum's part is not the pack's to mend
        esr = hummed.get("without", esr)
    far = isinstance(esr, (int, float)) and esr > CLOSE_ESR
    items = []
    if far:
        items.append(limit_words(limit))
        items.append(RESUME_WORDS)
        denoiser = bool(metrics.get("denoise_snr"))
        if metrics.get("arch") == "gru" and not metrics.get("arch_trials"):
            items.append("--arch auto: it tries tcn beside gru and keeps it when 5x better"
                         + ("" if denoiser else " (as on drive pedals)"))
        items += [seed_words("recordings"), DENOISER_MORE if denoiser else
                  "more or better recordings: longer takes, more knob settings, each output a recording of its own "
                  "input"]
    if report is None:
        items.append("--report DIR writes a report of the training (loss curves, error per knob setting, "
                     "spectrograms)")
    label = "held-out error without the hum" if isinstance(hummed, dict) else "held-out error"
    why = f"{label} {number_words(esr)} is {times_words(esr, CLOSE_ESR)} the {CLOSE_ESR:g} that is close; " \
          "to get closer, try:" if far else ""
    return next_block(items, why)


# a denoiser's set has no knob settings: more pairs of the noises it meets (docs/effect.md, "Denoiser pairs")
DENOISER_MORE = ("more or better pairs: longer takes, the noises of the rooms you record in, each mixed into the "
                 "clean take at several SNRs (a pack knows only the noises it heard)")


# no option of the budget named: the item above names the one that ended the run (tests/test_p41_advice_next.py)
RESUME_WORDS = "--resume: the same command again with --resume trains on from where this run stopped, keeping what " \
               "it learned"


def hum_line(metrics: dict) -> str | None:
    """The line under the held-out error for takes carrying mains hum their DI lacks (``metrics``' ``val_esr_hum``:
    trainer.effect.take_checks.hum_error): how much of the error is the hum's, and what is left without it; None
    where there is none."""
    hummed = metrics.get("val_esr_hum")
    if not isinstance(hummed, dict):
        return None
    return (f"  of it, about {number_words(hummed['share'])} is the mains hum on the takes (the DI has none, so the "
            f"pack does not learn it): without the hum the error is about {number_words(hummed['without'])}")


def resumed_line(resumed: dict) -> str:
    """The summary's line for a resumed training (metrics' ``resumed``: trainer.effect.train.resumed_figures):
    "resumed at step 1200 (after 300.0 s of training): 600 more steps in 120.0 s"."""
    return (f"resumed at step {resumed['from_step']} (after {resumed['from_seconds']} s of training): "
            f"{count_words(resumed['steps'], 'more step')} in {resumed['seconds']} s")


def print_summary(result, max_steps: int | None, minutes: float | None = None) -> None:
    """What the terminal shows after training: the pack, its held-out error (the SETTINGS_SHOWN worst settings),
    latencies, notes, warnings, the report's path, and what to try next (``result``: trainer.effect.train's result;
    ``max_steps``, ``minutes``: the run's --max-steps and --minutes)."""
    from trainer.cpuwatch import busy_warning
    m = result.metrics
    resumed = m.get("resumed")
    steps = resumed["steps"] if resumed else m["steps"]        # this run's (a --resume's added steps)
    limit = run_limit({**m, "steps": steps}, max_steps, minutes)       # what ended this run
    print(f"wrote {result.pack}: {m['arch']} ({m['params']} parameters), {time_text(m)}")
    if resumed:
        print(resumed_line(resumed))
    if m.get("stopped_early"):
        print(f"stopped early ({m['stopped_early']}): the pack holds the best model trained by then")
    if m.get("arch_trial_skipped"):
        print(f"note: {m['arch_trial_skipped']}")
    if m.get("arch_trials"):
        print("architecture chosen by trial: " + ", ".join(f"{a} {number_words(v)}" for a, v in m["arch_trials"].items())
              + " (held-out error after a fifth of the budget each)")
    print(held_out_line(m["val_esr"], len(m.get("val_esr_per_pair") or ()), bool(m.get("denoise_snr"))))
    if hum_line(m):
        print(hum_line(m))
    per_setting = list(m["val_esr_per_setting"].items())        # worst first
    if len(per_setting) == 1:       # one setting ("fixed": no knobs): its ESR is the mean above, said once
        per_setting = []
    units = _knob_units(result.pack)
    if per_setting:
        print("  held-out error per knob setting, worst first:")
    for key, value in per_setting[:SETTINGS_SHOWN]:
        print(f"    {number_words(value)} at {_setting_words(key, units)}")
    if len(per_setting) > SETTINGS_SHOWN:
        print(f"  ... and {len(per_setting) - SETTINGS_SHOWN} more settings in the report")
    print("latency found (samples): " + ", ".join(f"{k}: {v}" for k, v in m["latency"].items()))
    for note in result.notes:
        print(f"note: {note}")
    from hatbox.train_output import say_warnings
    busy = busy_warning(m.get("others_cores"), steps, max_steps)
    say_warnings(list(result.warnings) + ([busy] if busy else []), getattr(result, "said", ()))    # on stderr, once
    if result.report:
        print(f"report: {result.report}")
    for line in next_lines(m, limit, result.report):
        print(line)


def render(args: argparse.Namespace) -> int:
    from device.audio.effect import render_file
    from hatbox.errors import file_state, stopped_writing
    from hatbox.text import audio_bar, close_progress_bars
    before = file_state(args.out)
    try:
        lines = render_file(args.pack, args.input, args.out, parse_knobs(args.knob), block=args.block,
                            bar=lambda n, rate: audio_bar(n, rate, "rendering"), force=args.force)
    except KeyboardInterrupt as exc:
        close_progress_bars()
        raise stopped_writing(exc, "render", args.out, before) from None
    for line in lines:
        print(line)
    return 0
