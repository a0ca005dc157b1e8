"""`gradcli run`: PyTorch programs on CPython, under RestrictedPython and gradcli's guards."""

from .runner import DEFAULT_MAX_STEPS, ProgramError, run_program

__all__ = ["DEFAULT_MAX_STEPS", "ProgramError", "run_program"]
