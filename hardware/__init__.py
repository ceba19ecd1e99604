"""Pins, I2C and the display behind interfaces, with real backends and electrical simulators."""
