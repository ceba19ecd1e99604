"""p48 H1: the systemd unit gives the box room for its open files (systemd's default soft limit, 1024, was used up
by a stranger's 1,100 idle connections), well above what the API holds at most under it."""
from __future__ import annotations

from pathlib import Path

from device.api.conn_guard import connection_cap
from device.service_unit import ServiceSpec, unit_text, unit_values


def test_the_unit_sets_an_open_file_limit_with_room_past_the_api_cap() -> None:
    spec = ServiceSpec(name="hatbox", user="box", argv=("/opt/hatbox/bin/hatbox", "device", "run"),
                       store=Path("/var/lib/hatbox"))
    limit = int(unit_values(unit_text(spec))["LimitNOFILE"])
    assert limit >= 8192
    assert connection_cap(limit) + 1024 <= limit
