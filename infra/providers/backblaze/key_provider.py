"""The dynamic provider of one B2 application key restricted to one bucket.

B2 cannot change a key, so every difference replaces it (the new key is made first, then
the old one revoked), and B2 shows a key's secret only once, at creation: the state keeps
it from then on, as a secret output.

The class is pickled into every key's state under `dynamic.B2ApplicationKeyProvider`
(host_protocol.py): rename or move it only with that name kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from infra.providers.backblaze.b2_api import B2ProviderError, authorized_api, b2_call
from infra.providers.backblaze.host_protocol import is_unknown, pickled_under_legacy_module, plain

KEY_REPLACE = ("keyName", "capabilities", "bucketId", "bucketName", "namePrefix")
"""B2 cannot change an application key: any difference means a new key (then the old one is revoked)."""


def _key_view(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "keyName": props.get("keyName"),
        "capabilities": sorted(props.get("capabilities") or ()),
        "bucketId": props.get("bucketId"),
        "bucketName": props.get("bucketName"),
        "namePrefix": props.get("namePrefix") or None,
    }


@pickled_under_legacy_module
class B2ApplicationKeyProvider(ResourceProvider):
    """CRUD for one B2 application key restricted to one bucket. Holds no state."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not news.get("keyName"):
            failures.append(CheckFailure("keyName", "is required"))
        if not news.get("capabilities"):
            failures.append(CheckFailure("capabilities", "must list at least one capability"))
        if "bucketId" in news and not news.get("bucketId"):
            failures.append(CheckFailure("bucketId", "must name the bucket the key is restricted to"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = _key_view(olds), _key_view(news)
        if is_unknown(news.get("bucketId")) and new["bucketName"] == old["bucketName"]:
            # A preview of a bucket *update* leaves the bucket's outputs unknown; the bucket
            # gets a new id only when it is replaced, which takes a new name.
            new["bucketId"] = old["bucketId"]
        replaces = [key for key in KEY_REPLACE if old[key] != new[key]]
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        if not isinstance(props.get("bucketId"), str) or not props["bucketId"] or is_unknown(props["bucketId"]):
            # The host turns an unknown into None outside `Check`/`Diff`, and b2_create_key
            # without a bucket makes a key for the whole account: never.
            raise B2ProviderError("An application key must be restricted to a known bucket id; none was given")
        api = authorized_api()
        capabilities = list(props["capabilities"])
        with b2_call(f"create application key {props['keyName']!r}"):
            key = api.create_key(
                capabilities=capabilities,
                key_name=props["keyName"],
                bucket_id=props["bucketId"],
                name_prefix=props.get("namePrefix") or None,
            )
        if key.bucket_id != props["bucketId"] or set(key.capabilities) != set(capabilities):
            with b2_call("revoke a key B2 created with other restrictions than asked"):
                api.delete_key_by_id(key.id_)
            raise B2ProviderError("Backblaze created the key with other restrictions than asked; it was revoked again")
        outputs = {**plain(props), "applicationKeyId": key.id_, "applicationKey": key.application_key}
        return CreateResult(key.id_, outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api = authorized_api()
        with b2_call(f"look up application key {id_}"):
            key = api.get_key(id_)
        if key is None:
            return ReadResult("", {})
        live = {"keyName": key.key_name, "capabilities": list(key.capabilities), "bucketId": key.bucket_id}
        if key.name_prefix:
            live["namePrefix"] = key.name_prefix
        # B2 shows a key's secret only once, at creation; the state keeps it from then on.
        outputs = {**plain(props), **live, "applicationKeyId": key.id_}
        inputs = {**{k: v for k, v in plain(props).items() if k in KEY_REPLACE}, **live}
        return ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only reached when nothing B2 stores differs (diff replaces on every change)."""
        if self.diff(id_, olds, news).replaces:
            raise B2ProviderError("B2 application keys cannot be changed in place; Pulumi must replace this key")
        return UpdateResult({**plain(olds), **plain(news)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Revoke the key: S3 clients using it are refused from now on."""
        api = authorized_api()
        with b2_call(f"look up application key {id_}"):
            if api.get_key(id_) is None:
                return  # already revoked
        with b2_call(f"revoke application key {id_}"):
            api.delete_key_by_id(id_)
