"""b2sdk's in-memory B2 made as strict as Backblaze documents B2 to be.

b2sdk's `RawSimulator` stores whatever lifecycle rules, CORS rules and key capabilities it
is given, so a configuration that the real `b2_create_bucket`, `b2_update_bucket` or
`b2_create_key` refuses passed every test (issue 18: two overlapping lifecycle rules).
`StrictRawSimulator` checks each of those requests against Backblaze's documentation first
and refuses a violation the way B2 does: HTTP 400 `bad_request`, which b2sdk turns into
`b2sdk.v2.exception.BadRequest` (`b2sdk/_internal/exception.py`, `interpret_b2_error`), so
the dynamic providers' error translation runs as it would against B2.

Sources (Backblaze's own pages, as stored by the search tool):

- LIFECYCLE: "Lifecycle Rules", https://www.backblaze.com/docs/cloud-storage-lifecycle-rules
  (also https://www.backblaze.com/b2/docs/lifecycle_rules.html): up to 100 rules a bucket;
  "You cannot create two rules that both apply to the same files. For example, a rule with a
  file name prefix of photos/ and a rule with a file name prefix of photos/kittens/ both apply
  to a file named photos/kittens/fluffy.jpg"; the day fields may be null, but not all of them
  ("the rule does nothing"), and none may be 0 ("When either is set, it must be a positive
  number"). B2's message for a rule without an action is quoted from
  Backblaze/terraform-provider-b2 issue 101: "Rule with prefix '' must have at least one
  additional property defined (bad_request)".
  Backblaze's S3-compatible lifecycle API (https://www.backblaze.com/apidocs/s3-put-lifecycle-configuration
  and the blog post "Lifecycle rules now supported through S3 compatible APIs") accepts nested
  prefixes; nothing documents that the native calls above do, so this double refuses them.
- CORS: "Cross-Origin Resource Sharing Rules",
  https://www.backblaze.com/docs/cloud-storage-cross-origin-resource-sharing-rules: up to 100
  rules a bucket, each under 1,000 bytes (the UTF-8 lengths of every string in it), at least
  one allowed operation; and the field rules of the same page: `corsRuleName` unique,
  6-50 of letters, digits and "-", not starting with "b2-"; `allowedOrigins` non-empty, each
  a full origin with at most one "*", "https", or "*" (then the only entry), at most one
  "https" and no "https:..." entry after it; `allowedOperations` from the nine documented
  names; `allowedHeaders` complete header names, names ending in "*", or a lone "*";
  `exposeHeaders` complete header names; `maxAgeSeconds` from 0 to 86,400.
- KEYS: "b2_create_key", https://www.backblaze.com/apidocs/b2-create-key: `capabilities` is a
  required list whose valid values are listed there; the two replication capabilities that
  page omits are in b2sdk's `raw_api.ALL_CAPABILITIES` (Backblaze's own SDK, which
  `ReplicationSetupHelper` uses) and in "Application Key Capabilities",
  https://www.backblaze.com/docs/cloud-storage-application-key-capabilities.

The checks are written here from those pages, not imported from the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from b2sdk.v2 import RawSimulator
from b2sdk.v2.exception import BadRequest

BAD_REQUEST = "bad_request"
"""The error code B2 answers (HTTP 400) for a request its API refuses."""

MAX_LIFECYCLE_RULES = 100
LIFECYCLE_DAY_FIELDS = (
    "daysFromHidingToDeleting",
    "daysFromUploadingToHiding",
    "daysFromStartingToCancelingUnfinishedLargeFiles",
)

MAX_CORS_RULES = 100
MAX_CORS_RULE_BYTES = 999
"""'Each rule must be less than 1,000 bytes long.'"""
MAX_CORS_AGE_SECONDS = 86_400
CORS_OPERATIONS = frozenset(
    {
        "b2_download_file_by_name",
        "b2_download_file_by_id",
        "b2_upload_file",
        "b2_upload_part",
        "s3_delete",
        "s3_get",
        "s3_head",
        "s3_post",
        "s3_put",
    }
)
_CORS_RULE_NAME = re.compile(r"[A-Za-z0-9-]{6,50}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP header name (RFC 9110 token)."""
_ORIGIN = re.compile(r"https?://[^/:?#\s]+(:\d{1,5})?")

KEY_CAPABILITIES = frozenset(
    {
        # b2_create_key's "Valid values"
        "listKeys", "writeKeys", "deleteKeys", "listAllBucketNames", "listBuckets", "readBuckets",
        "writeBuckets", "deleteBuckets", "readBucketRetentions", "writeBucketRetentions",
        "readBucketEncryption", "writeBucketEncryption", "writeBucketNotifications", "listFiles",
        "readFiles", "shareFiles", "writeFiles", "deleteFiles", "readBucketNotifications",
        "readFileLegalHolds", "writeFileLegalHolds", "readFileRetentions", "writeFileRetentions",
        "bypassGovernance",
        # B2 Cloud Replication's (b2sdk raw_api.ALL_CAPABILITIES; Application Key Capabilities)
        "readBucketReplications", "writeBucketReplications",
    }
)  # fmt: skip


def refused(message: str) -> BadRequest:
    """What b2sdk raises for B2's HTTP 400 `bad_request` answer with `message`."""
    return BadRequest(message, BAD_REQUEST)


def lifecycle_problems(rules: Sequence[Mapping[str, Any]]) -> list[str]:
    """Why B2 would refuse these `lifecycleRules` (LIFECYCLE), each problem once; [] when valid."""
    problems = []
    if len(rules) > MAX_LIFECYCLE_RULES:
        problems.append(f"a bucket can have at most {MAX_LIFECYCLE_RULES} lifecycle rules ({len(rules)} given)")
    prefixes = []
    for rule in rules:
        prefix = rule.get("fileNamePrefix")
        if not isinstance(prefix, str):
            problems.append(f"lifecycle rule {dict(rule)!r} has no fileNamePrefix")
            continue
        prefixes.append(prefix)
        days = {field: rule.get(field) for field in LIFECYCLE_DAY_FIELDS}
        if all(value is None for value in days.values()):
            problems.append(f"Rule with prefix '{prefix}' must have at least one additional property defined")
        for field, value in days.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                problems.append(f"{field} of the rule with prefix '{prefix}' must be a positive whole number of days, not {value!r}")
    for i, first in enumerate(prefixes):
        for second in prefixes[i + 1 :]:
            if first.startswith(second) or second.startswith(first):
                problems.append(f"lifecycle rules with prefixes '{first}' and '{second}' both apply to the same files")
    return problems


def cors_problems(rules: Sequence[Mapping[str, Any]]) -> list[str]:
    """Why B2 would refuse these `corsRules` (CORS); [] when valid."""
    problems = []
    if len(rules) > MAX_CORS_RULES:
        problems.append(f"a bucket can have at most {MAX_CORS_RULES} CORS rules ({len(rules)} given)")
    names = [rule.get("corsRuleName") for rule in rules]
    for name in sorted({n for n in names if isinstance(n, str) and names.count(n) > 1}):
        problems.append(f"CORS rule name {name!r} is used twice; names must be unique within a bucket")
    for rule in rules:
        problems += _cors_rule_problems(rule)
    return problems


def _cors_rule_problems(rule: Mapping[str, Any]) -> list[str]:
    name = rule.get("corsRuleName")
    label = f"CORS rule {name!r}"
    problems = []
    if not isinstance(name, str) or not _CORS_RULE_NAME.fullmatch(name):
        problems.append(f"{label}: corsRuleName must be 6-50 letters, digits and '-'")
    elif name.startswith("b2-"):
        problems.append(f"{label}: names starting with 'b2-' are reserved for Backblaze")
    origins = _strings(rule.get("allowedOrigins"))
    operations = _strings(rule.get("allowedOperations"))
    headers = _strings(rule.get("allowedHeaders") or [])
    exposed = _strings(rule.get("exposeHeaders") or [])
    if origins is None or not origins:
        problems.append(f"{label}: allowedOrigins must be a non-empty list")
    else:
        problems += [f"{label}: {p}" for p in _origin_problems(origins)]
    if operations is None or not operations:
        problems.append(f"{label}: allowedOperations must list at least one operation")
    else:
        problems += [f"{label}: unknown operation {op!r}" for op in operations if op not in CORS_OPERATIONS]
    if headers is None:
        problems.append(f"{label}: allowedHeaders must be a list of header names")
    else:
        if "*" in headers and len(headers) > 1:
            problems.append(f"{label}: allowedHeaders '*' must be the only entry")
        problems += [
            f"{label}: allowedHeaders entry {h!r} is not a header name, a name ending in '*' or '*'"
            for h in headers
            if not _HEADER_NAME.fullmatch(h) or "*" in h[:-1]
        ]
    if exposed is None:
        problems.append(f"{label}: exposeHeaders must be a list of header names")
    else:
        problems += [f"{label}: exposeHeaders entry {h!r} is not a complete header name" for h in exposed if not _HEADER_NAME.fullmatch(h) or "*" in h]
    age = rule.get("maxAgeSeconds")
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_CORS_AGE_SECONDS:
        problems.append(f"{label}: maxAgeSeconds must be a whole number from 0 to {MAX_CORS_AGE_SECONDS}, not {age!r}")
    size = sum(len(s.encode()) for s in [name if isinstance(name, str) else "", *(origins or []), *(operations or []), *(headers or []), *(exposed or [])])
    if size > MAX_CORS_RULE_BYTES:
        problems.append(f"{label} is {size} bytes long; each rule must be less than 1000 bytes")
    return problems


def _strings(value: Any) -> list[str] | None:
    """The list of strings `value` is, or None when it is not one."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _origin_problems(origins: list[str]) -> list[str]:
    problems = []
    if "*" in origins and len(origins) > 1:
        problems.append("allowedOrigins '*' must be the only entry")
    if origins.count("https") > 1:
        problems.append("allowedOrigins may have at most one 'https' entry")
    if "https" in origins and any(o.startswith("https:") for o in origins[origins.index("https") + 1 :]):
        problems.append("no allowedOrigins entry after 'https' may start with 'https:'")
    for origin in origins:
        if origin in ("*", "https"):
            continue
        if origin.count("*") > 1 or not _ORIGIN.fullmatch(origin):
            problems.append(f"allowedOrigins entry {origin!r} is not an origin such as https://www.example.com (at most one '*')")
    return problems


def capability_problems(capabilities: Iterable[str] | None) -> list[str]:
    """Why B2 would refuse to create a key with these capabilities (KEYS); [] when valid."""
    given = list(capabilities or ())
    if not given:
        return ["capabilities must name at least one capability"]
    return [f"unknown capability {c!r}" for c in given if c not in KEY_CAPABILITIES]


def _refuse_any(problems: list[str]) -> None:
    if problems:
        raise refused("; ".join(problems))


class StrictRawSimulator(RawSimulator):
    """`RawSimulator` that refuses what Backblaze documents B2 refuses (module docstring),
    before the request changes anything."""

    def create_bucket(self, api_url, account_auth_token, account_id, bucket_name, bucket_type, bucket_info=None,
                      cors_rules=None, lifecycle_rules=None, *args: Any, **kwargs: Any):  # fmt: skip
        _refuse_any(lifecycle_problems(lifecycle_rules or []) + cors_problems(cors_rules or []))
        return super().create_bucket(
            api_url, account_auth_token, account_id, bucket_name, bucket_type, bucket_info, cors_rules, lifecycle_rules, *args, **kwargs
        )

    def update_bucket(self, api_url, account_auth_token, account_id, bucket_id, bucket_type=None, bucket_info=None,
                      cors_rules=None, lifecycle_rules=None, *args: Any, **kwargs: Any):  # fmt: skip
        problems = []
        if lifecycle_rules is not None:
            problems += lifecycle_problems(lifecycle_rules)
        if cors_rules is not None:
            problems += cors_problems(cors_rules)
        _refuse_any(problems)
        return super().update_bucket(
            api_url, account_auth_token, account_id, bucket_id, bucket_type, bucket_info, cors_rules, lifecycle_rules, *args, **kwargs
        )

    def create_key(self, api_url, account_auth_token, account_id, capabilities, *args: Any, **kwargs: Any):
        _refuse_any(capability_problems(capabilities))
        return super().create_key(api_url, account_auth_token, account_id, capabilities, *args, **kwargs)
