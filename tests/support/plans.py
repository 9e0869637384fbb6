"""Offline plans of the shipped stack files, computed once per test session."""

from __future__ import annotations

import functools

from infra.offline.harness import Plan, run_plan
from infra.offline.stack_files import PROJECT_ROOT, stack_names


@functools.cache
def shipped_plan(stack: str) -> Plan:
    """The offline plan of a shipped stack file (computed once per test session)."""
    return run_plan(stack)


SHIPPED_STACKS = stack_names(PROJECT_ROOT)


def valid(plan: Plan) -> Plan:
    """`plan`, which must have rendered without a settings or program error (the tests of a
    valid stack start from one; the error is the message when it did not)."""
    assert plan.error is None, plan.error
    return plan
