"""Pulumi dynamic providers for a B2 bucket and a bucket-scoped application key (b2sdk).

Why dynamic providers: there is no Pulumi Backblaze package among our dependencies, and
B2's S3-compatible API cannot create application keys. These providers run inside the
program (`pulumi up` needs no plugin) and talk to B2's native API through b2sdk, whose
HTTP layer already retries transient failures (429 Too Many Requests, 503, timeouts).

Credentials: Pulumi pickles each provider object (dill) into the stack state and unpickles
it for every later operation. The provider classes live in this importable module, so
they are pickled by reference, and their instances carry no attributes at all. The
provider's own B2 key (`B2_APPLICATION_KEY_ID`, `B2_APPLICATION_KEY`) is read from the
environment inside each operation and used by an API client that lives only for that
call; it never reaches the serialized provider, the inputs or the outputs.

Deleting a bucket that still holds any file version, hide marker or unfinished large
file fails with a clear message: nothing here ever deletes a file.

Pinned import paths: `pulumi.dynamic` pickles each provider *by reference* (dill records
the module and the class's qualified name, nothing else) into the `__provider` property of
every resource's state, and the dynamic-provider host loads it back from there for every
later refresh, update and delete. So `infra.providers.backblaze.dynamic.B2BucketProvider`,
`infra.providers.backblaze.dynamic.B2ApplicationKeyProvider` and
`infra.providers.backblaze.replication.B2ReplicationProvider` must stay importable under
exactly these names forever: moving or renaming one breaks every operation on every stack
deployed before (`tests/providers/test_provider_pins.py` fails first). To split this module, keep
each name importable from here (a re-export loads the states already written); new states
then record the class's new `__module__`, which must be pinned, and kept, as well.

Adoption (`adoptExistingBucket`): not Pulumi's `import` option, which the engine carries
out with a `Read` that has no inputs, so no serialized provider, and the Python host fails
with `KeyError: '__provider'` (pulumi/pulumi issues 7534 and 16175;
pkg/resource/deploy/step.go, ImportStep). Instead the bucket's inputs name the existing
bucket's id (`adoptBucketId`), and `create` takes that bucket over (after checking its
account and name) instead of making one - the workaround from those issues.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pulumi
from b2sdk.v2 import (
    B2Api,
    EncryptionAlgorithm,
    EncryptionMode,
    EncryptionSetting,
    InMemoryAccountInfo,
    InMemoryCache,
)
from b2sdk.v2 import exception as b2_exception
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc

from infra.providers.backblaze import rules
from infra.providers.backblaze.spec import BUCKET_ID, OBJECT_LOCK, BackblazeSpec, region_of_endpoint

CREDENTIAL_ENV = BackblazeSpec.credential_env
KEY_ID_ENV, KEY_ENV = CREDENTIAL_ENV

PROVIDER_KEY_CAPABILITIES = (
    "listBuckets",
    "writeBuckets",
    "deleteBuckets",
    "listKeys",
    "writeKeys",
    "deleteKeys",
    "listFiles",
)
"""What the key in the environment needs (plus writeBucketRetentions for Object Lock);
named in error messages so a refused key can be fixed."""

PROVIDER_INPUT = "__provider"
"""The engine's property holding the serialized provider; never compared or echoed."""

ApiFactory = Callable[[], B2Api]


def production_api() -> B2Api:
    """A real B2 client whose account info lives in memory only (no ~/.b2_account_info)."""
    return B2Api(InMemoryAccountInfo(), cache=InMemoryCache())


API_FACTORY: ApiFactory = production_api
"""Builds the B2 client for each operation. Tests point it at b2sdk's RawSimulator; it is
module state, never provider state, so it is not pickled either."""


class B2ProviderError(Exception):
    """A B2 operation failed for a reason the user can fix; the message says how."""


# ---------------------------------------------------------------------------------------
# Credentials and error translation


def _credentials() -> tuple[str, str]:
    """The provider key from the environment, read now (never cached)."""
    values = {name: os.environ.get(name, "").strip() for name in CREDENTIAL_ENV}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise B2ProviderError(
            f"Backblaze B2 credentials are missing: set {' and '.join(missing)} in the environment of "
            f"`pulumi up` (an application key with {', '.join(PROVIDER_KEY_CAPABILITIES)}, not restricted "
            "to one bucket; the account's master key works)."
        )
    return values[KEY_ID_ENV], values[KEY_ENV]


def _scrub(text: str) -> str:
    """`text` with the provider key's id and secret blanked, in case B2 ever echoes them."""
    for name in CREDENTIAL_ENV:
        value = os.environ.get(name, "").strip()
        if len(value) >= 4:
            text = text.replace(value, f"<{name}>")
    return text


def _explain(error: Exception, action: str) -> str:
    """A message naming what to fix for a b2sdk error raised while doing `action`."""
    said = _scrub(str(error))
    if isinstance(error, b2_exception.Unauthorized):
        return (
            f"Backblaze refused the key in {KEY_ID_ENV}/{KEY_ENV} while trying to {action} ({said}). "
            f"Check that both variables come from the same, undeleted application key, that it is not "
            f"restricted to one bucket and that it has {', '.join(PROVIDER_KEY_CAPABILITIES)}."
        )
    if isinstance(error, (b2_exception.NotAllowedByAppKeyError, b2_exception.RestrictedBucket)):
        return (
            f"The key in {KEY_ID_ENV} may not {action} ({said}): use a key that is not restricted to one "
            f"bucket and has {', '.join(PROVIDER_KEY_CAPABILITIES)}."
        )
    if isinstance(error, b2_exception.TooManyRequests):
        return (
            f"Backblaze is rate-limiting this account (429 Too Many Requests) while trying to {action}, "
            "even after b2sdk's retries. Wait a minute, then run the command again."
        )
    if isinstance(error, b2_exception.CapExceeded):
        return (
            f"Backblaze refused to {action}: the account reached a cap ({said}). Raise it under "
            "Caps & Alerts in the Backblaze web console, then run the command again."
        )
    if isinstance(
        error,
        (
            b2_exception.ServiceError,
            b2_exception.B2ConnectionError,
            b2_exception.B2RequestTimeout,
            b2_exception.RequestTimeout,
            b2_exception.ConnectionReset,
            b2_exception.UnknownHost,
        ),
    ):
        return (
            f"Backblaze could not be reached or failed while trying to {action}, even after b2sdk's "
            f"retries ({said}). This is usually transient: run the command again."
        )
    return f"Backblaze refused to {action}: {said}"


@contextmanager
def _b2_call(action: str) -> Iterator[None]:
    """Turn b2sdk errors into one clear B2ProviderError (no b2sdk traceback chained)."""
    try:
        yield
    except B2ProviderError:
        raise
    except b2_exception.B2Error as error:
        raise B2ProviderError(_explain(error, action)) from None


def _authorized_api() -> B2Api:
    """A B2 client authorized with the environment's key, for this one operation."""
    key_id, key = _credentials()
    api = API_FACTORY()
    with _b2_call("authorize the account"):
        api.authorize_account("production", key_id, key)
    return api


def _account_endpoint(api: B2Api) -> tuple[str, str]:
    """The account's S3 API URL and its region, as the authorization told them."""
    url = api.account_info.get_s3_api_url()
    region = region_of_endpoint(url)
    if region is None:
        raise B2ProviderError(f"Backblaze answered an S3 API URL that is not a B2 endpoint: {url!r}")
    return url, region


def _plain(props: Mapping[str, Any]) -> dict[str, Any]:
    """`props` without the engine's serialized provider."""
    return {key: value for key, value in props.items() if key != PROVIDER_INPUT}


def is_unknown(value: Any) -> bool:
    """Whether a property is a preview's unknown. The host hands `Check` and `Diff` an
    `Unknown()` object (it deserializes with keep_unknowns); the wire sentinel string is
    accepted too, for callers that pass raw properties."""
    return isinstance(value, Unknown) or value == rpc.UNKNOWN


# ---------------------------------------------------------------------------------------
# Bucket

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
    url, region = _account_endpoint(api)
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


def _own_buckets(api: B2Api, found: Sequence[Any]) -> list[Any]:
    """Those of `found` that belong to the key's own account.

    B2's b2_list_buckets lists only the authorized account's buckets; b2sdk's simulator
    lists every account's, so the account is checked here too (never touch another's).
    """
    account = api.account_info.get_account_id()
    return [bucket for bucket in found if bucket.bucket_dict.get("accountId") == account]


def _find_bucket(api: B2Api, bucket_id: str) -> Any | None:
    """The bucket with this id in the key's own account, else None."""
    with _b2_call(f"look up bucket {bucket_id}"):
        own = _own_buckets(api, api.list_buckets(bucket_id=bucket_id))
    return own[0] if own else None


def _taken_message(api: B2Api, name: str) -> str:
    """Why a bucket name is taken: by this account (adopt it) or by someone else."""
    try:
        own = _own_buckets(api, api.list_buckets(bucket_name=name))
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
    with _b2_call("list the bucket's files before deleting it"):
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
    with _b2_call(f"update bucket {bucket.name!r}"):
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
    bucket = _find_bucket(api, bucket_id)
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


class B2BucketProvider(ResourceProvider):
    """CRUD for one B2 bucket. Holds no state: see the module docstring."""

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
        api = _authorized_api()
        url, region = _check_region(api, props)
        name = props["bucketName"]
        if props.get(ADOPT_INPUT):
            bucket = _apply_declared(_adoptable_bucket(api, props[ADOPT_INPUT], props), props)
            return CreateResult(bucket.id_, _bucket_outputs(bucket, props, url, region))
        with _b2_call(f"create bucket {name!r}"):
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
        api = _authorized_api()
        url, region = _account_endpoint(api)
        bucket = _find_bucket(api, id_)
        if bucket is None:
            return ReadResult("", {})
        outputs = _bucket_outputs(bucket, props, url, region)
        inputs = {key: outputs[key] for key in ("bucketName", *BUCKET_IN_PLACE) if key in outputs}
        return ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = _authorized_api()
        url, region = _check_region(api, news)
        bucket = _find_bucket(api, id_)
        if bucket is None:
            raise B2ProviderError(
                f"Bucket {news.get('bucketName')!r} ({id_}) no longer exists in this B2 account: run "
                "`pulumi refresh` so Pulumi knows, then `pulumi up` creates it again."
            )
        return UpdateResult(_bucket_outputs(_apply_declared(bucket, news), news, url, region))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api = _authorized_api()
        bucket = _find_bucket(api, id_)
        name = props.get("bucketName", id_)
        if bucket is None:
            return  # already gone: nothing to do
        if _holds_anything(api, id_):
            raise B2ProviderError(not_empty_message(name))
        try:
            with _b2_call(f"delete bucket {name!r}"):
                api.delete_bucket(bucket)
        except B2ProviderError as error:
            if "non_empty" in str(error) or "not empty" in str(error).lower():
                raise B2ProviderError(not_empty_message(name)) from None
            raise


# ---------------------------------------------------------------------------------------
# Application key

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
        api = _authorized_api()
        capabilities = list(props["capabilities"])
        with _b2_call(f"create application key {props['keyName']!r}"):
            key = api.create_key(
                capabilities=capabilities,
                key_name=props["keyName"],
                bucket_id=props["bucketId"],
                name_prefix=props.get("namePrefix") or None,
            )
        if key.bucket_id != props["bucketId"] or set(key.capabilities) != set(capabilities):
            with _b2_call("revoke a key B2 created with other restrictions than asked"):
                api.delete_key_by_id(key.id_)
            raise B2ProviderError("Backblaze created the key with other restrictions than asked; it was revoked again")
        outputs = {**_plain(props), "applicationKeyId": key.id_, "applicationKey": key.application_key}
        return CreateResult(key.id_, outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api = _authorized_api()
        with _b2_call(f"look up application key {id_}"):
            key = api.get_key(id_)
        if key is None:
            return ReadResult("", {})
        live = {"keyName": key.key_name, "capabilities": list(key.capabilities), "bucketId": key.bucket_id}
        if key.name_prefix:
            live["namePrefix"] = key.name_prefix
        # B2 shows a key's secret only once, at creation; the state keeps it from then on.
        outputs = {**_plain(props), **live, "applicationKeyId": key.id_}
        inputs = {**{k: v for k, v in _plain(props).items() if k in KEY_REPLACE}, **live}
        return ReadResult(id_, outputs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only reached when nothing B2 stores differs (diff replaces on every change)."""
        if self.diff(id_, olds, news).replaces:
            raise B2ProviderError("B2 application keys cannot be changed in place; Pulumi must replace this key")
        return UpdateResult({**_plain(olds), **_plain(news)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Revoke the key: S3 clients using it are refused from now on."""
        api = _authorized_api()
        with _b2_call(f"look up application key {id_}"):
            if api.get_key(id_) is None:
                return  # already revoked
        with _b2_call(f"revoke application key {id_}"):
            api.delete_key_by_id(id_)


# ---------------------------------------------------------------------------------------
# Resources (what the component declares)


@dataclass(frozen=True)
class B2BucketArgs:
    """A bucket's inputs, named as B2 names them so the policy pack can judge them."""

    bucket_name: str
    lifecycle_rules: Sequence[Mapping[str, Any]]
    cors_rules: Sequence[Mapping[str, Any]]
    file_lock_enabled: bool = False
    region: str | None = None
    """The region the stack expects; the account's authorization must agree. None: any."""
    adopt_bucket_id: str | None = None
    """An existing bucket's id (`b2BucketId`) to take over instead of creating one (`adoptExistingBucket`)."""

    def props(self) -> dict[str, Any]:
        props: dict[str, Any] = {
            "bucketName": self.bucket_name,
            "bucketType": rules.BUCKET_TYPE,
            "lifecycleRules": [dict(rule) for rule in self.lifecycle_rules],
            "corsRules": [dict(rule) for rule in self.cors_rules],
            "defaultServerSideEncryption": dict(rules.SSE_B2),
            "fileLockEnabled": self.file_lock_enabled,
        }
        if self.region:
            props["region"] = self.region
        if self.adopt_bucket_id:
            props[ADOPT_INPUT] = self.adopt_bucket_id
        return props


class B2Bucket(Resource, module="backblaze", name="Bucket"):
    """A B2 bucket (type `pulumi-python:dynamic/backblaze:Bucket`)."""

    bucketId: pulumi.Output[str]  # noqa: N815 - B2's property names
    bucketName: pulumi.Output[str]  # noqa: N815
    s3ApiUrl: pulumi.Output[str]  # noqa: N815
    s3Region: pulumi.Output[str]  # noqa: N815

    def __init__(self, name: str, args: B2BucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {"bucketId": None, "s3ApiUrl": None, "s3Region": None}
        super().__init__(B2BucketProvider(), name, {**args.props(), **outputs}, opts)


SECRET_KEY_OUTPUT = "applicationKey"


class B2ApplicationKey(Resource, module="backblaze", name="ApplicationKey"):
    """A B2 application key restricted to one bucket (type `pulumi-python:dynamic/backblaze:ApplicationKey`).

    `applicationKey` (the S3 secret) is always a secret output.
    """

    applicationKeyId: pulumi.Output[str]  # noqa: N815
    applicationKey: pulumi.Output[str]  # noqa: N815

    def __init__(
        self,
        name: str,
        *,
        key_name: str,
        bucket_id: pulumi.Input[str],
        bucket_name: pulumi.Input[str],
        capabilities: Sequence[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "keyName": key_name,
            "capabilities": list(capabilities),
            "bucketId": bucket_id,
            "bucketName": bucket_name,
            "applicationKeyId": None,
            SECRET_KEY_OUTPUT: None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=[SECRET_KEY_OUTPUT])
        super().__init__(B2ApplicationKeyProvider(), name, props, pulumi.ResourceOptions.merge(opts, secret))
