"""The S3 API documents the DigitalOcean provider sends to Spaces for the declared rules.

The component declares lifecycle rules in the provider's own shape (one `prefix` per
rule, `abortIncompleteMultipartUploadDays`, `expiration`, `noncurrentVersionExpiration`)
and CORS through `SpacesBucketCorsConfiguration`. The provider plugin turns both into S3
API calls (PutBucketLifecycleConfiguration, PutBucketCors). These functions make the same
translation from the declared inputs (as the engine receives them, camelCase), so tests
and checks can compare them with the guide's S3 documents and apply them to an S3 server.

Pure: no SDK import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


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
