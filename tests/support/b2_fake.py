"""A B2 account for the tests: b2sdk's in-memory B2 (RawSimulator), refusing what Backblaze
documents B2 refuses (tests/support/b2_strict.py), behind the dynamic providers.

Each operation runs as the dynamic-provider host runs it: the provider is serialized the
way `pulumi.dynamic` does (dill) and loaded back, and properties pass through Pulumi's
wire format (so numbers arrive as floats). Credentials come from the environment only.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from typing import Any

import dill
import pytest
from b2sdk.v2 import B2Api, B2HttpApiConfig, InMemoryAccountInfo
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.providers.backblaze import b2_api, rules
from infra.providers.backblaze.b2_api import KEY_ENV, KEY_ID_ENV
from infra.providers.backblaze.bucket_provider import B2BucketProvider
from infra.providers.backblaze.resources import B2BucketArgs
from tests.support.b2_strict import StrictRawSimulator

REGION = "us-west-004"
S3_URL = f"https://s3.{REGION}.backblazeb2.com"
BUCKET = "raptscallions-b2-test"
ORIGIN = "https://app.example.com"


class B2Simulator(StrictRawSimulator):
    """b2sdk's simulator, as strict as Backblaze documents B2 (tests/support/b2_strict.py), answering a
    real-looking S3 API URL at authorization."""

    S3_API_URL = S3_URL

    def create_bucket(self, api_url: str, account_auth_token: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """As b2sdk's, but the bucket's id is shaped like B2's (24 lowercase hex digits, what the
        `b2BucketId` setting accepts) instead of `bucket_<n>`."""
        created = super().create_bucket(api_url, account_auth_token, *args, **kwargs)
        bucket = self.bucket_id_to_bucket.pop(created["bucketId"])
        bucket.bucket_id = f"{int(created['bucketId'].removeprefix('bucket_')) + 1:024x}"
        self.bucket_id_to_bucket[bucket.bucket_id] = bucket
        return bucket.bucket_dict(account_auth_token)


@dataclass
class FakeB2:
    sim: B2Simulator
    key_id: str
    key: str

    def api(self, key_id: str | None = None, key: str | None = None) -> B2Api:
        """A client on the shared simulator, authorized as the provider key (or another)."""
        api = B2Api(InMemoryAccountInfo(), api_config=B2HttpApiConfig(_raw_api_class=lambda _http: self.sim))
        api.authorize_account("production", key_id or self.key_id, key or self.key)
        return api


def simulated_b2(monkeypatch: pytest.MonkeyPatch) -> FakeB2:
    """A fresh simulated account whose master key is the providers' key (environment), with
    the dynamic providers' API factory pointed at it. The `b2` fixture in conftest.py."""
    sim = B2Simulator()
    key_id, key = sim.create_account()
    monkeypatch.setenv(KEY_ID_ENV, key_id)
    monkeypatch.setenv(KEY_ENV, key)
    monkeypatch.setattr(
        b2_api, "API_FACTORY", lambda: B2Api(InMemoryAccountInfo(), api_config=B2HttpApiConfig(_raw_api_class=lambda _http: sim))
    )
    return FakeB2(sim, key_id, key)


def hosted(provider: Any) -> Any:
    """The provider as the dynamic-provider host gets it: serialized by pulumi.dynamic, loaded by dill."""
    return dill.loads(base64.b64decode(serialize_provider(provider)))


def wire(props: dict[str, Any]) -> dict[str, Any]:
    """Properties after a trip through Pulumi's wire format (numbers become floats)."""
    loop = asyncio.new_event_loop()
    try:
        struct = loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()
    return rpc.deserialize_properties(struct)


APP_PREFIXES = ("uploads/",)
"""The app folders the test bucket's rules name (`b2AppPrefixes`), so they carry every rule of the guide."""


def bucket_props(
    name: str = BUCKET, policy: LifecyclePolicy | None = None, app_prefixes: tuple[str, ...] = APP_PREFIXES, **extra: Any
) -> dict[str, Any]:
    args = B2BucketArgs(
        bucket_name=name,
        lifecycle_rules=rules.lifecycle_rules(policy or LifecyclePolicy(), app_prefixes),
        cors_rules=rules.cors_rules(CorsRule((ORIGIN,))),
    )
    return wire({**args.props(), **extra})


def create_bucket(**kwargs: Any) -> tuple[str, dict[str, Any]]:
    result = hosted(B2BucketProvider()).create(bucket_props(**kwargs))
    return result.id, result.outs


def key_props(bucket_id: str, bucket_name: str = BUCKET, capabilities: tuple[str, ...] = rules.APP_CAPABILITIES) -> dict:
    return wire({"keyName": rules.app_key_name(bucket_name), "capabilities": list(capabilities), "bucketId": bucket_id, "bucketName": bucket_name})
