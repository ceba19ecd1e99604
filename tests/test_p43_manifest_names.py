"""Pack and knob names stay ASCII (QA p43: `train effect --name "ペダル"`, a knob "Höhe", a file "Klänge 🎹"): pack
ids, OSC addresses (/hatbox/knob/effect/NAME), MIDI-learn maps and boxes already in the field all rely on it.  So
every refusal says the rule and names the character that broke it (export.manifest.name_problem, which the
trainers call before training): "'ö' is not one of them" rather than a bare rule that calls ö no letter."""
from __future__ import annotations

import pytest

from export.manifest import NAME_RULE, Knob, is_plain_name, name_problem
from hatbox.errors import PackError


@pytest.mark.parametrize("name", ["fuzz", "Tube Screamer 808", "my synth v2", "a.b+c-d_e", "x" * 64])
def test_plain_names_have_no_problem(name: str) -> None:
    assert name_problem(name) is None and is_plain_name(name)


@pytest.mark.parametrize("name, said", [
    ("Höhe", "'ö' is not one of them"),
    ("ペダル", "'ペ' is not one of them"),
    ("Klänge 🎹", "'ä' is not one of them"),
    ("drive/2", "'/' is not one of them"),
    ("tab\there", "'\\t' is not one of them"),
    ("", "it is empty"),
    ("x" * 65, "it is too long (65 characters)"),
    ("-loud", "it must start with a letter or digit ('-' does not)"),
    (" pad", "it must start with a letter or digit (' ' does not)"),
])
def test_each_problem_names_the_rule_and_the_character(name: str, said: str) -> None:
    problem = name_problem(name)
    assert problem is not None and said in problem and not is_plain_name(name)
    assert "letters a-z A-Z, digits, space, _ . + -" in problem


def test_not_a_string_is_a_problem() -> None:
    assert str(name_problem(3)).endswith(": it is not text")                    # type: ignore[arg-type]


def test_the_manifest_and_a_knob_say_the_character() -> None:
    with pytest.raises(PackError, match="knob name 'Höhe': a name is .*: 'ö' is not one of them"):
        Knob("Höhe", 0.0, 1.0, 0.5).validate()
    from tests.api.packs import gain_manifest
    m = gain_manifest()
    m.name = "ペダル"
    with pytest.raises(PackError, match="name 'ペダル': a name is .*ASCII.*: 'ペ' is not one of them"):
        m.validate()


def test_the_rule_says_ascii() -> None:
    assert "ASCII" in NAME_RULE and "space" in NAME_RULE
