"""Simulators behind the hardware interfaces: pins (RPi.GPIO API), I2C (smbus2 API), parts on them."""
