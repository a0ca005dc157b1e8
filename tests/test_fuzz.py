"""Fuzzing every command with hostile input (see tests/fuzzing.py for the property).

CI runs a small share; `pytest -m fuzz` (or `python bench/fuzz.py --minutes 10`) runs
long. GRADCLI_FUZZ_EXAMPLES sets the long run's number of batches per command."""

import os

import pytest
from fuzzing import CASE_COMMANDS, case_line, program_text, run_batch, run_program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LONG = int(os.environ.get("GRADCLI_FUZZ_EXAMPLES", "200"))
COMMON = dict(deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
batches = st.lists(case_line(), min_size=1, max_size=40)


@pytest.mark.parametrize("command", CASE_COMMANDS)
@settings(max_examples=4, **COMMON)
@given(lines=batches)
def test_case_commands_ci_share(command, lines):
    run_batch(command, lines)


@settings(max_examples=6, **COMMON)
@given(text=program_text())
def test_run_ci_share(text):
    run_program(text)


@pytest.mark.fuzz
@pytest.mark.parametrize("command", CASE_COMMANDS)
@settings(max_examples=LONG, **COMMON)
@given(lines=batches)
def test_case_commands_long(command, lines):
    run_batch(command, lines)


@pytest.mark.fuzz
@settings(max_examples=LONG * 4, **COMMON)
@given(text=program_text())
def test_run_long(text):
    run_program(text)
