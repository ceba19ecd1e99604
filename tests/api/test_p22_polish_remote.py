"""p22 polish (a producer's QA pass) of the laptop's network commands: a delete question that gets no answer ends
its line before the error, and `hatbox pair` refuses a code that cannot be one (wrong length, or characters the box
never shows) before contacting the box, where each wrong code counts towards pausing pairing."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from device.api.auth import ALPHABET, CODE_LEN, FREE_MISSES
from hatbox.cli import main
from hatbox.box_packs import _confirm_delete
from hatbox.cmd_remote import _pairing_code
from hatbox.errors import HatboxError
from tests.api.test_box_pack_p19f import _installed, _two_packs

NOT_A_CODE = "a pairing code has 6 letters and digits, as the box's panel shows it (never 0, 1, I, L or O)"


# ------------------------------------------------------------------ 4. the delete question with no answer
def test_box_pack_delete_with_stdin_closed_puts_the_error_on_its_own_line(
        paired_server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _two_packs(tmp_path, paired_server.app)
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))                 # stdin closed: EOF at the question
    assert main(["box-pack", old, "--delete"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""                                         # p47: the question on stderr, as the error
    assert captured.err.startswith(f"delete pack {old} ") and "? [y/N] \nhatbox: error: " in captured.err
    assert "no answer" in captured.err and "--yes" in captured.err
    assert _installed(paired_server.app) == sorted([old, new])


def test_ctrl_c_at_the_delete_question_ends_its_line_too(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(prompt: str) -> str:
        print(prompt, end="")
        raise KeyboardInterrupt
    monkeypatch.setattr("builtins.input", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _confirm_delete("library L", "delete library L from the box?")
    assert capsys.readouterr().err == "delete library L from the box? [y/N] \n"       # p47: on stderr


# ------------------------------------------------------------------ 5. a code that cannot be one
@pytest.mark.parametrize("typed", ["12", "ABC1234", "ABC123", "OOO222", "ÄBC234"])
def test_a_code_of_the_wrong_form_is_refused_on_the_laptop(typed: str) -> None:
    with pytest.raises(HatboxError) as err:
        _pairing_code(typed)
    assert err.value.args[0] == f"'{typed}' is not a pairing code: {NOT_A_CODE}"
    assert "panel" in err.value.hint


def test_the_rule_is_the_box_s_own_and_what_the_box_accepts_still_passes() -> None:
    assert (CODE_LEN, sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") - set(ALPHABET))) == \
        (6, ["0", "1", "I", "L", "O"])                                   # what NOT_A_CODE says
    assert _pairing_code(" abc-234 ") == "ABC234" and _pairing_code("k7w q3m") == "K7WQ3M"


def test_malformed_codes_never_reach_the_box_so_pairing_is_not_paused(
        paired_server, capsys: pytest.CaptureFixture[str]) -> None:
    url = paired_server.running.url
    for _ in range(FREE_MISSES + 1):                                   # enough wrong codes to pause pairing
        assert main(["pair", url, "--code", "12"]) == 2
        err = capsys.readouterr().err
        assert NOT_A_CODE in err and "wrong or expired" not in err
    assert main(["pair", url, "--code", paired_server.app.state.box.pairing.current()]) == 0
    assert "paired with" in capsys.readouterr().out


def test_a_malformed_code_is_refused_before_looking_for_a_box(monkeypatch, capsys) -> None:
    """Without a URL, `hatbox pair --code 12` looked on the network first (mDNS, about 3 s) and only then said the
    code could not be one."""
    from hatbox import cmd_remote
    from hatbox.cli import main

    def no_search(box=None):
        raise AssertionError("looked for a box before checking the code")
    monkeypatch.setattr(cmd_remote, "_discover", no_search)
    assert main(["pair", "--code", "12"]) == 2
    assert "'12' is not a pairing code" in capsys.readouterr().err
