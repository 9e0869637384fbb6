"""The guide's rules in Backblaze B2's native formats: lifecycle, CORS, key capabilities.

Pure (no b2sdk import): the component renders these into the dynamic resources' inputs,
the dynamic providers send them to B2 unchanged, and the policy pack reads them back
(the tests' readings are tests/support/b2_rules_reading.py).

Lifecycle timing on B2 (native rules; source: Backblaze's "Lifecycle Rules" page,
https://www.backblaze.com/docs/cloud-storage-lifecycle-rules):

- B2 always keeps versions. Overwriting a file, or deleting it by name (what the S3
  `DeleteObject` does), *hides* the old version; it stays stored and billed until a
  rule or an explicit version delete removes it.
- B2 refuses two rules that apply to the same files ("a rule with a file name prefix of
  photos/ and a rule with a file name prefix of photos/kittens/ ... you cannot create
  two rules that both apply to the same files"), a bucket takes at most 100 rules, and a
  rule matches by prefix only (it cannot exclude a folder). A whole-bucket rule (`""`)
  overlaps every other rule, so the guide's "soft-deleted files after 30 days" (a
  folder rule) and "old versions after 30 days" (a whole-bucket rule) cannot both be
  declared as they are on S3. Backblaze's S3-compatible lifecycle API accepts nested
  prefixes (https://www.backblaze.com/apidocs/s3-put-lifecycle-configuration; blog post
  "Lifecycle rules now supported through S3 compatible APIs", which applies "the most
  cost-saving configuration" to a file two rules cover), but nothing documents that
  `b2_create_bucket`/`b2_update_bucket`, which these rules go through, do (and the
  `b2_update_bucket` page warns against managing a bucket's rules through both APIs, as
  quoted in backblaze-labs/b2-mcp issue 201). So the rules here never overlap
  (tests/support/b2_strict.py enforces the native page).
- Soft-deleted files: one rule on the soft-delete prefix hides a file `softDeleteDays`
  after it was uploaded there (`daysFromUploadingToHiding`) and deletes it one day after
  it was hidden (`daysFromHidingToDeleting: 1`, B2's smallest value, 0 is refused). So it
  is gone no sooner than `softDeleteDays + 1` days after the app moved it; hidden versions
  under the prefix also go one day after they were hidden. The same rule cancels
  unfinished large files (B2's multipart uploads) there `abortIncompleteMultipartDays`
  after they were started (`daysFromStartingToCancelingUnfinishedLargeFiles`).
- Everything else: one rule per folder in `b2AppPrefixes` (the top-level folders the app
  writes, e.g. `uploads/`; settings refuse overlaps and more than 99) deletes hidden
  versions `noncurrentVersionDays` after they were hidden (the guide's "keep prior
  versions for 30 days") and cancels unfinished large files after
  `abortIncompleteMultipartDays`.
- Gap: files outside the soft-delete prefix and those folders get no rule. With
  `b2AppPrefixes` empty (the default; the guide does not say which folders the app
  writes) old versions there (overwrites, deletes, and the original of every soft-deleted
  file) are kept and billed until deleted by hand, and unfinished large files there are
  not canceled. Settings warn about it.
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

MAX_LIFECYCLE_RULES = 100
"""B2's limit on a bucket's lifecycle rules (the soft-delete rule is one of them)."""

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


def lifecycle_rules(policy: LifecyclePolicy, app_prefixes: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The guide's lifecycle policy as B2 `lifecycleRules`: the soft-delete rule, then one rule
    per app folder, none overlapping (see the module docstring)."""
    rendered: list[dict[str, Any]] = [
        {
            "fileNamePrefix": policy.soft_delete_prefix,
            HIDE_AFTER: policy.soft_delete_days,
            DELETE_AFTER_HIDING: HIDDEN_TO_DELETED_DAYS,
            CANCEL_LARGE_FILES_AFTER: policy.abort_multipart_days,
        }
    ]
    for prefix in app_prefixes:
        rule: dict[str, Any] = {"fileNamePrefix": prefix, CANCEL_LARGE_FILES_AFTER: policy.abort_multipart_days}
        if policy.noncurrent_version_days is not None:
            rule[DELETE_AFTER_HIDING] = policy.noncurrent_version_days
        rendered.append(rule)
    return rendered


def overlapping_prefixes(prefixes: Iterable[str]) -> list[tuple[str, str]]:
    """Each pair of prefixes that would make two B2 rules apply to the same files (one starts
    with the other, or they are equal; `""` overlaps everything), in the given order."""
    listed = list(prefixes)
    return [
        (first, second)
        for i, first in enumerate(listed)
        for second in listed[i + 1 :]
        if first.startswith(second) or second.startswith(first)
    ]


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


MAX_CORS_RULE_BYTES = 999
"""B2 takes CORS rules 'less than 1,000 bytes long': the UTF-8 lengths of every string in them
(https://www.backblaze.com/docs/cloud-storage-cross-origin-resource-sharing-rules)."""


def cors_rule_bytes(rule: Mapping[str, Any]) -> int:
    """A B2 CORS rule's size as B2 counts it (see MAX_CORS_RULE_BYTES)."""
    strings = [rule.get("corsRuleName") or ""]
    for field in ("allowedOrigins", "allowedOperations", "allowedHeaders", "exposeHeaders"):
        strings += list(rule.get(field) or ())
    return sum(len(str(s).encode()) for s in strings)


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
