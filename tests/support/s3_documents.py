"""The S3 API documents behind declared rules, for loading into real S3 servers and comparing.

Test oracles, not package code: the guide's CORS rule and lifecycle policy rendered as S3 API
`CORSConfiguration` / `LifecycleConfiguration` documents, and each provider's declared inputs
(as the engine receives them, camelCase) translated the way its plugin sends them to the
provider's S3 API:
- AWS: terraform-provider-aws' expandCORSRules, field for field (an absent list or max age left out);
- DigitalOcean Spaces: terraform-provider-digitalocean, every rule with `Filter.Prefix` (empty for
  the whole bucket); an expiration carries a date, else days, else the delete-marker flag;
- Cloudflare R2: R2 serves its REST API configuration through its S3 API (GetBucketCors,
  GetBucketLifecycleConfiguration), ages in seconds becoming days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import ABORT_MULTIPART_RULE_ID, NONCURRENT_RULE_ID, SOFT_DELETE_RULE_ID, LifecyclePolicy
from infra.providers.backblaze import rules as b2_rules
from infra.providers.cloudflare.documents import AGE, SECONDS_PER_DAY


def s3_cors_configuration(rule: CorsRule) -> dict[str, Any]:
    """The rule as an S3 API `CORSConfiguration` (what `put-bucket-cors` takes)."""
    return {
        "CORSRules": [
            {
                "ID": rule.rule_id,
                "AllowedHeaders": list(rule.allowed_headers),
                "AllowedMethods": list(rule.allowed_methods),
                "AllowedOrigins": list(rule.allowed_origins),
                "ExposeHeaders": list(rule.expose_headers),
                "MaxAgeSeconds": rule.max_age_seconds,
            }
        ]
    }


def s3_lifecycle_configuration(policy: LifecyclePolicy) -> dict[str, Any]:
    """The policy as an S3 API `LifecycleConfiguration` (what `put-bucket-lifecycle-configuration` takes)."""
    rules: list[dict[str, Any]] = [
        {
            "ID": SOFT_DELETE_RULE_ID,
            "Status": "Enabled",
            "Filter": {"Prefix": policy.soft_delete_prefix},
            "Expiration": {"Days": policy.soft_delete_days},
        },
        {
            "ID": ABORT_MULTIPART_RULE_ID,
            "Status": "Enabled",
            "Filter": {},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": policy.abort_multipart_days},
        },
    ]
    if policy.noncurrent_version_days is not None:
        rules.append(
            {
                "ID": NONCURRENT_RULE_ID,
                "Status": "Enabled",
                "Filter": {},
                "NoncurrentVersionExpiration": {"NoncurrentDays": policy.noncurrent_version_days},
                "Expiration": {"ExpiredObjectDeleteMarker": True},
            }
        )
    return {"Rules": rules}


def s3_cors_from_aws_rules(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """`corsRules` of an aws.s3.BucketCorsConfiguration (as the engine receives them,
    camelCase) as the S3 `CORSConfiguration` the provider puts: field for field, as
    terraform-provider-aws' expandCORSRules does (an absent list or max age is left out)."""
    fields = {
        "id": "ID",
        "allowedHeaders": "AllowedHeaders",
        "allowedMethods": "AllowedMethods",
        "allowedOrigins": "AllowedOrigins",
        "exposeHeaders": "ExposeHeaders",
    }
    converted = []
    for rule in rules:
        s3_rule: dict[str, Any] = {}
        for name, s3_name in fields.items():
            if rule.get(name):
                s3_rule[s3_name] = rule[name] if name == "id" else list(rule[name])
        if rule.get("maxAgeSeconds") is not None:
            s3_rule["MaxAgeSeconds"] = int(rule["maxAgeSeconds"])
        converted.append(s3_rule)
    return {"CORSRules": converted}


def _days(condition: Mapping[str, Any]) -> int:
    if condition.get("type") != AGE:
        raise ValueError(f"only {AGE!r} conditions have an S3 equivalent in days, not {condition.get('type')!r}")
    seconds = int(condition["maxAge"])
    if seconds % SECONDS_PER_DAY:
        raise ValueError(f"maxAge {seconds}s is not a whole number of days; S3 lifecycle rules count days")
    return seconds // SECONDS_PER_DAY


def s3_lifecycle_from_r2_rules(rules: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`rules` of an R2BucketLifecycle as an S3 `LifecycleConfiguration`."""
    converted = []
    for rule in rules:
        s3_rule: dict[str, Any] = {
            "ID": rule["id"],
            "Status": "Enabled" if rule.get("enabled") else "Disabled",
            "Filter": {"Prefix": (rule.get("conditions") or {}).get("prefix") or ""},
        }
        delete = (rule.get("deleteObjectsTransition") or {}).get("condition")
        if delete:
            s3_rule["Expiration"] = {"Days": _days(delete)}
        abort = (rule.get("abortMultipartUploadsTransition") or {}).get("condition")
        if abort:
            s3_rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": _days(abort)}
        converted.append(s3_rule)
    return {"Rules": converted}


def s3_cors_from_r2_rules(rules: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`rules` of an R2BucketCors as an S3 `CORSConfiguration`."""
    converted = []
    for rule in rules:
        allowed = rule["allowed"]
        s3_rule: dict[str, Any] = {}
        if rule.get("id"):
            s3_rule["ID"] = rule["id"]
        s3_rule["AllowedHeaders"] = list(allowed.get("headers") or [])
        s3_rule["AllowedMethods"] = list(allowed["methods"])
        s3_rule["AllowedOrigins"] = list(allowed["origins"])
        s3_rule["ExposeHeaders"] = list(rule.get("exposeHeaders") or [])
        if rule.get("maxAgeSeconds") is not None:
            s3_rule["MaxAgeSeconds"] = int(rule["maxAgeSeconds"])
        converted.append(s3_rule)
    return {"CORSRules": converted}


def _int(value: Any) -> int:
    """Numbers arrive from the engine as floats; S3 wants whole numbers."""
    return int(value)


def s3_lifecycle_from_spaces_rules(rules: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`lifecycleRules` of a SpacesBucket as the S3 `LifecycleConfiguration` the provider puts.

    Mirrors terraform-provider-digitalocean: every rule gets `Filter.Prefix` (empty for the
    whole bucket); an expiration carries a date, else days, else the delete-marker flag.
    """
    converted = []
    for rule in rules:
        s3_rule: dict[str, Any] = {
            "ID": rule["id"],
            "Status": "Enabled" if rule.get("enabled") else "Disabled",
            "Filter": {"Prefix": rule.get("prefix") or ""},
        }
        abort_days = _int(rule.get("abortIncompleteMultipartUploadDays") or 0)
        if abort_days > 0:
            s3_rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": abort_days}
        expiration = rule.get("expiration")
        if expiration:
            if expiration.get("date"):
                s3_rule["Expiration"] = {"Date": expiration["date"]}
            elif _int(expiration.get("days") or 0) > 0:
                s3_rule["Expiration"] = {"Days": _int(expiration["days"])}
            elif "expiredObjectDeleteMarker" in expiration:
                s3_rule["Expiration"] = {"ExpiredObjectDeleteMarker": bool(expiration["expiredObjectDeleteMarker"])}
        noncurrent = rule.get("noncurrentVersionExpiration")
        if noncurrent and _int(noncurrent.get("days") or 0) > 0:
            s3_rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": _int(noncurrent["days"])}
        converted.append(s3_rule)
    return {"Rules": converted}


def s3_cors_from_spaces_rules(rules: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`corsRules` of a SpacesBucketCorsConfiguration as the S3 `CORSConfiguration` the provider puts."""
    converted = []
    for rule in rules:
        s3_rule: dict[str, Any] = {}
        if rule.get("id"):
            s3_rule["ID"] = rule["id"]
        s3_rule["AllowedHeaders"] = list(rule.get("allowedHeaders") or [])
        s3_rule["AllowedMethods"] = list(rule["allowedMethods"])
        s3_rule["AllowedOrigins"] = list(rule["allowedOrigins"])
        s3_rule["ExposeHeaders"] = list(rule.get("exposeHeaders") or [])
        if rule.get("maxAgeSeconds") is not None:
            s3_rule["MaxAgeSeconds"] = _int(rule["maxAgeSeconds"])
        converted.append(s3_rule)
    return {"CORSRules": converted}


def with_empty_filters(document: dict) -> dict:
    """The guide writes a whole-bucket filter as `{}`; the providers send `{"Prefix": ""}`. Same meaning."""
    rules = [{**rule, "Filter": rule["Filter"] or {"Prefix": ""}} for rule in document["Rules"]]
    return {"Rules": rules}


def pulumi_rules_as_s3_api(rules: list[dict]) -> dict:
    """Translate the declared Pulumi lifecycle inputs to S3 API names, to compare with the shared document."""
    names = {
        "id": "ID",
        "status": "Status",
        "filter": "Filter",
        "prefix": "Prefix",
        "expiration": "Expiration",
        "days": "Days",
        "expiredObjectDeleteMarker": "ExpiredObjectDeleteMarker",
        "abortIncompleteMultipartUpload": "AbortIncompleteMultipartUpload",
        "daysAfterInitiation": "DaysAfterInitiation",
        "noncurrentVersionExpiration": "NoncurrentVersionExpiration",
        "noncurrentDays": "NoncurrentDays",
    }

    def convert(value):
        if isinstance(value, dict):
            return {names[k]: convert(v) for k, v in value.items()}
        return value

    return {"Rules": [convert(rule) for rule in rules]}


def s3_cors_from_b2_rules(rules: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """B2 `corsRules` as the S3 `CORSConfiguration` B2's S3-compatible API holds them to
    (what S3 GetBucketCors returns, https://www.backblaze.com/apidocs/s3-get-bucket-cors),
    so an S3 server can be given the same rules. Only `s3_*` operations govern requests to
    the S3 API, which signed URLs use; `b2_*` operations govern the native API and have no
    S3 method ("Cross-Origin Resource Sharing Rules",
    https://www.backblaze.com/docs/cloud-storage-cross-origin-resource-sharing-rules), so
    they are left out and a rule with none of the `s3_*` kind is dropped."""
    methods = {operation: method for method, operation in b2_rules.CORS_OPERATIONS.items()}
    converted = []
    for rule in b2_rules.normalized_cors_rules(rules):
        allowed = [methods[operation] for operation in rule["allowedOperations"] if operation in methods]
        if not allowed:
            continue
        converted.append(
            {
                "ID": rule["corsRuleName"],
                "AllowedHeaders": rule["allowedHeaders"],
                "AllowedMethods": allowed,
                "AllowedOrigins": rule["allowedOrigins"],
                "ExposeHeaders": rule["exposeHeaders"],
                "MaxAgeSeconds": rule["maxAgeSeconds"],
            }
        )
    return {"CORSRules": converted}
