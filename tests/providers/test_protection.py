"""Production buckets are protected and never force-destroyed, on every provider.

Each provider's prod configuration runs through the real program (Pulumi mocks): the bucket
is declared with `protect=True`, no resource asks for `force_destroy`, and turning `protect`
off (only sensible outside prod) still never lets Pulumi delete a bucket that holds data.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from infra.offline.harness import Plan, run_plan
from infra.providers import registry
from tests.support.policy_support import app_part

ACCOUNT = "0123456789abcdef0123456789abcdef"
PROD: dict[str, tuple[str, dict[str, Any], str]] = {
    # provider: (base stack file, overrides making it a prod stack, bucket type)
    "aws": ("prod", {}, "aws:s3/bucket:Bucket"),
    "digitalocean": ("spaces-staging", {"environment": "prod"}, "digitalocean:index/spacesBucket:SpacesBucket"),
    "cloudflare": ("staging", {"environment": "prod"}, "cloudflare:index/r2Bucket:R2Bucket"),
    "backblaze": ("b2-staging", {"environment": "prod", "corsAllowedOrigins": ["https://raptscallions.com"]}, "pulumi-python:dynamic/backblaze:Bucket"),
}


def prod_plan_of(provider: str, **extra: Any) -> Plan:
    stack, overrides, _ = PROD[provider]
    plan = run_plan(stack, config_overrides={**overrides, **extra})
    assert plan.error is None, plan.error
    return plan


def force_destroy_requests(plan: Plan) -> list[str]:
    return [r.name for r in plan.resources if r.inputs.get("forceDestroy") not in (None, False)]


def test_every_provider_with_a_component_is_covered() -> None:
    built = {
        spec.name for spec in registry.all_specs() if importlib.util.find_spec(spec.component.partition(":")[0]) is not None
    }
    assert built <= set(PROD), f"add a prod configuration for {sorted(built - set(PROD))} to PROD"


@pytest.mark.parametrize("provider", list(PROD))
def test_prod_bucket_is_protected_and_never_force_destroyed(provider: str) -> None:
    plan = prod_plan_of(provider)
    bucket = app_part(plan).one(PROD[provider][2])
    assert bucket.protect is True
    assert bucket.inputs.get("forceDestroy") in (None, False)
    assert force_destroy_requests(plan) == []
    assert plan.outputs  # the stack still exports its contract


@pytest.mark.parametrize("provider", list(PROD))
def test_protect_off_unprotects_but_still_never_force_destroys(provider: str) -> None:
    plan = prod_plan_of(provider, environment="dev", protect=False)
    assert app_part(plan).one(PROD[provider][2]).protect is False
    assert force_destroy_requests(plan) == [], "a teardown must fail on a bucket that still holds data"


@pytest.mark.parametrize("provider", list(PROD))
def test_protect_off_in_prod_is_warned_about(provider: str) -> None:
    plan = prod_plan_of(provider, protect=False)
    assert any("protect is off for production" in warning for warning in plan.warnings)
