"""Property tests: whatever the stack config holds, the parser answers with settings or
SettingsError — never another exception — and never lets a dangerous value through."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.guide.cors import origin_problem
from infra.guide.lifecycle import soft_delete_prefix_problem
from infra.settings.keys import ALL_KEYS
from infra.settings.model import Settings
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from infra.stack.rotation import NAME

KEY_NAMES = [key.name for key in ALL_KEYS]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["aws", "digitalocean", "backblaze", "cloudflare", "us-east-1", "nyc3", "auto", "true", "30", ""]),
    st.sampled_from(["https://app.example.com", "*", "http://localhost:3000", "deleted/", "raptscallions-prod"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
        st.lists(children, max_size=4).map(json.dumps),
    ),
    max_leaves=10,
)
raw_configs = st.dictionaries(
    st.one_of(st.sampled_from(KEY_NAMES), st.text(max_size=20)), values, max_size=len(KEY_NAMES) + 3
)
stacks = st.sampled_from(["prod", "staging", "dev", "production"])


def check_invariants(result: Settings) -> None:
    """What every accepted Settings must satisfy, however it was reached."""
    assert soft_delete_prefix_problem(result.lifecycle.soft_delete_prefix) is None
    assert result.lifecycle.soft_delete_days >= 1 and result.lifecycle.abort_multipart_days >= 1
    assert result.cors.allowed_origins
    for origin in result.cors.allowed_origins:
        assert origin_problem(origin, production=result.is_production) is None
    assert result.app.quota_bytes >= result.app.max_file_size_bytes >= 1
    names = [c.name for c in result.credentials]
    assert names and len(set(names)) == len(names) and all(NAME.match(n) for n in names)
    assert result.active_credential in names
    assert result.provider != "aws" or len(names) <= 2


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_configs, stack=stacks)
def test_parser_only_ever_raises_settings_error(raw: dict[Any, Any], stack: str) -> None:
    try:
        result = load_settings(raw, stack=stack)
    except SettingsError as error:
        assert error.problems, "a SettingsError must name at least one problem"
        assert str(error).startswith(f"Stack '{stack}'")
        return
    check_invariants(result)


valid_base = st.fixed_dictionaries(
    {
        "provider": st.just("aws"),
        "bucketName": st.just("raptscallions-prod"),
        "region": st.just("us-east-1"),
        "corsAllowedOrigins": st.lists(
            st.sampled_from(["https://a.example.com", "https://b.example.com:8443", "*", "http://localhost:3000"]),
            min_size=1,
            max_size=3,
            unique=True,
        ),
    },
    optional={name: values for name in ["softDeletePrefix", "softDeleteDays", "quotaBytes", "maxFileSizeBytes", "tags"]},
)


@settings(max_examples=300, deadline=None)
@given(raw=valid_base, stack=stacks)
def test_near_valid_configs_keep_the_invariants(raw: dict[str, Any], stack: str) -> None:
    try:
        result = load_settings(raw, stack=stack)
    except SettingsError as error:
        # A size over the default quota is reported on quotaBytes, which names the fix.
        blamable = set(raw) | ({"quotaBytes"} if "maxFileSizeBytes" in raw else set())
        assert {p.key for p in error.problems} <= blamable
        return
    check_invariants(result)


generation_names = st.one_of(st.sampled_from(["default", "2026-11", "2027-05", "b", "Bad_Name", ""]), st.text(max_size=35))
credential_lists = st.one_of(
    st.none(),
    st.lists(st.fixed_dictionaries({"name": generation_names}), max_size=4),
    st.lists(st.dictionaries(st.sampled_from(["name", "id"]), generation_names, max_size=2), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    provider=st.sampled_from(["aws", "digitalocean", "cloudflare"]),
    listed=credential_lists,
    active=st.one_of(st.none(), generation_names),
)
def test_credentials_either_parse_consistently_or_blame_only_the_credential_keys(
    provider: str, listed: Any, active: Any
) -> None:
    raw: dict[str, Any] = {
        "provider": provider,
        "bucketName": "raptscallions-prod",
        "corsAllowedOrigins": ["https://a.example.com"],
        **({"region": "us-east-1"} if provider == "aws" else {"region": "nyc3"} if provider == "digitalocean" else {}),
        **({"cloudflareAccountId": "0123456789abcdef0123456789abcdef"} if provider == "cloudflare" else {}),
    }
    if listed is not None:
        raw["credentials"] = listed
    if active is not None:
        raw["activeCredential"] = active
    try:
        result = load_settings(raw, stack="prod")
    except SettingsError as error:
        assert {p.key for p in error.problems} <= {"credentials", "activeCredential"}
        return
    check_invariants(result)
    if listed is not None:
        assert [c.name for c in result.credentials] == [item["name"] for item in listed]
        assert result.active_credential == active
