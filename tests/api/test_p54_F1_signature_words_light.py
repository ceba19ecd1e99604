"""p54 F1 (2): the laptop's checks line leaves the box's "does not require signatures" note out
(hatbox.box_packs._signature_words) without importing device.validate and numpy with it (~160 ms on the laptop):
the signature words live in device/signature_words.py, which both import; the words are as they were."""
from __future__ import annotations

from tests.test_p44_imports import _loaded_after

NOTE = " (this box does not require signatures"
REFUSE = f"{NOTE}; with --require-signature it would refuse it)"

_SAID = ["unsigned", "taken as unsigned: manifest.sig is not a valid signature", "signed by trusted key abc123"]
_DETAILS = [f"unsigned{NOTE})", f"taken as unsigned: manifest.sig is not a valid signature{REFUSE}",
            "signed by trusted key abc123"]


def test_the_checks_line_s_signature_words_import_no_numpy() -> None:
    code = (f"from hatbox.box_packs import _signature_words\nsaid = [_signature_words(d) for d in {_DETAILS!r}]\n"
            f"assert said == {_SAID!r}, said")  # a wrong word fails the probe with said on stderr
    assert _loaded_after(code, ("numpy", "device.validate")) == [], "the signature words imported them"


def test_the_words_are_unchanged_and_validate_still_offers_them() -> None:
    from device import signature_words as words
    from device import validate
    assert words.NOT_REQUIRED_NOTE == NOTE
    assert words.REFUSE_NOTE == REFUSE
    assert words.SIGN_HINT == ("sign it: hatbox pack sign PACK.hatpack --key KEY.pem (hatbox keygen makes a key), "
                               "trust the key on the box: copy KEY.pub into trusted_keys/ in its store folder, then "
                               "send it again: hatbox push PACK.hatpack --activate")
    assert words.trust_way("/srv/keys", installed=True) == (
        "to trust the key, copy the KEY.pub that hatbox keygen wrote beside KEY.pem into /srv/keys on the box: the "
        "box counts it at once")
    assert words.trust_hint(None, any_trusted=False) == (
        "to trust the key, copy the KEY.pub that hatbox keygen wrote beside KEY.pem into trusted_keys/ in the box's "
        "store folder: then send the pack again")
    for name in ("NOT_REQUIRED_NOTE", "REFUSE_NOTE", "SIGN_HINT", "trust_way", "trust_hint"):
        assert getattr(validate, name) is getattr(words, name), name


def test_the_light_module_imports_nothing_heavy() -> None:
    assert _loaded_after("import device.signature_words", ("numpy", "device.validate")) == []
