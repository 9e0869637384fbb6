"""The guide's rules in Backblaze B2's native formats: lifecycle, CORS, key capabilities.

Pure (no b2sdk import): the component renders these into the dynamic resources' inputs,
the dynamic providers send them to B2 unchanged, and the tests and the policy pack read
them back with `lifecycle_policy_of` / `cors_rule_of` / `capability_problem`.

Lifecycle timing on B2 (native rules, https://www.backblaze.com/docs/cloud-storage-lifecycle-rules):

- B2 always keeps versions. Overwriting a file, or deleting it by name (what the S3
  `DeleteObject` does), *hides* the old version; it stays stored and billed until a
  rule or an explicit version delete removes it.
- Soft-deleted files: a file under the soft-delete prefix is hidden `softDeleteDays`
  after it was uploaded there (`daysFromUploadingToHiding`) and deleted one day after
  it was hidden (`daysFromHidingToDeleting: 1`, B2's smallest value, 0 is refused).
  So it is gone no sooner than `softDeleteDays + 1` days after the app moved it.
- Prior versions: one whole-bucket rule deletes every hidden version
  `noncurrentVersionDays` after it was hidden (`daysFromHidingToDeleting`). That is the
  guide's "keep prior versions for 30 days".
- Unfinished large files (B2's multipart uploads) are canceled
  `abortIncompleteMultipartDays` after they were started
  (`daysFromStartingToCancelingUnfinishedLargeFiles`).

The soft-delete rule and the whole-bucket rule overlap on the soft-delete prefix. B2's
native docs long refused overlapping prefixes; since B2 added S3-compatible lifecycle
rules it accepts nested prefixes and applies the most cost-saving setting to a file two
rules cover, which here is the soft-delete rule's one day. If an account still refuses
the pair, the bucket operation fails with B2's message and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from infra.guide import permissions
from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.providers.credentials import credential_display_name
from infra.settings.model import DEFAULT_CREDENTIAL

BUCKET_TYPE = "allPrivate"
"""Every file needs an authorization (signed URL or key) to be read."""

HIDDEN_TO_DELETED_DAYS = 1
"""Days a soft-deleted file stays hidden before B2 deletes it (B2's minimum)."""

WHOLE_BUCKET = ""
"""The `fileNamePrefix` of a rule that covers every file."""

HIDE_AFTER = "daysFromUploadingToHiding"
DELETE_AFTER_HIDING = "daysFromHidingToDeleting"
CANCEL_LARGE_FILES_AFTER = "daysFromStartingToCancelingUnfinishedLargeFiles"
_DAY_FIELDS = (HIDE_AFTER, DELETE_AFTER_HIDING, CANCEL_LARGE_FILES_AFTER)

SSE_B2 = {"mode": "SSE-B2", "algorithm": "AES256"}
"""Default server-side encryption: B2-managed keys (the B2 counterpart of SSE-S3)."""

CORS_OPERATIONS: Mapping[str, str] = {
    "GET": "s3_get",
    "PUT": "s3_put",
    "HEAD": "s3_head",
    "POST": "s3_post",
    "DELETE": "s3_delete",
}
"""HTTP method -> the B2 CORS operation that allows it on the S3-compatible API (the
API signed URLs use); the native `b2_*` download/upload operations are never allowed."""

ACTION_CAPABILITIES: Mapping[str, tuple[str, ...]] = {
    "s3:PutObject": ("writeFiles",),
    "s3:GetObject": ("readFiles",),
    # B2 hides a file when it is deleted by name (writeFiles) and needs deleteFiles to
    # delete a given version; Backblaze advises both for S3 DeleteObject(s).
    "s3:DeleteObject": ("writeFiles", "deleteFiles"),
    "s3:ListBucket": ("listFiles",),
    # B2 puts reading a bucket's location under readBuckets, which also reads its ACL
    # and versioning (the validator checks that the ACL read is refused). listBuckets,
    # the guide's own choice, lets the key see its one bucket (S3 HeadBucket,
    # b2_list_buckets by name), and the app is told its region by STORAGE_S3_REGION.
    "s3:GetBucketLocation": ("listBuckets",),
}
"""Each of the guide's S3 actions -> the B2 capabilities that allow it."""

# `listAllBucketNames` is deliberately absent. It only unlocks the S3 ListBuckets call
# for a bucket-restricted key (Backblaze's "S3-Compatible App Keys" page recommends it
# for tools that list buckets on start-up). The app only reads, writes, deletes and lists
# objects in its own bucket and signs URLs, none of which lists buckets; and a key that
# can see every bucket name is what the validator's least-privilege check reports as
# over-broad (s3:ListAllMyBuckets is in permissions.REFUSED_READ_ACTIONS).

APP_CAPABILITIES: tuple[str, ...] = tuple(
    sorted({cap for action in permissions.APP_ACTIONS for cap in ACTION_CAPABILITIES[action]})
)
"""Exactly what the app key gets: listBuckets, listFiles, readFiles, writeFiles, deleteFiles."""


REPLICATION_SOURCE_CAPABILITIES: tuple[str, ...] = ("readFiles", "readFileLegalHolds", "readFileRetentions")
"""The replication source key on the app bucket: what b2sdk's ReplicationSetupHelper gives it
(B2 reads each new file, with its legal hold and retention, through this key)."""

REPLICATION_DESTINATION_CAPABILITIES: tuple[str, ...] = (
    "writeFiles",
    "writeFileLegalHolds",
    "writeFileRetentions",
    "deleteFiles",
)
"""The replication destination key on the replica: ReplicationSetupHelper's list (B2 writes
the copies, their hold and retention, and hide markers, through this key)."""

REPLICATION_RULE_NAME = "app-bucket-to-replica"
"""The one rule this stack owns on the app bucket (B2: 1-64 of [a-zA-Z0-9_-])."""


def replication_key_name(bucket: str, role: str) -> str:
    """`<bucket>-replication-source` / `<replica>-replication-destination`."""
    return f"{bucket}-replication-{role}"


def app_key_name(bucket: str, generation: str = DEFAULT_CREDENTIAL) -> str:
    """The app key's name, `<bucket>-app` (`<bucket>-app-<generation>` for rotated generations),
    like the AWS user and the Spaces key."""
    return credential_display_name(bucket, generation)


def lifecycle_rules(policy: LifecyclePolicy) -> list[dict[str, Any]]:
    """The guide's lifecycle policy as B2 `lifecycleRules` (see the module docstring)."""
    soft_delete = {
        "fileNamePrefix": policy.soft_delete_prefix,
        HIDE_AFTER: policy.soft_delete_days,
        DELETE_AFTER_HIDING: HIDDEN_TO_DELETED_DAYS,
        CANCEL_LARGE_FILES_AFTER: policy.abort_multipart_days,
    }
    whole_bucket: dict[str, Any] = {
        "fileNamePrefix": WHOLE_BUCKET,
        CANCEL_LARGE_FILES_AFTER: policy.abort_multipart_days,
    }
    if policy.noncurrent_version_days is not None:
        whole_bucket[DELETE_AFTER_HIDING] = policy.noncurrent_version_days
    return [soft_delete, whole_bucket]


def normalized_lifecycle_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Rules in one comparable form: whole-number days, no null fields, sorted by prefix.

    The Pulumi engine hands numbers to dynamic providers as floats and B2 answers unset
    fields as null; neither is a change, and B2 wants integers.
    """
    normalized = []
    for rule in rules or ():
        entry: dict[str, Any] = {"fileNamePrefix": str(rule.get("fileNamePrefix") or "")}
        for field in _DAY_FIELDS:
            if rule.get(field) is not None:
                entry[field] = int(rule[field])
        normalized.append(entry)
    return sorted(normalized, key=lambda entry: entry["fileNamePrefix"])


def lifecycle_policy_of(rules: Iterable[Mapping[str, Any]] | None) -> LifecyclePolicy | None:
    """The guide policy that B2 `rules` implement, or None when they are not that shape.

    The inverse of `lifecycle_rules`, so a check can judge declared rules by meaning.
    """
    by_prefix = {rule["fileNamePrefix"]: rule for rule in normalized_lifecycle_rules(rules)}
    whole = by_prefix.pop(WHOLE_BUCKET, None)
    if whole is None or len(by_prefix) != 1 or HIDE_AFTER in whole:
        return None
    prefix, soft = next(iter(by_prefix.items()))
    abort = whole.get(CANCEL_LARGE_FILES_AFTER)
    if (
        soft.get(DELETE_AFTER_HIDING) != HIDDEN_TO_DELETED_DAYS
        or HIDE_AFTER not in soft
        or abort is None
        or soft.get(CANCEL_LARGE_FILES_AFTER, abort) != abort
    ):
        return None
    return LifecyclePolicy(
        soft_delete_prefix=prefix,
        soft_delete_days=soft[HIDE_AFTER],
        abort_multipart_days=abort,
        noncurrent_version_days=whole.get(DELETE_AFTER_HIDING),
    )


def cors_rules(rule: CorsRule) -> list[dict[str, Any]]:
    """The guide's CORS rule as B2 `corsRules` (one rule, S3-API operations only)."""
    return [
        {
            "corsRuleName": rule.rule_id,
            "allowedOrigins": list(rule.allowed_origins),
            "allowedOperations": [CORS_OPERATIONS[method] for method in rule.allowed_methods],
            "allowedHeaders": list(rule.allowed_headers),
            "exposeHeaders": list(rule.expose_headers),
            "maxAgeSeconds": rule.max_age_seconds,
        }
    ]


def normalized_cors_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """CORS rules in one comparable form: whole-number max age, absent lists as empty."""
    normalized = []
    for rule in rules or ():
        normalized.append(
            {
                "corsRuleName": str(rule.get("corsRuleName") or ""),
                "allowedOrigins": list(rule.get("allowedOrigins") or ()),
                "allowedOperations": list(rule.get("allowedOperations") or ()),
                "allowedHeaders": list(rule.get("allowedHeaders") or ()),
                "exposeHeaders": list(rule.get("exposeHeaders") or ()),
                "maxAgeSeconds": int(rule.get("maxAgeSeconds") or 0),
            }
        )
    return normalized


def cors_rule_of(rules: Sequence[Mapping[str, Any]] | None) -> CorsRule | None:
    """The guide CORS rule that B2 `rules` implement, or None (several rules, b2_* operations)."""
    normalized = normalized_cors_rules(rules)
    if len(normalized) != 1:
        return None
    rule = normalized[0]
    methods = {operation: method for method, operation in CORS_OPERATIONS.items()}
    if any(operation not in methods for operation in rule["allowedOperations"]):
        return None
    return CorsRule(
        allowed_origins=tuple(rule["allowedOrigins"]),
        allowed_methods=tuple(methods[operation] for operation in rule["allowedOperations"]),
        allowed_headers=tuple(rule["allowedHeaders"]),
        expose_headers=tuple(rule["exposeHeaders"]),
        max_age_seconds=rule["maxAgeSeconds"],
        rule_id=rule["corsRuleName"],
    )


def capability_problem(capabilities: Iterable[str]) -> str | None:
    """Why a key with `capabilities` is not exactly the app's key, or None."""
    given = set(capabilities)
    missing = sorted(set(APP_CAPABILITIES) - given)
    extra = sorted(given - set(APP_CAPABILITIES))
    problems = []
    if missing:
        problems.append(f"lacks {', '.join(missing)}, which the app needs")
    if extra:
        problems.append(f"also has {', '.join(extra)}, which the app does not need")
    return "; ".join(problems) or None
