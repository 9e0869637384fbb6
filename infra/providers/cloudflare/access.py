"""The app's R2 credential: which permission groups, on which resource, and its S3 keys.

R2 has no IAM. The app's S3 credential is an account-owned API token whose one policy
allows the two bucket-scoped object permission groups on exactly one bucket's resource
key. Between them they cover the guide's five actions and nothing else: "Bucket Item
Write" reads, writes, deletes and lists objects; "Bucket Item Read" reads and lists
(bucket administration — creating, deleting or reconfiguring buckets — is in the
account-level "Workers R2 Storage" groups, which are never used here).

S3 clients sign with: access key id = the token's id, secret = SHA-256 (hex) of the
token's value (Cloudflare's R2 authentication docs). Pure: no SDK import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from infra.providers.credentials import credential_display_name
from infra.settings.model import DEFAULT_CREDENTIAL

R2_BUCKET_SCOPE = "com.cloudflare.edge.r2.bucket"
"""The scope of bucket-level permission groups, and the prefix of a bucket's resource key."""

OBJECT_READ_GROUP = "Workers R2 Storage Bucket Item Read"
OBJECT_WRITE_GROUP = "Workers R2 Storage Bucket Item Write"
APP_PERMISSION_GROUPS: tuple[str, ...] = (OBJECT_READ_GROUP, OBJECT_WRITE_GROUP)
"""Looked up by name at deploy time: Cloudflare's ids are not hard-coded anywhere."""


class PermissionGroupError(ValueError):
    """Cloudflare did not answer with exactly one usable permission group for a name."""


def bucket_resource_key(account_id: str, jurisdiction: str, bucket: str) -> str:
    """`com.cloudflare.edge.r2.bucket.<account>_<jurisdiction>_<bucket>`: one bucket, nothing else."""
    return f"{R2_BUCKET_SCOPE}.{account_id}_{jurisdiction}_{bucket}"


def token_resources(account_id: str, jurisdiction: str, bucket: str) -> str:
    """The token policy's `resources` (a JSON object string): this bucket only."""
    return json.dumps({bucket_resource_key(account_id, jurisdiction, bucket): "*"})


def app_token_name(bucket: str, generation: str = DEFAULT_CREDENTIAL) -> str:
    """The app token's name, `<bucket>-app` (`<bucket>-app-<generation>` for rotated generations),
    like the AWS user and the Spaces key."""
    return credential_display_name(bucket, generation)


def s3_secret_access_key(token_value: str) -> str:
    """The S3 secret access key of an R2 token: the SHA-256 hex digest of its value."""
    return hashlib.sha256(token_value.encode("utf-8")).hexdigest()


def pick_permission_group(name: str, groups: Iterable[Mapping[str, Any]]) -> str:
    """The id of the group called exactly `name` that applies to R2 buckets.

    `groups` is what the permission-group lookup answered ({id, name, scopes}); the API's
    name filter may be loose, so only an exact, bucket-scoped match counts.
    """
    ids = {
        str(group["id"])
        for group in groups
        if group.get("name") == name and R2_BUCKET_SCOPE in (group.get("scopes") or ())
    }
    if len(ids) == 1:
        return ids.pop()
    if not ids:
        raise PermissionGroupError(
            f"Cloudflare returned no permission group named {name!r} with scope {R2_BUCKET_SCOPE}; "
            "check that CLOUDFLARE_API_TOKEN may read the account's permission groups "
            "(Account API Tokens Read) and that R2 is enabled on the account"
        )
    raise PermissionGroupError(
        f"Cloudflare returned {len(ids)} different permission groups named {name!r} "
        f"({', '.join(sorted(ids))}); refusing to guess which one the app token should get"
    )
