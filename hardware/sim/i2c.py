"""A simulated I2C bus with the smbus2 ``SMBus`` API and register-mapped devices on it.

A device is anything with ``reg_width`` (1 or 2 address bytes), ``read(register, n) -> bytes``
and ``write(register, data)``.  As on a real bus, a transfer to an address nobody answers
raises ``OSError(121, 'Remote I/O error')``; a combined ``i2c_rdwr`` write-then-read uses the
written bytes as the register pointer (big-endian), as the chips do.
"""
from __future__ import annotations

import ctypes
import errno
import threading
from typing import Any, Protocol


class RegisterDevice(Protocol):
    reg_width: int

    def read(self, register: int, n: int) -> bytes: ...

    def write(self, register: int, data: bytes) -> None: ...


class SimI2CBus:
    """``SMBus``-compatible; ``attach(address, device)`` puts a simulated chip on the bus."""

    def __init__(self, bus: int = 0) -> None:
        self.bus = bus
        self.devices: dict[int, RegisterDevice] = {}
        self.transfers = 0
        self._lock = threading.Lock()       # one transfer at a time, like the kernel's adapter lock
        self._pointer: dict[int, int] = {}

    def attach(self, address: int, device: RegisterDevice) -> None:
        self.devices[address] = device

    def _dev(self, addr: int) -> RegisterDevice:
        self.transfers += 1
        try:
            return self.devices[addr]
        except KeyError:
            raise OSError(errno.EREMOTEIO, "Remote I/O error") from None

    def read_byte_data(self, i2c_addr: int, register: int) -> int:
        with self._lock:
            return self._dev(i2c_addr).read(register, 1)[0]

    def write_byte_data(self, i2c_addr: int, register: int, value: int) -> None:
        with self._lock:
            self._dev(i2c_addr).write(register, bytes([value & 0xFF]))

    def read_i2c_block_data(self, i2c_addr: int, register: int, length: int) -> list[int]:
        if not 0 < length <= 32:
            raise ValueError("Desired block length over 32 bytes")
        with self._lock:
            return list(self._dev(i2c_addr).read(register, length))

    def write_i2c_block_data(self, i2c_addr: int, register: int, data: list[int]) -> None:
        with self._lock:
            self._dev(i2c_addr).write(register, bytes(data))

    def i2c_rdwr(self, *i2c_msgs: Any) -> None:
        with self._lock:
            for m in i2c_msgs:
                self._message(m)

    def _message(self, m: Any) -> None:
        dev = self._dev(m.addr)
        if m.flags & 0x0001:                                   # I2C_M_RD
            data = dev.read(self._pointer.get(m.addr, 0), m.len)
            ctypes.memmove(m.buf, data, m.len)
            self._pointer[m.addr] = self._pointer.get(m.addr, 0) + m.len
            return
        raw = bytes(m)
        w = dev.reg_width
        self._pointer[m.addr] = int.from_bytes(raw[:w], "big")
        if len(raw) > w:
            dev.write(self._pointer[m.addr], raw[w:])

    def close(self) -> None:
        pass
