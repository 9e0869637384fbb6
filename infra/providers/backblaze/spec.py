"""Backblaze B2 rules: names, regions and the S3 endpoint. No SDK import."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from infra.providers.spec import Location, ProviderSpec, VersioningSupport
from infra.settings.keys import SettingKey
from infra.settings.problems import Report

OBJECT_LOCK = SettingKey(
    "b2ObjectLock",
    "boolean",
    "backblaze only: enable Object Lock when the bucket is created (B2 cannot turn it off later).",
    default=False,
    providers=frozenset({"backblaze"}),
)

BUCKET_ID = SettingKey(
    "b2BucketId",
    "string",
    "backblaze only: the existing bucket's ID, needed with adoptExistingBucket (B2 imports by bucket ID).",
    default="",
    providers=frozenset({"backblaze"}),
)

REPLICA_BUCKET = SettingKey(
    "b2ReplicaBucketName",
    "string",
    "backblaze only: replicate every file to this second private B2 bucket in the same account (B2 Cloud Replication); empty: none.",
    default="",
    providers=frozenset({"backblaze"}),
)

_BUCKET_ID = re.compile(r"^[0-9a-f]{24}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_REGION = re.compile(r"^[a-z]{2}-[a-z]+-\d{3}$")


def endpoint_for(region: str) -> str:
    """The account's S3-compatible endpoint for a B2 region."""
    return f"https://s3.{region}.backblazeb2.com"


def region_of_endpoint(endpoint: str) -> str | None:
    """`us-west-004` from `https://s3.us-west-004.backblazeb2.com`, else None."""
    host = urlsplit(endpoint).hostname or ""
    match = re.match(r"^s3\.([a-z]{2}-[a-z]+-\d{3})\.backblazeb2\.com$", host)
    if not match or urlsplit(endpoint).scheme != "https" or urlsplit(endpoint).path not in ("", "/"):
        return None
    return match.group(1)


@dataclass(frozen=True)
class BackblazeOptions:
    """B2-only settings."""

    object_lock: bool = False
    """Object Lock (file retention) on the bucket, set at creation; the guide's optional compliance step."""
    bucket_id: str = ""
    """The ID of a bucket made by hand, to adopt it: B2 looks buckets up by ID, not by name."""
    replica_bucket: str = ""
    """A second bucket, in the same account, that B2 Cloud Replication copies every file to; empty: none."""


class BackblazeSpec(ProviderSpec):
    name = "backblaze"
    display_name = "Backblaze B2"
    component = "infra.providers.backblaze.component:B2Storage"
    versioning = VersioningSupport.ALWAYS
    option_keys = (OBJECT_LOCK, BUCKET_ID, REPLICA_BUCKET)
    supports_adoption = True
    credential_env = ("B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY")
    credential_note = "read by this package's dynamic provider (no Pulumi plugin): B2_APPLICATION_KEY_ID + B2_APPLICATION_KEY"
    endpoint_host_suffix = ".backblazeb2.com"

    def parse_options(self, values: Mapping[str, Any], report: Report) -> BackblazeOptions:
        bucket_id = str(values.get(BUCKET_ID.name) or "").strip()
        if bucket_id and not _BUCKET_ID.match(bucket_id):
            report.problem(BUCKET_ID.name, f"{bucket_id!r} is not a B2 bucket ID (24 lowercase hex characters, e.g. 4a48fe8875c6214145260818)")
            bucket_id = ""
        replica = str(values.get(REPLICA_BUCKET.name) or "").strip()
        problem = self.bucket_name_problem(replica) if replica else None
        if problem:
            report.problem(REPLICA_BUCKET.name, f"{replica!r} {problem}; leave it empty for no replica")
            replica = ""
        return BackblazeOptions(object_lock=bool(values.get(OBJECT_LOCK.name)), bucket_id=bucket_id, replica_bucket=replica)

    def check_bucket_pair(self, bucket: str, options: BackblazeOptions, report: Report) -> None:
        """The replica must be another bucket: B2 cannot replicate a bucket into itself."""
        if options.replica_bucket and options.replica_bucket == bucket:
            report.problem(
                REPLICA_BUCKET.name,
                f"is {bucket!r}, the bucket's own name; name a second bucket, e.g. {bucket}-replica, or leave it empty",
            )

    def check_adoption(self, options: BackblazeOptions, report: Report) -> None:
        if not options.bucket_id and not report.has_problem(BUCKET_ID.name):
            report.problem(
                BUCKET_ID.name,
                "is required with adoptExistingBucket: B2 imports a bucket by its ID; copy the Bucket ID shown "
                "under Buckets in the B2 web console (or from `b2 bucket get <name>`)",
            )

    def bucket_import_id(self, bucket: str, region: str, options: BackblazeOptions) -> str:
        """The bucket's ID: the dynamic provider's `read` looks the bucket up by it."""
        return options.bucket_id

    def bucket_name_problem(self, name: str) -> str | None:
        if not 6 <= len(name) <= 63:
            return f"must be 6-63 characters long for Backblaze B2 ({len(name)} given)"
        if name.startswith("b2-"):
            return "must not start with 'b2-' (reserved by Backblaze)"
        if not _NAME.match(name):
            return (
                "may contain only lowercase letters, digits and hyphens, starting and ending with a letter or "
                "digit (B2 allows capitals, but S3 clients need lowercase)"
            )
        return None

    def resolve_location(self, region: str, endpoint: str, options: Any, report: Report) -> Location | None:
        """Region and endpoint may be left unset: the account's authorization tells them at deploy time."""
        if region and not _REGION.match(region):
            report.problem("region", f"{region!r} is not a B2 region such as us-west-004 or eu-central-003")
            if endpoint and region_of_endpoint(endpoint) is None:
                report.problem("endpoint", f"{endpoint!r} is not a B2 S3 endpoint such as https://s3.us-west-004.backblazeb2.com")
            return None
        if endpoint:
            endpoint_region = region_of_endpoint(endpoint)
            if endpoint_region is None:
                report.problem("endpoint", f"{endpoint!r} is not a B2 S3 endpoint such as https://s3.us-west-004.backblazeb2.com")
                return None
            if region and endpoint_region != region:
                report.problem("endpoint", f"names region {endpoint_region!r} but region is {region!r}; make them the same")
                return None
            region = region or endpoint_region
        return Location(region=region, endpoint=endpoint_for(region) if region else None)
