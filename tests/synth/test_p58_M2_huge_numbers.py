"""A synth pack whose extras hold a JSON integer too large for a float (10**400) is refused with the same PackError
as any other number out of range, not an OverflowError, "a bug in hatbox" to the user (p58 R1 finding 6)."""
from __future__ import annotations

from pathlib import Path

import pytest

from export.pack import read_pack
from hatbox.errors import PackError

from tests.synth.test_p58_F7_level import FACTORY, _with_extras


@pytest.mark.parametrize("key", ["level_db", "bend_semitones", "frame_seconds"])
def test_a_huge_integer_is_a_number_out_of_range(tmp_path: Path, key: str) -> None:
    from device.audio.synth_pack import synth_extras
    pack = read_pack(_with_extras(FACTORY, tmp_path / "huge.hatpack", **{key: 10 ** 400}))
    with pytest.raises(PackError, match=rf"extras\.{key} = an integer of 401 digits is not a number in"):
        synth_extras(pack)
