"""B2's native API for the dynamic providers: one authorized b2sdk client per operation,
and b2sdk's errors turned into messages that say what to fix.

Why b2sdk: B2's S3-compatible API cannot create application keys, and there is no Pulumi
Backblaze package among our dependencies. b2sdk's HTTP layer already retries transient
failures (429 Too Many Requests, 503, timeouts).

Credentials: the provider's own B2 key (`B2_APPLICATION_KEY_ID`, `B2_APPLICATION_KEY`) is
read from the environment inside each operation and used by a client that lives only for
that call; it never reaches the serialized provider (host_protocol.py), the inputs or the
outputs, and every message from B2 is scrubbed of it before it is shown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from b2sdk.v2 import B2Api, InMemoryAccountInfo, InMemoryCache
from b2sdk.v2 import exception as b2_exception

from infra.providers.backblaze.spec import BackblazeSpec, region_of_endpoint

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

ApiFactory = Callable[[], B2Api]


def production_api() -> B2Api:
    """A real B2 client whose account info lives in memory only (no ~/.b2_account_info)."""
    return B2Api(InMemoryAccountInfo(), cache=InMemoryCache())


API_FACTORY: ApiFactory = production_api
"""Builds the B2 client for each operation. Tests point it at b2sdk's RawSimulator; it is
module state, never provider state, so it is not pickled either."""


class B2ProviderError(Exception):
    """A B2 operation failed for a reason the user can fix; the message says how."""


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
def b2_call(action: str) -> Iterator[None]:
    """Turn b2sdk errors into one clear B2ProviderError (no b2sdk traceback chained)."""
    try:
        yield
    except B2ProviderError:
        raise
    except b2_exception.B2Error as error:
        raise B2ProviderError(_explain(error, action)) from None


def authorized_api() -> B2Api:
    """A B2 client authorized with the environment's key, for this one operation."""
    key_id, key = _credentials()
    api = API_FACTORY()
    with b2_call("authorize the account"):
        api.authorize_account("production", key_id, key)
    return api


def account_endpoint(api: B2Api) -> tuple[str, str]:
    """The account's S3 API URL and its region, as the authorization told them."""
    url = api.account_info.get_s3_api_url()
    region = region_of_endpoint(url)
    if region is None:
        raise B2ProviderError(f"Backblaze answered an S3 API URL that is not a B2 endpoint: {url!r}")
    return url, region


def own_buckets(api: B2Api, found: Sequence[Any]) -> list[Any]:
    """Those of `found` that belong to the key's own account.

    B2's b2_list_buckets lists only the authorized account's buckets; b2sdk's simulator
    lists every account's, so the account is checked here too (never touch another's).
    """
    account = api.account_info.get_account_id()
    return [bucket for bucket in found if bucket.bucket_dict.get("accountId") == account]


def find_bucket(api: B2Api, bucket_id: str) -> Any | None:
    """The bucket with this id in the key's own account, else None."""
    with b2_call(f"look up bucket {bucket_id}"):
        own = own_buckets(api, api.list_buckets(bucket_id=bucket_id))
    return own[0] if own else None
