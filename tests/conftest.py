"""Shared fixtures: offline plans of the shipped stacks, cached per session."""

from __future__ import annotations

import functools

import pytest

from infra.offline.harness import Plan, run_plan
from infra.offline.stack_files import PROJECT_ROOT, stack_names


@functools.lru_cache(maxsize=None)
def shipped_plan(stack: str) -> Plan:
    """The offline plan of a shipped stack file (computed once per test session)."""
    return run_plan(stack)


def with_empty_filters(document: dict) -> dict:
    """The guide writes a whole-bucket filter as `{}`; the providers send `{"Prefix": ""}`. Same meaning."""
    rules = [{**rule, "Filter": rule["Filter"] or {"Prefix": ""}} for rule in document["Rules"]]
    return {"Rules": rules}


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    return shipped_plan("prod")


SHIPPED_STACKS = stack_names(PROJECT_ROOT)
