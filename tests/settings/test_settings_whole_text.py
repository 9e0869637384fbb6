"""No setting value with whitespace at an end (a newline from a YAML block scalar `region: |`, a
tab, a no-break space, a line separator...) reaches a resource input, an invoke or a stack output.

Checked on the real offline plan for every text a stack can hold, derived from the setting keys
(`infra/settings/keys.py` and the providers' keys): every string setting, every item of a list
of strings, a credential's name, a tag's key and value. The choice made: such a value is refused,
with one problem naming the setting (`infra/settings/values.py`, `text_problem`; CORS origins by
the guide's own origin rule, `infra/guide/cors.py`). The property asserts the weaker promise the
issue asks for (refused naming the key, or else found nowhere in what is declared), and
`test_each_text_setting_is_refused_with_a_final_newline` pins the choice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from infra import PROJECT
from infra.offline.harness import Plan, run_plan
from infra.providers import registry
from infra.settings.keys import ALL_KEYS, SettingKey

STACK_OF = {"aws": "prod", "digitalocean": "spaces-staging", "backblaze": "b2-staging", "cloudflare": "staging"}
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

SAMPLES: dict[str, Any] = {
    "provider": None,  # the stack's own
    "bucketName": None,
    "region": None,
    "environment": "qa",
    "endpoint": None,
    "softDeletePrefix": "trash/",
    "activeCredential": "2027-05",
    "credentials": [{"name": "default"}, {"name": "2027-05"}],
    "corsAllowedOrigins": ["https://app.raptscallions.com"],
    "corsAllowedMethods": ["GET", "PUT", "HEAD"],
    "corsAllowedHeaders": ["Content-Type"],
    "corsExposeHeaders": ["ETag", "Content-Length"],
    "tags": {"team": "platform"},
    "awsKmsKeyArn": KMS_KEY,
    "awsReplicaRegion": "us-west-2",
    "cloudflareAccountId": None,
    "r2LocationHint": "weur",
    "r2Jurisdiction": "eu",
    "b2BucketId": "4a48fe8875c6214145260818",
    "b2ReplicaBucketName": "raptscallions-staging-b2-replica",
    "b2AppPrefixes": ["uploads/"],
    "acknowledgeChanges": ["delete storage-app-key"],
}
"""A valid value of every text setting (None: the shipped stack's own value)."""
OWN = {"region": {"digitalocean": "nyc3"}, "endpoint": {"digitalocean": "https://nyc3.digitaloceanspaces.com"}}
COMPANIONS = {"activeCredential": ("credentials",), "credentials": ("activeCredential",)}
"""Settings that are valid only together."""

WHITESPACE = ["\n", "\r\n", "\r", "\t", " ", "\u00a0", "\u2028", "\u2029", "\u3000", "\u200b", "\ufeff", "\x0b", "\x85"]


def holds_text(key: SettingKey) -> bool:
    return key.kind in ("string", "object") or key.kind == "array"


TEXT_KEYS = [key for key in ALL_KEYS if holds_text(key)]
BY_NAME = {key.name: key for key in TEXT_KEYS}


def provider_of(key: SettingKey) -> str:
    """The first provider (of the shipped stacks) whose stacks use `key`."""
    return next(p for p in STACK_OF if registry.get(p).applies(key))  # type: ignore[arg-type]


def shipped_value(stack: str, name: str) -> Any:
    from infra.offline.stack_files import stack_config

    config, _ = stack_config(stack)
    return config[f"{PROJECT}:{name}"]


def valid_value(name: str) -> Any:
    provider = provider_of(BY_NAME[name])
    if name in OWN and provider in OWN[name]:
        return OWN[name][provider]
    sample = SAMPLES[name]
    return shipped_value(STACK_OF[provider], name) if sample is None else sample


def as_config(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def overrides(name: str, value: Any) -> dict[str, str]:
    found = {name: as_config(value)}
    for companion in COMPANIONS.get(name, ()):
        found[companion] = as_config(valid_value(companion))
    return found


def spoiled(value: Any, blank: str, at_end: bool) -> tuple[Any, str]:
    """`value` with `blank` added to one piece of its text, and that piece."""

    def add(text: str) -> str:
        return text + blank if at_end else blank + text

    if isinstance(value, str):
        bad = add(value)
        return bad, bad
    if isinstance(value, list) and value and isinstance(value[0], dict):
        bad = add(value[-1]["name"])
        return [*value[:-1], {"name": bad}], bad
    if isinstance(value, list):
        bad = add(value[0])
        return [bad, *value[1:]], bad
    [(tag, text)] = value.items()
    bad = add(text)
    return {tag: bad}, bad


def texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item)


def declared_texts(plan: Plan) -> list[str]:
    found = [text for resource in plan.resources for text in texts(resource.inputs)]
    return found + list(texts(plan.outputs))


def test_every_text_setting_has_a_valid_sample() -> None:
    assert {key.name for key in TEXT_KEYS} == set(SAMPLES), "add a valid value of the new setting to SAMPLES"
    assert {"region", "bucketName", "awsReplicaRegion", "awsKmsKeyArn", "credentials"} <= set(SAMPLES)


@pytest.mark.parametrize("provider", sorted(STACK_OF))
def test_the_samples_plan_cleanly(provider: str) -> None:
    """Each sample is valid where it is used, so a refusal below is the blank's doing."""
    names = [key.name for key in TEXT_KEYS if provider_of(key) == provider]
    groups = [[n for n in names if n != "awsReplicaRegion"], ["awsReplicaRegion"] if "awsReplicaRegion" in names else []]
    for group in filter(None, groups):
        config: dict[str, str] = {}
        for name in group:
            config.update(overrides(name, valid_value(name)))
        plan = run_plan(STACK_OF[provider], config_overrides=config)
        assert plan.error is None, plan.error


def judge(name: str, blank: str, at_end: bool) -> None:
    value, bad = spoiled(valid_value(name), blank, at_end)
    stack = STACK_OF[provider_of(BY_NAME[name])]
    plan = run_plan(stack, config_overrides=overrides(name, value))
    if plan.error is not None:
        lines = [line for line in plan.error.splitlines() if line.startswith(f"  - {PROJECT}:{name}:")]
        assert lines, f"{name}: refused without naming it:\n{plan.error}"
        assert plan.resources == () and plan.outputs == {}
        return
    reached = [text for text in declared_texts(plan) if bad in text or text != text.strip()]
    assert reached == [], f"{name}={bad!r} reached what {stack} declares"


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(BY_NAME)),
    blank=st.one_of(st.sampled_from(WHITESPACE), st.characters(categories=["Zs", "Zl", "Zp", "Cc"])),
    at_end=st.booleans(),
)
@example(name="region", blank="\n", at_end=True)
@example(name="awsReplicaRegion", blank="\n", at_end=True)
@example(name="bucketName", blank="\n", at_end=True)
@example(name="awsKmsKeyArn", blank="\n", at_end=True)
@example(name="credentials", blank="\n", at_end=True)
def test_no_text_with_a_blank_at_an_end_reaches_what_is_declared(name: str, blank: str, at_end: bool) -> None:
    judge(name, blank, at_end)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_each_text_setting_is_refused_with_a_final_newline(name: str) -> None:
    """The choice: refused, naming the setting (not trimmed, not passed on)."""
    value, _ = spoiled(valid_value(name), "\n", True)
    plan = run_plan(STACK_OF[provider_of(BY_NAME[name])], config_overrides=overrides(name, value))
    assert plan.error is not None and f"{PROJECT}:{name}:" in plan.error
