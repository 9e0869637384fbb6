"""A setting the stack's provider does not use is refused when the stack file writes it,
whatever its value, on all four providers, through the real offline plan.

The Pulumi engine writes every default Pulumi.yaml declares into the stack's config before the
program runs (pulumi/pulumi sdk/go/common/workspace/config.go, `mergeConfig`: `if !foundOnStack &&
(hasValue || hasDefault)` sets the project's value on the stack), and the offline plan does the
same (`infra.offline.stack_files.stack_config`). A declared key is therefore present in every
stack, and `accessLogging: true` written on B2 looked exactly like the default: it was accepted
though the docs say it is refused. Keys some provider ignores are not declared, so presence
means "written", and settings refuse it there.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import PROJECT
from infra.offline.harness import run_plan
from infra.offline.stack_files import project_declarations, stack_config
from infra.providers import registry
from infra.settings.keys import ALL_KEYS, SettingKey
from tests.support.plans import SHIPPED_STACKS

STACK_OF = {"aws": "prod", "digitalocean": "spaces-staging", "backblaze": "b2-staging", "cloudflare": "staging"}
"""The shipped stack of each provider."""

SAMPLES: dict[str, Any] = {
    "endpoint": "https://s3.example.com",
    "versioning": False,
    "noncurrentVersionDays": 10,
    "tags": {"team": "platform"},
    "awsKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "awsPublishToSecretsManager": True,
    "accessLogging": False,
    "accessLogDays": 30,
    "awsReplicaRegion": "us-west-2",
    "b2ObjectLock": True,
    "b2BucketId": "4a48fe8875c6214145260818",
    "b2ReplicaBucketName": "raptscallions-replica",
    "b2AppPrefixes": ["uploads/"],
    "cloudflareAccountId": "0123456789abcdef0123456789abcdef",
    "r2LocationHint": "weur",
    "r2Jurisdiction": "eu",
}
"""A value other than the default for every key some provider does not use."""


def unused(provider: str) -> list[SettingKey]:
    spec = registry.get(provider)
    assert spec is not None
    return [key for key in ALL_KEYS if not spec.applies(key)]


def cases() -> list[tuple[str, str, Any]]:
    """(stack, key, value): every key its provider does not use, at its default and at a sample."""
    found = []
    for provider, stack in STACK_OF.items():
        for key in unused(provider):
            found.append((stack, key.name, key.default))
            found.append((stack, key.name, SAMPLES[key.name]))
    return found


def as_config(value: Any) -> str:
    """How the engine hands the program a value: scalars as text, lists and maps as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def test_the_cases_cover_every_provider_and_every_ignored_key() -> None:
    assert set(STACK_OF) == set(registry.NAMES) and set(STACK_OF.values()) <= set(SHIPPED_STACKS)
    ignored = {key.name for provider in STACK_OF for key in unused(provider)}
    assert ignored == set(SAMPLES), "add a sample for each new key some provider does not use"
    assert {"accessLogging", "endpoint", "versioning", "tags"} <= ignored


@pytest.mark.parametrize(("stack", "name", "value"), cases())
def test_a_written_key_the_provider_does_not_use_is_refused_whatever_its_value(stack: str, name: str, value: Any) -> None:
    plan = run_plan(stack, config_overrides={name: as_config(value)})
    assert plan.error is not None, f"{name}={value!r} was accepted on {stack}"
    assert plan.resources == () and plan.outputs == {}
    [line] = [line for line in plan.error.splitlines() if f"{PROJECT}:{name}:" in line]
    assert f"remove it (`pulumi config rm {name} --stack {stack}`)" in line
    assert line.count(f"{PROJECT}:") == 1 and plan.error.count(f"{PROJECT}:{name}:") == 1, "one message per key"


@pytest.mark.parametrize("stack", ["b2-staging", "staging"])
def test_access_logging_true_is_refused_where_there_is_no_switch(stack: str) -> None:
    """docs/providers: on B2 and R2 `accessLogging` is refused (it was accepted as the default)."""
    plan = run_plan(stack, config_overrides={"accessLogging": "true"})
    assert plan.error is not None and "accessLogging: applies only to provider aws and digitalocean" in plan.error


@pytest.mark.parametrize("provider", sorted(STACK_OF))
def test_every_unused_key_is_named_at_once(provider: str) -> None:
    stack = STACK_OF[provider]
    names = [key.name for key in unused(provider)]
    plan = run_plan(stack, config_overrides={name: as_config(SAMPLES[name]) for name in names})
    assert plan.error is not None
    named = {line.split(":")[1] for line in plan.error.splitlines() if line.startswith(f"  - {PROJECT}:")}
    assert named == set(names)


@pytest.mark.parametrize("provider", sorted(STACK_OF))
def test_the_keys_a_provider_uses_are_accepted_at_their_default(provider: str) -> None:
    """The refusal is about the provider, not the value: its own keys, written at their default,
    plan cleanly (the `region`/`endpoint` pair and the account are the stack's own)."""
    spec = registry.get(provider)
    assert spec is not None
    own = {key.name: as_config(key.default) for key in spec.option_keys if key.default is not None}
    own.pop("cloudflareAccountId", None)  # required: the stack's own value stays
    plan = run_plan(STACK_OF[provider], config_overrides=own)
    assert plan.error is None, plan.error
    assert plan.resources


def test_shipped_stacks_get_no_default_of_a_key_some_provider_ignores() -> None:
    """What makes presence mean "written": neither Pulumi.yaml nor the engine's defaults add one."""
    declared = set(project_declarations())
    for stack in SHIPPED_STACKS:
        config, _ = stack_config(stack)
        spec = registry.get(config[f"{PROJECT}:provider"])
        assert spec is not None
        present = {key.partition(":")[2] for key in config if key.startswith(f"{PROJECT}:")}
        assert not {key.name for key in unused(spec.name)} & (present | declared), stack


VARYING = {"versioning": False, "noncurrentVersionDays": 10, "tags": {"team": "storage-tests"}}
"""Common keys whose use differs by provider, each with a value other than its default. Judged by
their effect, not by the specs' word: a provider that uses one must change what it declares."""


def test_varying_keys_cover_every_common_key_a_provider_ignores() -> None:
    ignored = {name for spec in registry.all_specs() for name in spec.ignored_settings}
    assert ignored - {"endpoint"} <= set(VARYING), "add the key to VARYING with a value that changes resources"
    # endpoint: where it applies it is only checked against the region (no effect by design), so
    # only its refusal on AWS is tested (above).


def declared(plan: Any) -> tuple[Any, ...]:
    return tuple((r.type, r.name, json.dumps(r.inputs, sort_keys=True, default=str)) for r in plan.resources), plan.outputs


@pytest.mark.parametrize("provider", sorted(STACK_OF))
@pytest.mark.parametrize("name", sorted(VARYING))
def test_a_key_a_provider_keeps_has_an_effect_there(provider: str, name: str) -> None:
    spec = registry.get(provider)
    assert spec is not None
    key = {key.name: key for key in ALL_KEYS}[name]
    stack = STACK_OF[provider]
    # B2 applies noncurrentVersionDays to the app's folders only (its rules may not overlap).
    base = {"b2AppPrefixes": '["uploads/"]'} if provider == "backblaze" else {}
    plan = run_plan(stack, config_overrides={**base, name: as_config(VARYING[name])})
    if not spec.applies(key):
        assert plan.error is not None and f"{name}: has no effect on {spec.display_name}" in plan.error
        return
    if plan.error is not None:  # judged by the provider's own rule (B2 cannot turn versioning off)
        assert f"{PROJECT}:{name}:" in plan.error and "remove it (`pulumi config rm" not in plan.error
        return
    unchanged = run_plan(stack, config_overrides=base)
    assert declared(plan) != declared(unchanged), f"{name} changes nothing on {provider}: list it in ignored_settings"


@pytest.mark.parametrize("spec", registry.all_specs(), ids=lambda spec: spec.name)
def test_each_common_key_a_provider_does_not_use_has_its_reason_and_no_other_has_one(spec) -> None:
    """The schema says which providers use a key; the spec says why one does not. A reason for a
    key the schema gives the provider would never be shown; a missing one leaves the refusal
    without its why."""
    from infra.settings.keys import COMMON_KEYS

    assert set(spec.ignored_settings) == {key.name for key in COMMON_KEYS if not spec.applies(key)}
