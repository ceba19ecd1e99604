"""`hatbox` command line: one entry point, subcommands registered by small modules.

Each ``hatbox.cmd_*`` module exposes ``register(cli: Commands)`` and sets ``func`` on its
parsers; handlers take the parsed args and return an exit code.  Modules must not import
torch (or anything heavy) at import time: ``hatbox --help`` has to stay instant on the box.
"""
from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import importlib
import os
import signal
import sys
import threading
from typing import Any, Callable, Iterator, Sequence

from hatbox import __version__
from hatbox.errors import HatboxError, Terminated, file_state, stopped_by, stopped_words
from hatbox.exit_codes import INTERRUPTED, signal_code
from hatbox.text import close_progress_bars, display_name

COMMAND_MODULES = (
    "hatbox.cmd_pack",
    "hatbox.cmd_effect",
    "hatbox.cmd_synth",
    "hatbox.cmd_tag",
    "hatbox.cmd_device",
    "hatbox.cmd_service",
    "hatbox.cmd_check",
    "hatbox.cmd_remote",
    "hatbox.cmd_devices",
    "hatbox.cmd_midi",
    "hatbox.cmd_kit",
    "hatbox.cmd_logs",
    "hatbox.cmd_box_knob",
    "hatbox.cmd_demo",
    "hatbox.cmd_capture",
)

Handler = Callable[[argparse.Namespace], int]
# INTERRUPTED (hatbox.exit_codes, 130): the exit code of a command stopped by Ctrl-C; a HatboxError with it is no error


class Commands:
    """The parser tree handed to each command module."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.top = parser.add_subparsers(dest="command", metavar="COMMAND")
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def command(self, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        """Add a top-level command ``hatbox NAME``."""
        p = self.top.add_parser(name, help=help, description=help)
        p.set_defaults(func=handler)
        return p

    def group(self, name: str, help: str) -> argparse._SubParsersAction:
        """Subcommands of ``hatbox NAME ...`` (created once, shared between modules)."""
        if name not in self._groups:
            gp = self.top.add_parser(name, help=help, description=help)
            gp.set_defaults(func=lambda _a, _p=gp: (_p.print_help(), 2)[1])
            self._groups[name] = gp.add_subparsers(dest=f"{name}_command", metavar="WHAT")
        return self._groups[name]

    def parser(self, group: str, name: str) -> argparse.ArgumentParser:
        """The parser of ``hatbox GROUP NAME`` (registered before)."""
        return self._groups[group].choices[name]

    def subcommand(self, group: str, name: str, help: str, handler: Handler,
                   group_help: str = "") -> argparse.ArgumentParser:
        p = self.group(group, group_help or group).add_parser(name, help=help, description=help)
        p.set_defaults(func=handler)
        return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hatbox", description="hatbox: a trainable neural instrument")
    parser.add_argument("--version", action="version", version=f"hatbox {__version__}")
    cmds = Commands(parser)
    for name in COMMAND_MODULES:
        module = _command_module(name)
        if module is not None:
            module.register(cmds)
    from hatbox.path_args import mark_local_paths
    mark_local_paths(parser)                 # every path on this computer read alike: "~/My Words" quoted too (p50)
    return parser


def _command_module(name: str) -> Any:
    """The command module ``name`` of :data:`COMMAND_MODULES`, or None, said on stderr, when there is no such module.
    The other commands still work (the skeleton named modules that helpers had not written yet, and skipped them
    silently); but a misspelt name lost its commands without a word (p44 review), so it is said every time."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
            raise                  # a module it imports is missing: that is the module's own error
    print(f"hatbox: warning: COMMAND_MODULES in hatbox/cli.py names {name}, which does not exist: its commands are "
          "missing (a misspelt name, or a module not written yet)", file=sys.stderr)
    return None


def _escape_names(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte of a name that is not valid UTF-8 as ``\\xNN`` (:func:`hatbox.text.display_name`),
    any other character the stream cannot encode as a backslash escape."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    chunk = err.object[err.start:err.end]
    return "".join(display_name(c) if 0xD800 <= ord(c) <= 0xDFFF
                   else c.encode("ascii", "backslashreplace").decode("ascii") for c in chunk), err.end


def _printable_names() -> None:
    """Let stdout and stderr print any file name: a name that is not valid UTF-8 (a Latin-1 "caf\\xe9.wav")
    would raise UnicodeEncodeError in a strict UTF-8 stream; it is shown as ``caf\\xe9.wav`` instead (the
    escape `hatbox tag` uses).  A C/POSIX locale's streams (ASCII, surrogateescape: "Ü" raised UnicodeEncodeError,
    p44 QA) and a Latin-1 one's print a character they cannot hold as a backslash escape too."""
    codecs.register_error("hatbox-names", _escape_names)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure) and getattr(stream, "errors", "strict") in ("strict", "backslashreplace",
                                                                             "surrogateescape"):
            reconfigure(errors="hatbox-names")


def _sub_choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers of ``parser`` by name ({} when it has none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def check_options(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Before argparse: a command that does not exist (``hatbox trian``) is named with the closest one; a long option
    the command does not have (``hatbox tag --pakc x``) is named, with the closest one it has, under that command's
    usage; argparse alone said "the following arguments are required:
    --pack", or "unrecognized arguments" under the top-level usage.  A prefix of an option is one (argparse
    takes abbreviations); anything after ``--`` is left alone; a name that starts with a single - is named as such
    (:func:`_check_dash_name`).  Exits as argparse does (code 2)."""
    import difflib
    current, place = parser, _Place()       # place: where the next value goes (an option's values, a positional)
    for token in argv:
        if token == "--":
            return
        if not token.startswith("-"):
            subs = _sub_choices(current)
            if subs and token not in subs:      # a command mistyped: argparse said "invalid choice" and all of them
                close = [f"box-{token}"] if f"box-{token}" in subs else \
                    difflib.get_close_matches(token, list(subs), n=1, cutoff=0.6)   # devices: box-devices, not device
                current.error(f"unknown command {token!r}" + (f" (did you mean {close[0]}?)" if close else "")
                              + f"; {current.prog} --help lists its commands")
            current, place = (subs[token], _Place()) if token in subs else (current, place.took())
            continue
        if not token.startswith("--"):
            _check_dash_name(current, token, place)
            continue
        name = token.split("=", 1)[0]
        place = _Place(positionals=place.positionals,
                       option=None if "=" in token else _takes_values(current, name))
        known = [o for a in current._actions for o in a.option_strings if o.startswith("--")]
        if name in known or any(o.startswith(name) for o in known) or len(name) < 3:
            continue
        close = [] if hasattr(current, "unknown_option_hint") else \
            difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        current.error(f"unknown option {name}" + (f" (did you mean {close[0]}?)" if close else "")
                      + getattr(current, "unknown_option_hint", f"; {current.prog} --help lists its options"))


class _Place:
    """Where the next value on a command line goes: ``option``'s values (``taken`` of them given so far) while it
    takes more, else the ``positionals``-th positional argument of the command (0 first)."""

    def __init__(self, positionals: int = 0, option: argparse.Action | None = None, taken: int = 0) -> None:
        self.positionals, self.option, self.taken = positionals, option, taken

    def took(self) -> "_Place":
        """The place after one more value (not a command, not an option) was given."""
        if self.option is not None and self.taken + 1 < _most_values(self.option):
            return _Place(self.positionals, self.option, self.taken + 1)
        if self.option is not None and self.taken < _most_values(self.option):
            return _Place(self.positionals)         # the option's last value
        return _Place(self.positionals + 1)


def _most_values(action: argparse.Action) -> float:
    """How many values ``action`` takes at most (``nargs``)."""
    n = action.nargs
    return 1 if n is None or n == "?" else n if isinstance(n, int) else float("inf")


WORD_NAMES = ("tag", "word", "note", "key", "name")      # a value so named is a word, not a file


def _value_name(action: argparse.Action, index: int) -> str:
    """The name of ``action``'s ``index``-th value ("TAG", "FILE", "name"): its metavar (the last of a tuple for the
    values past it), else its dest."""
    meta = action.metavar
    if isinstance(meta, tuple):
        return meta[min(index, len(meta) - 1)]
    return str(meta or action.dest)


def _is_word(name: str) -> bool:
    """Whether a value named ``name`` ("TAG", "tags", "FILE") is a word rather than a path."""
    return any(w in name.lower() for w in WORD_NAMES)


def _positional(parser: argparse.ArgumentParser, index: int) -> argparse.Action | None:
    """``parser``'s positional argument that the ``index``-th positional value given fills (None past them all)."""
    for action in parser._actions:
        if action.option_strings or isinstance(action, argparse._SubParsersAction):
            continue
        if index < _most_values(action):
            return action
        index -= int(_most_values(action))
    return None


def _check_dash_name(parser: argparse.ArgumentParser, token: str, place: _Place | None = None) -> None:
    """An argument with one leading dash that is none of ``parser``'s short options (``-k``, ``-k5``) nor a negative
    number: a file name or word that starts with - (``-dash/-x.wav``, ``-snare``), which argparse took for an option
    and refused as "unrecognized arguments" (or "expected N arguments" after an option).  Said so, with the way to
    give it that argparse takes there (:func:`_dash_ways`); ``place``: where it was given.  Exits as argparse does
    (2)."""
    import re
    matcher = getattr(parser, "_negative_number_matcher", None) or re.compile(r"-\d+$|-\d*\.\d+$")   # argparse's own
    if token == "-" or matcher.match(token):     # argparse's "-6"; box-knob's "-6dB" too (it sets its own matcher)
        return
    short = {o for a in parser._actions for o in a.option_strings if not o.startswith("--")}
    if token[:2] in short:
        return
    shown = display_name(token)
    parser.error(f"{shown} is no option of {parser.prog}; {_dash_ways(parser, shown, place or _Place())}")


def _dash_ways(parser: argparse.ArgumentParser, shown: str, place: _Place) -> str:
    """What works for value ``shown`` (starting with -) at ``place``: after an option taking one value,
    ``--opt=VALUE`` (for a trainer's --name: the pack name rule, which no name starting with - passes); among an
    option's several values, ``./NAME`` for a file (``--opt=`` would take only that one value) or a space before a tag
    (tags are stripped; argparse takes ``' -snare'`` as a value); for a positional tag, ``-- -crash``; else
    ``./NAME`` or ``--`` before it.  Paths and words are quoted for a POSIX shell."""
    import shlex
    option = place.option
    if option is not None and "--name" in option.option_strings and " train " in f" {parser.prog} ":
        from export.manifest import name_problem
        return f"a pack name cannot start with -: {name_problem(shown)}"
    if option is not None:
        flag = max(option.option_strings, key=len)
        what = _value_name(option, place.taken)
        if _most_values(option) == 1:
            return f"for a value that starts with - write {flag}={shlex.quote(shown)}"
        if _is_word(what):
            return (f"for a {what} that starts with - put a space before it, quoted: {shlex.quote(' ' + shown)} "
                    f"(the space is dropped; {flag}={shown} would make it the {_value_name(option, 0)})")
        return f"for a name that starts with - : write {shlex.quote('./' + shown)}"
    action = _positional(parser, place.positionals)
    if action is not None and _is_word(_value_name(action, 0)):
        return (f"for a {_value_name(action, 0).rstrip('s')} that starts with - : put -- before it, after the "
                f"options ({parser.prog} ... -- {shlex.quote(shown)}): all that follows -- is taken as "
                f"{_value_name(action, 0)}")
    return f"for a name that starts with - : write {shlex.quote('./' + shown)} or put -- before it"


def _takes_values(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The action of ``token`` (``--fix``, ``--tag``; no ``=value``, or a prefix argparse takes) when it is an
    option of ``parser`` that takes values, else None."""
    for action in parser._actions:
        if action.nargs != 0 and any(o == token or (len(token) > 2 and o.startswith(token))
                                     for o in action.option_strings if o.startswith("--")):
            return action
    return None


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (`kill`, a service manager) and SIGHUP (a closed terminal) are met as Ctrl-C is while a command runs:
    the same clean-up (a training writes nothing, a report folder it made is removed, push-library's temporary archive
    goes) and "interrupted (SIGHUP)", exit 128 + the signal (:func:`stopped_code`: 143 after SIGTERM, 129 after
    SIGHUP).  Only from the main thread, and only for a signal with no handler of its own (`hatbox device run` sets
    its own; SIGHUP ignored, as under nohup, stays ignored)."""
    def interrupt(signum: int, frame: Any) -> None:
        raise Terminated(signal.Signals(signum).name)
    installed = []
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            try:
                sig = getattr(signal, name)
                if signal.getsignal(sig) is signal.SIG_DFL:
                    signal.signal(sig, interrupt)
                    installed.append(sig)
            except (ValueError, OSError, AttributeError):   # no such signal here (SIGHUP on Windows)
                pass
    try:
        yield
    finally:
        for sig in installed:
            signal.signal(sig, signal.SIG_DFL)


def stopped_code(exc: BaseException) -> int:
    """The exit code of a command that ``exc`` stopped, by the shell's rule 128 + the signal's number: 130 after
    Ctrl-C (SIGINT), 143 after SIGTERM, 129 after SIGHUP (:func:`hatbox.errors.stopped_by` tells which; a cloud's
    job runner and systemd read 143 as "terminated as asked"): hatbox.exit_codes.signal_code, the trainers' rule too."""
    return signal_code(stopped_by(exc))


def torchrun_rank() -> int:
    """This process's rank under torchrun (its RANK, with a WORLD_SIZE over 1, as trainer.accel.setup reads them);
    0 without torchrun, or when they are not numbers."""
    try:
        return int(os.environ.get("RANK", "0")) if int(os.environ.get("WORLD_SIZE", "1")) > 1 else 0
    except ValueError:
        return 0


def _say(line: str) -> None:
    """An error line on stderr, from the first process only under torchrun: every process checks the same data and
    gets the same Ctrl-C or SIGTERM, and said N times it was N copies of one line (p42 cloud QA 3)."""
    if torchrun_rank() == 0:
        print(line, file=sys.stderr)


def _say_stopped(line: str) -> None:
    """``line`` on stderr (:func:`_say`), if it can still be written: after SIGHUP the terminal may be gone (EIO),
    and a traceback for that would be the only thing left."""
    try:
        _say(line)
    except OSError:
        pass


def _say_internal(exc: Exception) -> None:
    """An unexpected error, said by every torchrun process, each other than the first naming its rank on one line:
    it may be that process's own (a GPU of its own out of memory), and torchrun's summary does not say it."""
    rank = torchrun_rank()
    if rank:
        print(f"hatbox (torchrun rank {rank}): internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return
    print(f"hatbox: internal error: {type(exc).__name__}: {exc}\n"
          "  (run again with HATBOX_DEBUG=1 for the full traceback, and please report it)", file=sys.stderr)


def disk_full(exc: OSError) -> HatboxError:
    """A full disk (or a used-up quota) met by any command, in words: which file, when the error names it."""
    where = f" writing {exc.filename}" if exc.filename else ""
    return HatboxError(f"the disk is full{where} ({exc.strerror or exc}); what was being written was not finished",
                       hint="make room on the disk (or write to another one) and run the command again")


def _path_hint(exc: HatboxError, args: argparse.Namespace, words: Sequence[str]) -> None:
    """Put first in ``exc``'s hint why a path of the command that its words name is nearly right (hatbox.path_hints:
    ``--pack my-tagger`` beside my-tagger.hatpack, a space at an end, a name with spaces not quoted)."""
    from hatbox.path_hints import error_hint
    try:
        hint = error_hint(str(exc), args, words)
    except (OSError, ValueError):            # a folder that cannot be listed: the error as it was
        return
    if hint:
        exc.hint = f"{hint}; {exc.hint}" if exc.hint else hint


def _utf8_file_names() -> None:
    """The entry point under a locale that is not UTF-8 starts itself again in Python's UTF-8 mode, so that file
    names are read as the UTF-8 bytes they are (hatbox.utf8_mode; forty-seventh stop: push-library under Latin-1
    sent "caisse claire \u00c3\u00a9.wav"); the process so started reads the words typed in the locale's encoding."""
    from hatbox.utf8_mode import restart_in_utf8_mode, take_typed_words
    restart_in_utf8_mode()
    take_typed_words()


Training = tuple[str, "tuple[int, int, int] | None", str]   # a training's --out, its hatbox.errors.file_state
                                                            # before, and its trainer's words after "the new pack stays"


def main(argv: Sequence[str] | None = None) -> int:
    """The `hatbox` command: exit code 0, or the code of what stopped it.  A Ctrl-C at any moment, the first ~0.3 s
    of the command line's reading included (the locale's restart, the parsers' building, argparse), is one line,
    "hatbox: interrupted", exit 130 (p50 QA: a 20-line traceback when it came before the command ran)."""
    try:
        return _main(argv)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)


def _interrupted(exc: KeyboardInterrupt, training: Training | None = None) -> int:
    """Say that ``exc`` (Ctrl-C, or SIGTERM/SIGHUP met as it: :func:`_terminate_as_interrupt`) stopped the command,
    on a line of its own (of a training, ``training``, what became of its run: :func:`training_stopped_words`), and
    give its exit code (130 after Ctrl-C)."""
    close_progress_bars()                    # "hatbox: interrupted" on a line of its own, not after a bar
    how = stopped_by(exc)
    said = "interrupted" + (f" ({how})" if how != "Ctrl-C" else "")
    _say_stopped(f"hatbox: {said if training is None else training_stopped_words(exc, how, training)}")
    return stopped_code(exc)


def _training(args: argparse.Namespace) -> Training | None:
    """(--out, its file state now, what its trainer adds after "the new pack stays": its parser's default
    ``stopped_after_written``) of a `hatbox train ...` command, None for any other command."""
    out = getattr(args, "out", None)
    if getattr(args, "command", None) != "train" or not isinstance(out, str):
        return None
    return out, file_state(out), getattr(args, "stopped_after_written", "")


def training_stopped_words(exc: KeyboardInterrupt, how: str, training: Training) -> str:
    """What a Ctrl-C (``how``: or "SIGTERM", "SIGHUP") did to a `hatbox train` run (``training``: :func:`_training`),
    as the first Ctrl-C's words promise it (p54 QA_A: "hatbox: interrupted" alone), by hatbox.errors.stopped_words:
    the second one "the run was discarded, nothing written; pedal.hatpack is as it was"; one before training
    (loading the data) "nothing written"; one after the pack was written says it stays, and what its trainer adds
    (the tagger: its held-out report may be missing; hatbox.replaced said where the older one is kept)."""
    from trainer.early_stop import is_discard
    out, before, also = training
    said = "interrupted" + (f" ({how})" if how != "Ctrl-C" else "")
    if is_discard(exc):
        said, nothing = f"interrupted ({how} again)", "the run was discarded, nothing written"
    else:
        nothing = "nothing written"
    return stopped_words(said, out, before, nothing=nothing, written=f": the new pack stays{also}")


def _main(argv: Sequence[str] | None) -> int:
    """:func:`main` but for a Ctrl-C met before the command ran (the parsing), which main says."""
    if argv is None:                         # the `hatbox` command itself, not a caller of main([...])
        _utf8_file_names()
    _printable_names()
    parser = build_parser()
    words = sys.argv[1:] if argv is None else list(argv)
    check_options(parser, words)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    training = _training(args)
    try:
        with _terminate_as_interrupt():
            return int(args.func(args) or 0)
    except HatboxError as exc:
        if exc.exit_code == INTERRUPTED:     # Ctrl-C, and what became of the work (hatbox/box_client.py's uploads)
            _say_stopped(f"hatbox: {exc}")
            return stopped_code(exc)
        _path_hint(exc, args, words)
        _say(f"hatbox: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt as exc:
        return _interrupted(exc, training)
    except BrokenPipeError:                  # output piped into `head` & co.: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("HATBOX_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            _say(f"hatbox: error: {disk_full(exc)}")
            return 1
        _say_internal(exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
