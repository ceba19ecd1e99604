"""The I2C bus: the smbus2 ``SMBus`` API.

Drivers use ``read_i2c_block_data(addr, reg, n)``, ``write_byte_data(addr, reg, value)`` and,
for 16-bit register maps (Goodix), ``i2c_rdwr(i2c_msg.write(...), i2c_msg.read(...))``.
:class:`hardware.sim.i2c.SimI2CBus` implements the same calls over simulated devices.

Real backend: smbus2 on /dev/i2c-N - not verified on hardware yet.
"""
from __future__ import annotations

import errno
import glob
import os
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
    """Open /dev/i2c-``bus`` with smbus2; :class:`I2CBusError` whose first line says what to do when
    smbus2 is not installed, the bus does not exist (not enabled, or the board file names another) or
    this user may not open it."""
    try:
        from smbus2 import SMBus
    except ImportError:
        raise I2CBusError("the I2C library smbus2 is not installed: pip install smbus2") from None
    try:
        return SMBus(bus)
    except FileNotFoundError:
        raise I2CBusError(f"/dev/i2c-{bus} does not exist ({_buses_here()}): enable that I2C bus (Jetson: "
                          "jetson-io; Raspberry Pi: raspi-config, Interfaces, I2C) or fix i2c_bus in the board file",
                          hint="`ls /dev/i2c-*` lists the buses; `i2cdetect -y N` (i2c-tools) shows who answers") from None
    except PermissionError:
        raise I2CBusError(f"no permission to open /dev/i2c-{bus}: add this user to the 'i2c' group "
                          "(sudo usermod -aG i2c $USER), then log in again") from None
    except OSError as exc:
        raise I2CBusError(f"cannot open /dev/i2c-{bus}: {exc.strerror or exc}",
                          hint="check the board file's i2c_bus") from None


def _buses_here() -> str:
    found = sorted(glob.glob("/dev/i2c-*"), key=lambda p: (len(p), p))       # numeric order
    return "buses here: " + ", ".join(found) if found else "no I2C bus is enabled here"


def io_problem(exc: OSError, what: str, addr: int) -> str:
    """Why a transfer with ``what`` at ``addr`` failed, in words (EBUSY: a kernel driver owns the address;
    ENXIO / EREMOTEIO / EIO / ETIMEDOUT: the chip did not answer - a NAK, a loose cable, no power)."""
    if exc.errno == errno.EBUSY:
        return (f"a kernel driver already owns I2C address 0x{addr:02x} (the {what}): remove its device-tree "
                "overlay (or unbind it), so that hatbox reads the chip itself")
    if exc.errno in (errno.ENXIO, errno.EREMOTEIO, errno.EIO, errno.ETIMEDOUT, errno.EAGAIN):
        return f"no {what} answers at I2C address 0x{addr:02x} ({exc.strerror or exc})"
    return f"the {what} at I2C address 0x{addr:02x} failed: {exc.strerror or exc}"


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


def read8(bus: I2CBus, addr: int, register: int, length: int) -> bytes:
    """Read ``length`` bytes from an 8-bit register address in one transfer (a write of the register, then a read):
    a report longer than SMBus's 32 bytes is read whole, never in two pieces the chip may update between."""
    from smbus2 import i2c_msg
    write = i2c_msg.write(addr, [register & 0xFF])
    read = i2c_msg.read(addr, length)
    bus.i2c_rdwr(write, read)
    return bytes(read)


def kernel_driver(bus: int, addr: int) -> str | None:
    """The name of the kernel driver bound to I2C address ``addr`` on /dev/i2c-``bus`` (e.g. "goodix",
    "edt_ft5x06"), or None.  A bound driver reads the chip itself (and clears a GT911's status), so hatbox's
    own reads would race it; transfers made with I2C_RDWR are not refused with EBUSY as SMBus calls are."""
    link = f"/sys/bus/i2c/devices/{bus}-{addr:04x}/driver"
    try:
        return os.path.basename(os.readlink(link))
    except OSError:
        return None

