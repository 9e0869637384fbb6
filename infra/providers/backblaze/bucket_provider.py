"""The dynamic provider of one B2 bucket: create (or adopt), read, update, delete.

Deleting a bucket that still holds any file version, hide marker or unfinished large
file fails with a clear message: nothing here ever deletes a file.

Adoption (`adoptExistingBucket`): not Pulumi's `import` option, which the engine carries
out with a `Read` that has no inputs, so no serialized provider, and the Python host fails
with `KeyError: '__provider'` (pulumi/pulumi issues 7534 and 16175;
pkg/resource/deploy/step.go, ImportStep). Instead the bucket's inputs name the existing
bucket's id (`adoptBucketId`), and `create` takes that bucket over (after checking its
account and name) instead of making one - the workaround from those issues.

The class is pickled into every bucket's state under `dynamic.B2BucketProvider`
(host_protocol.py): rename or move it only with that name kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b2sdk.v2 import B2Api, EncryptionAlgorithm, EncryptionMode, EncryptionSetting
from b2sdk.v2 import exception as b2_exception
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from infra.providers.backblaze import rules
from infra.providers.backblaze.b2_api import (
    KEY_ID_ENV,
    B2ProviderError,
    account_endpoint,
    authorized_api,
    b2_call,
    find_bucket,
    own_buckets,
)
from infra.providers.backblaze.host_protocol import pickled_under_legacy_module
from infra.providers.backblaze.spec import BUCKET_ID, OBJECT_LOCK

SSE_B2_SETTING = EncryptionSetting(mode=EncryptionMode.SSE_B2, algorithm=EncryptionAlgorithm.AES256)

BUCKET_IN_PLACE = ("bucketType", "lifecycleRules", "corsRules", "defaultServerSideEncryption", "fileLockEnabled", "region")
"""Bucket inputs B2 can change on the existing bucket (b2_update_bucket)."""
BUCKET_REPLACE = ("bucketName",)
"""Bucket inputs that need a new bucket: B2 cannot rename one."""
ADOPT_INPUT = "adoptBucketId"
"""The id of an existing bucket `create` takes over instead of making one (`b2BucketId`).
Never compared by `diff`: it only matters when the engine creates the resource, so turning
adoption on or off later changes nothing for a bucket already in the state."""


def _bucket_view(props: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable form of a bucket's inputs (floats, nulls and order ironed out)."""
    sse = props.get("defaultServerSideEncryption") or {}
    return {
        "bucketName": props.get("bucketName"),
        "bucketType": props.get("bucketType"),
        "lifecycleRules": rules.normalized_lifecycle_rules(props.get("lifecycleRules")),
        "corsRules": rules.normalized_cors_rules(props.get("corsRules")),
        "defaultServerSideEncryption": {"mode": sse.get("mode"), "algorithm": sse.get("algorithm")},
        "fileLockEnabled": bool(props.get("fileLockEnabled")),
        "region": props.get("region") or None,
    }


def _sse_setting(props: Mapping[str, Any]) -> EncryptionSetting:
    sse = props.get("defaultServerSideEncryption") or {}
    if sse.get("mode") in (None, "none"):
        return EncryptionSetting(mode=EncryptionMode.NONE)
    if sse.get("mode") != rules.SSE_B2["mode"]:
        raise B2ProviderError(f"defaultServerSideEncryption mode {sse.get('mode')!r} is not supported; use SSE-B2")
    return SSE_B2_SETTING


def _sse_dict(setting: EncryptionSetting | None) -> dict[str, Any] | None:
    if setting is None or setting.mode in (EncryptionMode.UNKNOWN, EncryptionMode.NONE):
        return None
    value = setting.as_dict()
    return {"mode": value.get("mode"), "algorithm": value.get("algorithm")}


def _check_region(api: B2Api, props: Mapping[str, Any]) -> tuple[str, str]:
    """The account's S3 URL and region; refuses a stack whose region names another."""
    url, region = account_endpoint(api)
    wanted = props.get("region")
    if wanted and wanted != region:
        raise B2ProviderError(
            f"The B2 account of {KEY_ID_ENV} keeps its buckets in {region} (S3 endpoint {url}), but the "
            f"stack's region is {wanted!r}. A B2 account has one region: set region to {region} or leave "
            "it unset, or use a key of an account in that region."
        )
    return url, region


def _bucket_outputs(bucket: Any, props: Mapping[str, Any], url: str, region: str) -> dict[str, Any]:
    """What the state records: the inputs as B2 now has them, plus the computed values.

    No account id: for a master key it equals B2_APPLICATION_KEY_ID.
    """
    outputs = {
        "bucketName": bucket.name,
        "bucketType": bucket.type_,
        "lifecycleRules": rules.normalized_lifecycle_rules(bucket.lifecycle_rules),
        "corsRules": rules.normalized_cors_rules(bucket.cors_rules),
        "defaultServerSideEncryption": _sse_dict(bucket.default_server_side_encryption),
        "fileLockEnabled": bool(bucket.is_file_lock_enabled),
        "bucketId": bucket.id_,
        "s3ApiUrl": url,
        "s3Region": region,
    }
    if props.get("region"):
        outputs["region"] = props["region"]
    return outputs


def _taken_message(api: B2Api, name: str) -> str:
    """Why a bucket name is taken: by this account (adopt it) or by someone else."""
    try:
        own = own_buckets(api, api.list_buckets(bucket_name=name))
    except b2_exception.B2Error:
        own = []
    where = (
        f"by a bucket in this B2 account (id {own[0].id_}): to manage it with this stack set adoptExistingBucket: "
        f"true and {BUCKET_ID.name}: {own[0].id_}, or choose another bucketName"
        if own
        else "by another Backblaze account (B2 bucket names are unique across all accounts): choose another bucketName"
    )
    return f"The bucket name {name!r} is already taken {where} in the stack's Pulumi.<stack>.yaml."


def _holds_anything(api: B2Api, bucket_id: str) -> bool:
    """Whether the bucket has any file version, hide marker or unfinished large file."""
    with b2_call("list the bucket's files before deleting it"):
        versions = api.session.list_file_versions(bucket_id, max_file_count=1)
        unfinished = api.session.list_unfinished_large_files(bucket_id, max_file_count=1)
    return bool(versions.get("files")) or bool(unfinished.get("files"))


def not_empty_message(name: str) -> str:
    return (
        f"Bucket {name!r} still holds files (current files, older versions, hide markers or unfinished "
        "uploads), so it was NOT deleted and nothing in it was touched: this stack never empties a bucket. "
        f"If its data really must go, delete the files yourself (e.g. `b2 rm --recursive --versions "
        f"b2://{name}`) and run the command again; to keep the bucket, leave it in the stack (or drop it "
        "from the state with `pulumi state delete`)."
    )


def _apply_declared(bucket: Any, props: Mapping[str, Any]) -> Any:
    """Bring an existing bucket to the declared type, rules and encryption (b2_update_bucket);
    Object Lock is only ever turned on. Returns the bucket as B2 now has it."""
    turn_lock_on = bool(props.get("fileLockEnabled")) and not bucket.is_file_lock_enabled
    with b2_call(f"update bucket {bucket.name!r}"):
        return bucket.update(
            bucket_type=props["bucketType"],
            cors_rules=rules.normalized_cors_rules(props.get("corsRules")),
            lifecycle_rules=rules.normalized_lifecycle_rules(props.get("lifecycleRules")),
            default_server_side_encryption=_sse_setting(props),
            is_file_lock_enabled=True if turn_lock_on else None,
        )


def _adoptable_bucket(api: B2Api, bucket_id: str, props: Mapping[str, Any]) -> Any:
    """The existing bucket `b2BucketId` names, once it is sure to be the one the stack means:
    in this account, named `bucketName`, and not holding Object Lock the stack would drop.

    Each refusal names the setting to fix; nothing in B2 has been changed when one is raised.
    """
    name = props["bucketName"]
    bucket = find_bucket(api, bucket_id)
    if bucket is None:
        raise B2ProviderError(
            f"adoptExistingBucket is on, but the B2 account of {KEY_ID_ENV} has no bucket with id {bucket_id!r} "
            f"({BUCKET_ID.name}). Copy the Bucket ID of {name!r} from the B2 web console (Buckets) or "
            f"`b2 bucket get {name}` into {BUCKET_ID.name}, use a key of the account that owns the bucket, or "
            "turn adoptExistingBucket off to create a new bucket. Nothing was created or changed."
        )
    if bucket.name != name:
        raise B2ProviderError(
            f"adoptExistingBucket is on, but {BUCKET_ID.name} {bucket_id!r} is the bucket {bucket.name!r}, not "
            f"bucketName {name!r}. Set {BUCKET_ID.name} to the id of {name!r}, or bucketName to {bucket.name!r} "
            "if that is the bucket to adopt. Nothing was created or changed."
        )
    if bucket.is_file_lock_enabled and not props.get("fileLockEnabled"):
        raise B2ProviderError(
            f"Bucket {name!r} has Object Lock on, which B2 cannot turn off: set {OBJECT_LOCK.name}: true to adopt "
            "it. Nothing was created or changed."
        )
    return bucket


@pickled_under_legacy_module
class B2BucketProvider(ResourceProvider):
    """CRUD for one B2 bucket. Holds no state: see host_protocol.py for how it is stored."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not isinstance(news.get("bucketName"), str) or not news.get("bucketName"):
            failures.append(CheckFailure("bucketName", "is required"))
        if news.get("bucketType") not in ("allPrivate", "allPublic"):
            failures.append(CheckFailure("bucketType", "must be allPrivate or allPublic"))
        if olds.get("fileLockEnabled") and not news.get("fileLockEnabled"):
            failures.append(
                CheckFailure("fileLockEnabled", "B2 cannot turn Object Lock off on an existing bucket; keep it on")
            )
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = _bucket_view(olds), _bucket_view(news)
        changed = [key for key in new if old.get(key) != new[key]]
        replaces = [key for key in changed if key in BUCKET_REPLACE]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        api = authorized_api()
        url, region = _check_region(api, props)
        name = props["bucketName"]
        if props.get(ADOPT_INPUT):
            bucket = _apply_declared(_adoptable_bucket(api, props[ADOPT_INPUT], props), props)
            return CreateResult(bucket.id_, _bucket_outputs(bucket, props, url, region))
        with b2_call(f"create bucket {name!r}"):
            try:
                bucket = api.create_bucket(
                    name,
                    props["bucketType"],
                    cors_rules=rules.normalized_cors_rules(props.get("corsRules")),
                    lifecycle_rules=rules.normalized_lifecycle_rules(props.get("lifecycleRules")),
                    default_server_side_encryption=_sse_setting(props),
                    is_file_lock_enabled=bool(props.get("fileLockEnabled")),
                )
            except b2_exception.DuplicateBucketName:
                raise B2ProviderError(_taken_message(api, name)) from None
        return CreateResult(bucket.id_, _bucket_outputs(bucket, props, url, region))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api = authorized_api()
        url, region = account_endpoint(api)
        bucket = find_bucket(api, id_)
        if bucket is None:
            return ReadResult("", {})
        outputs = _bucket_outputs(bucket, props, url, region)
        inputs = {key: outputs[key] for key in ("bucketName", *BUCKET_IN_PLACE) if key in outputs}
        return ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = authorized_api()
        url, region = _check_region(api, news)
        bucket = find_bucket(api, id_)
        if bucket is None:
            raise B2ProviderError(
                f"Bucket {news.get('bucketName')!r} ({id_}) no longer exists in this B2 account: run "
                "`pulumi refresh` so Pulumi knows, then `pulumi up` creates it again."
            )
        return UpdateResult(_bucket_outputs(_apply_declared(bucket, news), news, url, region))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api = authorized_api()
        bucket = find_bucket(api, id_)
        name = props.get("bucketName", id_)
        if bucket is None:
            return  # already gone: nothing to do
        if _holds_anything(api, id_):
            raise B2ProviderError(not_empty_message(name))
        try:
            with b2_call(f"delete bucket {name!r}"):
                api.delete_bucket(bucket)
        except B2ProviderError as error:
            if "non_empty" in str(error) or "not empty" in str(error).lower():
                raise B2ProviderError(not_empty_message(name)) from None
            raise
