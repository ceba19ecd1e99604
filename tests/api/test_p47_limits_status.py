"""p47 F2: the box's ``GET /status`` publishes its limits on one library archive (``library_limits``), so that
`hatbox push-library` checks a folder against the box's own limits before packing it; a box set up with other
limits than the defaults says those; a laptop reading a status without them (an older box) keeps the defaults."""
from __future__ import annotations

from device.library.archive_members import MAX_FILES, Limits
from tests.api.conftest import make_box


def test_status_of_a_box_with_other_limits_carries_them(tmp_path) -> None:
    limits = Limits(max_files=7, max_total_bytes=5 << 20, max_file_bytes=1 << 20, max_ratio=40.0,
                    ratio_floor_bytes=4096)
    box = make_box(tmp_path, library_limits=limits)
    r = box.client.get("/status", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json()["library_limits"] == {"max_files": 7, "max_total_bytes": 5 << 20, "max_file_bytes": 1 << 20,
                                          "max_ratio": 40.0, "ratio_floor_bytes": 4096}


def test_status_of_a_box_with_the_defaults_says_them(tmp_path) -> None:
    box = make_box(tmp_path)
    given = box.client.get("/status", headers=box.auth).json()["library_limits"]
    assert given["max_files"] == MAX_FILES and Limits().with_published(given) == Limits()


def test_the_status_schema_has_the_field_as_optional(tmp_path) -> None:
    """An older laptop ignores it; an older box leaves it out: not among the required fields."""
    box = make_box(tmp_path)
    schema = box.client.get("/openapi.json").json()["components"]["schemas"]["Status"]
    assert "library_limits" in schema["properties"] and "library_limits" not in schema.get("required", [])


def test_published_limits_replace_the_defaults_one_by_one_when_well_formed() -> None:
    base = Limits()
    assert base.with_published(None) == base                       # an older box: the defaults
    assert base.with_published({"max_files": 12}) == Limits(max_files=12)
    odd = {"max_files": True, "max_total_bytes": -1, "max_file_bytes": "1 GiB", "max_ratio": 0, "other": 3}
    assert base.with_published(odd) == base                        # another form: the defaults stay
    assert base.with_published(Limits(max_ratio=7.5).published()) == Limits(max_ratio=7.5)
