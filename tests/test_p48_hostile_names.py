"""Forty-eighth stop's QA of a stranger's archive: file names holding invisible characters (a zero-width space, the
bidi marks LRM/RLM, a soft hyphen, the word joiner, a byte-order mark...) were taken, and seven files all listed as
`kit/Kick.wav`.  They are refused now, as the bidi overrides were, saying which character; the joiners that scripts
and emoji need (ZWJ, ZWNJ) still pass."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.archive import unpack_archive
from device.library.member_checks import safe_relpath
from export.manifest import tag_problem
from hatbox.text import escape_unsafe, is_safe_text, unsafe_char

INVISIBLE = ["\u200b", "\u200e", "\u200f", "\u00ad", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff",
             "\u180e", "\u061c"]
KEPT = ["Kick\u200dSnare", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\u2764\ufe0f", "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "Caf\u00e9 \u3000\u202fnarrow", "\u0915\u094d\u200d\u0937"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_are_unsafe_and_printed_as_escapes(char: str) -> None:
    name = f"kit/Ki{char}ck.wav"
    assert unsafe_char(char) and not is_safe_text(name)
    assert escape_unsafe(name) == f"kit/Ki\\u{ord(char):04x}ck.wav" or escape_unsafe(name) == \
        f"kit/Ki\\x{ord(char):02x}ck.wav"


@pytest.mark.parametrize("name", KEPT)
def test_joiners_emoji_and_scripts_still_pass(name: str) -> None:
    assert is_safe_text(name) and escape_unsafe(name) == name
    assert not isinstance(safe_relpath(f"kit/{name}.wav"), str)


def _wav() -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (0.3 * np.sin(np.arange(2400) / 8.0)).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


def test_a_zip_of_seven_kicks_that_look_alike_keeps_only_the_plain_one(tmp_path: Path) -> None:
    lookalikes = ["kit/Kick.wav"] + [f"kit/Ki{c}ck.wav" for c in ("\u200b", "\u200e", "\u200f", "\u00ad", "\u2060",
                                                                     "\ufeff")]
    archive = tmp_path / "stranger.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in lookalikes:
            zf.writestr(name, _wav())
    report = unpack_archive(archive, tmp_path / "lib")
    assert [f.path for f in report.accepted] == ["kit/Kick.wav"]
    assert len(report.rejected) == 6
    for f in report.rejected:
        assert "holds an invisible character (U+" in f.reason and "look like another name" in f.reason, f
    assert "U+200B ZERO WIDTH SPACE" in report.rejected[0].reason
    assert [p.name for p in (tmp_path / "lib" / "kit").iterdir()] == ["Kick.wav"]


def test_a_tag_with_a_zero_width_space_is_refused_as_a_tag() -> None:
    assert tag_problem("kick\u200b") and tag_problem("\ufeffsnare")
    assert tag_problem("kick") is None and tag_problem("\u0645\u06cc\u200c\u062e") is None
