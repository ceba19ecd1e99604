"""The I2C bus: the smbus2 ``SMBus`` API.

Drivers use ``read_i2c_block_data(addr, reg, n)``, ``write_byte_data(addr, reg, value)`` and,
for 16-bit register maps (Goodix), ``i2c_rdwr(i2c_msg.write(...), i2c_msg.read(...))``.
:class:`hardware.sim.i2c.SimI2CBus` implements the same calls over simulated devices.

Real backend: smbus2 on /dev/i2c-N - not verified on hardware yet.
"""
from __future__ import annotations

from typing import Any, Protocol

from hatbox.errors import HatboxError


class I2CBus(Protocol):
    def read_byte_data(self, i2c_addr: int, register: int) -> int: ...

    def write_byte_data(self, i2c_addr: int, register: int, value: int) -> None: ...

    def read_i2c_block_data(self, i2c_addr: int, register: int, length: int) -> list[int]: ...

    def write_i2c_block_data(self, i2c_addr: int, register: int, data: list[int]) -> None: ...

    def i2c_rdwr(self, *i2c_msgs: Any) -> None: ...

    def close(self) -> None: ...


class I2CBusError(HatboxError):
    """The I2C bus (or a device on it) cannot be reached."""


def open_i2c(bus: int) -> I2CBus:
    """Open /dev/i2c-``bus`` with smbus2 (a clear error if it is missing or not permitted)."""
    from smbus2 import SMBus
    try:
        return SMBus(bus)
    except (FileNotFoundError, PermissionError) as exc:
        raise I2CBusError(f"cannot open /dev/i2c-{bus}: {exc.strerror}",
                          hint="check the board file's i2c bus and that this user is in the 'i2c' group") from None


def read_block(bus: I2CBus, addr: int, register: int, length: int) -> list[int]:
    """Read ``length`` bytes from an 8-bit register map in SMBus-sized (32-byte) pieces."""
    out: list[int] = []
    while len(out) < length:
        n = min(32, length - len(out))
        out += bus.read_i2c_block_data(addr, register + len(out), n)
    return out


def read16(bus: I2CBus, addr: int, register: int, length: int) -> bytes:
    """Read ``length`` bytes from a 16-bit (big-endian) register address: one write + one read."""
    from smbus2 import i2c_msg
    write = i2c_msg.write(addr, [register >> 8, register & 0xFF])
    read = i2c_msg.read(addr, length)
    bus.i2c_rdwr(write, read)
    return bytes(read)


def write16(bus: I2CBus, addr: int, register: int, data: bytes) -> None:
    """Write ``data`` at a 16-bit register address."""
    from smbus2 import i2c_msg
    bus.i2c_rdwr(i2c_msg.write(addr, [register >> 8, register & 0xFF, *data]))
