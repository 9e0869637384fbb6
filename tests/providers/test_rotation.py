"""Credential rotation on every provider, step by step, under Pulumi mocks.

Each step is one `pulumi up`: today (one credential), add a generation, switch the active
one, remove the old. At every step the declared credentials are exactly the listed
generations, the exported key is the active one's, the secret stays a secret, and a
generation's resource keeps its name from step to step (so nothing is replaced).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from infra.guide import contract
from infra.offline.harness import Plan, run_plan
from infra.providers.backblaze.rules import APP_CAPABILITIES
from tests.support.examples_support import rotation_step
from tests.support.plans import shipped_plan, valid
from tests.support.policy_support import mandatory

NEW = "2027-05"


@dataclass(frozen=True)
class Provider:
    stack: str
    bucket: str
    credential_type: str
    base_name: str
    key_id: Callable[[str], str]
    """Logical resource name -> the key id the fake cloud gives it."""
    secret: Callable[[str], str]
    """Logical resource name -> the S3 secret the app must get."""
    check_inputs: Callable[[dict[str, Any], str, str], None]
    """(inputs, bucket, generation suffix) -> asserts the credential is scoped to the bucket."""


def _aws_inputs(inputs: dict[str, Any], bucket: str, suffix: str) -> None:
    assert inputs == {"user": f"{bucket}-app"}


def _spaces_inputs(inputs: dict[str, Any], bucket: str, suffix: str) -> None:
    assert inputs["name"] == f"{bucket}-app{suffix}"
    assert inputs["grants"] == [{"bucket": bucket, "permission": "readwrite"}]


def _r2_inputs(inputs: dict[str, Any], bucket: str, suffix: str) -> None:
    assert inputs["name"] == f"{bucket}-app{suffix}"
    [policy] = inputs["policies"]
    assert policy["resources"] == f'{{"com.cloudflare.edge.r2.bucket.0123456789abcdef0123456789abcdef_default_{bucket}": "*"}}'
    assert len(policy["permissionGroups"]) == 2


def _b2_inputs(inputs: dict[str, Any], bucket: str, suffix: str) -> None:
    assert inputs["keyName"] == f"{bucket}-app{suffix}"
    assert inputs["bucketName"] == bucket
    assert sorted(inputs["capabilities"]) == sorted(APP_CAPABILITIES)


PROVIDERS = {
    "aws": Provider(
        "prod",
        "raptscallions-prod",
        "aws:iam/accessKey:AccessKey",
        "storage-app-key",
        lambda name: f"FAKEACCESSKEY-{name}",
        lambda name: f"fake-secret-for-{name}",
        _aws_inputs,
    ),
    "digitalocean": Provider(
        "spaces-staging",
        "raptscallions-staging-spaces",
        "digitalocean:index/spacesKey:SpacesKey",
        "storage-app-key",
        lambda name: f"FAKESPACESKEY-{name}",
        lambda name: f"fake-spaces-secret-for-{name}",
        _spaces_inputs,
    ),
    "cloudflare": Provider(
        "staging",
        "raptscallions-staging",
        "cloudflare:index/accountToken:AccountToken",
        "storage-app-token",
        lambda name: f"fake-r2-token-id-{name}",
        lambda name: hashlib.sha256(f"fake-r2-token-value-for-{name}".encode()).hexdigest(),
        _r2_inputs,
    ),
    "backblaze": Provider(
        "b2-staging",
        "raptscallions-staging-b2",
        "pulumi-python:dynamic/backblaze:ApplicationKey",
        "storage-app-key",
        lambda name: f"fake-b2-key-id-{name}",
        lambda name: f"fake-b2-application-key-for-{name}",
        _b2_inputs,
    ),
}

STEPS: dict[str, tuple[dict[str, Any], list[str], str]] = {
    # step: (config overrides, generations declared, active generation)
    "today": ({}, ["default"], "default"),
    "add": (rotation_step(1), ["default", NEW], "default"),
    "switch": (rotation_step(2), ["default", NEW], NEW),
    "remove": (rotation_step(3), [NEW], NEW),
}
"""The overrides are examples/rotation's three steps; the rest is what each must declare."""


def resource_name(provider: Provider, generation: str) -> str:
    return provider.base_name if generation == "default" else f"{provider.base_name}-{generation}"


def plan_for(provider: Provider, step: str) -> Plan:
    overrides = STEPS[step][0]
    return valid(shipped_plan(provider.stack) if not overrides else run_plan(provider.stack, config_overrides=overrides))


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("name", list(PROVIDERS))
def test_each_rotation_step(name: str, step: str) -> None:
    provider = PROVIDERS[name]
    _, generations, active = STEPS[step]
    plan = plan_for(provider, step)

    declared = {r.name: r for r in plan.of_type(provider.credential_type)}
    assert sorted(declared) == sorted(resource_name(provider, g) for g in generations)
    component = next(r for r in plan.resources if r.type.startswith("raptscallions:storage:"))
    for generation in generations:
        credential = declared[resource_name(provider, generation)]
        assert credential.parent == component.urn and not credential.protect
        provider.check_inputs(credential.inputs, provider.bucket, "" if generation == "default" else f"-{generation}")

    exported = resource_name(provider, active)
    assert plan.outputs[contract.ACCESS_KEY_ID] == provider.key_id(exported)
    assert plan.outputs[contract.SECRET_ACCESS_KEY] == provider.secret(exported)
    assert plan.secret_outputs == {contract.SECRET_ACCESS_KEY}
    public = repr({k: v for k, v in plan.outputs.items() if k not in plan.secret_outputs})
    for generation in generations:
        assert provider.secret(resource_name(provider, generation)) not in public
    assert mandatory(plan) == [], "the policy pack accepts every rotation step"


def test_a_two_generation_aws_stack_keeps_one_user_and_one_policy() -> None:
    plan = plan_for(PROVIDERS["aws"], "add")
    assert len(plan.of_type("aws:iam/user:User")) == 1
    assert len(plan.of_type("aws:iam/userPolicy:UserPolicy")) == 1
    keys = plan.of_type("aws:iam/accessKey:AccessKey")
    policy = plan.one("aws:iam/userPolicy:UserPolicy")
    assert all(policy.urn in key.dependencies for key in keys), "each key waits for the user's policy"


def test_invalid_rotation_settings_declare_nothing() -> None:
    plan = run_plan("prod", config_overrides={"credentials": [{"name": NEW}], "activeCredential": "default"})
    assert plan.resources == ()
    assert plan.error is not None and "Switch activeCredential first" in plan.error
    assert "Traceback" not in plan.error
