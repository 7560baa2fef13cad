"""Models that misbehave in ways beyond broken.py's, for the crosscheck error tests: each
name says what is wrong; each answers a CheckFPAdvSIMDEnabled64() question."""

import sys


def exits(fields):
    sys.exit(0)


def raises_system_exit(fields):
    raise SystemExit(3)


class Stop(BaseException):
    """Not an Exception: like KeyboardInterrupt, it passes `except Exception`."""


def raises_base_exception(fields):
    raise Stop("stop")


def no_arguments():
    return "permitted"


def two_arguments(fields, extra):
    return "permitted"


def misspelt_mode(fields):
    return {"el": "EL1", "mode": "Undf"}


def misspelt_state(fields):
    return {"el": "EL2", "state": "Aarch64"}


def misspelt_exception(fields):
    return ("EL2", "Exception_AdvSIMDFPAcessTrap")


def misspelt_el(fields):
    return {"el": "EL4"}
