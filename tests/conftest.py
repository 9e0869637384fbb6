"""Shared fixtures: offline plans of the shipped stacks, cached per session."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from infra.offline.harness import Plan, run_plan
from infra.offline.stack_files import PROJECT_ROOT, stack_names
from tests.rgw_server import Rgw, rgw_cluster_running


@functools.lru_cache(maxsize=None)
def shipped_plan(stack: str) -> Plan:
    """The offline plan of a shipped stack file (computed once per test session)."""
    return run_plan(stack)


def with_empty_filters(document: dict) -> dict:
    """The guide writes a whole-bucket filter as `{}`; the providers send `{"Prefix": ""}`. Same meaning."""
    rules = [{**rule, "Filter": rule["Filter"] or {"Prefix": ""}} for rule in document["Rules"]]
    return {"Rules": rules}


def pulumi_rules_as_s3_api(rules: list[dict]) -> dict:
    """Translate the declared Pulumi lifecycle inputs to S3 API names, to compare with the shared document."""
    names = {
        "id": "ID",
        "status": "Status",
        "filter": "Filter",
        "prefix": "Prefix",
        "expiration": "Expiration",
        "days": "Days",
        "expiredObjectDeleteMarker": "ExpiredObjectDeleteMarker",
        "abortIncompleteMultipartUpload": "AbortIncompleteMultipartUpload",
        "daysAfterInitiation": "DaysAfterInitiation",
        "noncurrentVersionExpiration": "NoncurrentVersionExpiration",
        "noncurrentDays": "NoncurrentDays",
    }

    def convert(value):
        if isinstance(value, dict):
            return {names[k]: convert(v) for k, v in value.items()}
        return value

    return {"Rules": [convert(rule) for rule in rules]}


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    return shipped_plan("prod")


@pytest.fixture(scope="session")
def rgw() -> Iterator[Rgw]:
    """One throwaway Ceph RGW cluster for the whole session (skips only where Ceph cannot be installed)."""
    with rgw_cluster_running() as cluster:
        yield cluster


SHIPPED_STACKS = stack_names(PROJECT_ROOT)
