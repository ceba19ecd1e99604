"""p53 QA (Q4): a pack signed by a key the box does not trust was described as tampered with ("the manifest does not
match its signature under any trusted key"), and the laptop's checks line cut the box's fuller words.  Now the likely
cause comes first, the way to trust the key is said, and the laptop keeps the box's words."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.validate import validate_pack
from export.signing import generate_key, public_pem, sign_pack
from hatbox.box_packs import _checks_words
from hatbox.cli import main
from hatbox.errors import PackError
from tests.api.conftest import FAST_ENGINE, PairedServer
from tests.api.packs import gain_pack

SAID = "signed by a key this box does not trust (or changed since it was signed)"


def _signed_by_a_stranger(tmp_path: Path) -> Path:
    return sign_pack(gain_pack(tmp_path / "g.hatpack"), generate_key(), tmp_path / "mine.hatpack")


def test_a_box_that_requires_signatures_refuses_it_in_words_with_the_way_to_trust_the_key(tmp_path: Path) -> None:
    with pytest.raises(PackError) as err:
        validate_pack(_signed_by_a_stranger(tmp_path), FAST_ENGINE, trusted=[generate_key().public_key()],
                      require_signature=True, realtime=False)
    assert err.value.args[0] == f"signature: {SAID}" and "tampered" not in str(err.value)
    assert "copy the KEY.pub that hatbox keygen wrote beside KEY.pem into trusted_keys/" in err.value.hint


def test_push_says_the_key_is_not_trusted_and_how_to_trust_it(paired_server: PairedServer, tmp_path: Path,
                                                              capsys: Any) -> None:
    box = paired_server.app.state.box
    box.keys_dir.mkdir(parents=True, exist_ok=True)
    (box.keys_dir / "other.pub").write_bytes(public_pem(generate_key().public_key()))
    pack = _signed_by_a_stranger(tmp_path)
    capsys.readouterr()
    assert main(["push", str(pack)]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "signature:" in line)
    assert f"; signature: taken as unsigned: {SAID}; to trust the key, copy the KEY.pub" in line, out
    assert f"into {box.keys_dir} on the box: the box counts it at once" in line and "tampered" not in out
    assert "does not require signatures" not in line         # the box's note is left to hatbox box-pack


def test_the_checks_line_keeps_the_boxs_words_but_its_note() -> None:     # an older box's words
    checks = [{"check": "archive", "detail": "ok"},
              {"check": "signature", "detail": "taken as unsigned: the manifest does not match its signature under any "
               "trusted key (tampered with, or signed by a key this box does not trust) (this box does not require "
               "signatures; with --require-signature it would refuse it)"}]
    assert _checks_words(checks) == ("passed every check: archive; signature: taken as unsigned: the manifest does not "
                                     "match its signature under any trusted key (tampered with, or signed by a key "
                                     "this box does not trust)")


def test_the_checks_line_keeps_a_current_boxs_words_but_its_note() -> None:
    checks = [{"check": "archive", "detail": "ok"},
              {"check": "signature", "detail": f"taken as unsigned: {SAID}; to trust the key, copy the KEY.pub that "
               "hatbox keygen wrote beside KEY.pem into /srv/box/trusted_keys on the box: the box counts it at once "
               "(this box does not require signatures; with --require-signature it would refuse it)"}]
    assert _checks_words(checks) == (f"passed every check: archive; signature: taken as unsigned: {SAID}; to trust "
                                     "the key, copy the KEY.pub that hatbox keygen wrote beside KEY.pem into "
                                     "/srv/box/trusted_keys on the box: the box counts it at once")
