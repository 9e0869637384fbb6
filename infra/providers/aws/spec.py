"""AWS S3 rules: bucket names, regions, partitions, the IAM user name. No SDK import."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.providers.access_logging import (  # noqa: F401  (ACCESS_LOG_PREFIX, access_log_bucket_name: re-exported)
    ACCESS_LOG_PREFIX,
    access_log_bucket_name,
    derived_bucket_name,
    parse_access_logging,
)
from infra.providers.aws import regions
from infra.providers.known_names import unknown_name_problem
from infra.providers.names import suffixed_name
from infra.providers.spec import Location, PluginKey, ProviderSpec, VersioningSupport, dns_bucket_name_problem
from infra.settings.keys import AWS_KMS_KEY_ARN as KMS_KEY_ARN
from infra.settings.keys import AWS_PUBLISH_SECRET as PUBLISH_SECRET
from infra.settings.keys import AWS_REPLICA_REGION as REPLICA_REGION
from infra.settings.problems import Report

_HOST_REGION = re.compile(
    r"(?:^|\.)s3(?:-accesspoint)?(?:-fips)?(?:\.dualstack)?[.-]([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})"
    r"(?:\.vpce)?\.amazonaws\.com(?:\.cn)?"
)
"""The region in an S3 endpoint host, in each form AWS documents ("Amazon S3 endpoints and quotas",
docs.aws.amazon.com/general/latest/gr/s3.html; botocore's data/endpoints.json): `s3.<region>`,
the legacy dash form `s3-<region>`, `s3.dualstack.<region>`, `s3-fips[.dualstack].<region>`,
access points `s3-accesspoint[-fips][.dualstack].<region>`, PrivateLink `*.s3.<region>.vpce`,
with a bucket label in front (virtual-hosted) or not, and China's `.amazonaws.com.cn`."""
_US_EAST_1_HOSTS = frozenset({"s3.amazonaws.com", "s3-external-1.amazonaws.com"})
"""The global endpoint and its legacy alias: requests there are signed for us-east-1."""
_KMS_ARN = re.compile(r"arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)/[A-Za-z0-9/_+=,.@-]+")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
IAM_USER_NAME_LIMIT = 64
LOG_DELIVERY_PRINCIPAL = "logging.s3.amazonaws.com"
ACCESS_KEYS_PER_USER = 2
"""IAM allows two access keys per user: exactly enough for the old and the new one while rotating."""


@dataclass(frozen=True, kw_only=True)
class AwsOptions:
    """AWS-only settings, as `AwsSpec.parse_options` reads them (defaults live in the schema)."""

    kms_key_arn: str | None
    publish_secret: bool
    """Publish the app's STORAGE_* values as one Secrets Manager secret (`secrets_manager_name`)."""
    access_logging: bool
    """Server access logs into `access_log_bucket_name` (S3 writes them; the app cannot read them)."""
    access_log_days: int
    replica_region: str | None
    """Where `replica_bucket_name` lives; None: no replication."""


def partition_for_region(region: str) -> str:
    """The ARN partition a region belongs to (aws, aws-cn, aws-us-gov), from botocore's data
    (`regions.py`); settings admit no other region."""
    return regions.s3_regions().get(region, "aws")


def region_problem(region: str, fix: str = "") -> str | None:
    """Why `region` is not an AWS region where S3 can hold a bucket, with the closest one, or None."""
    known = regions.s3_regions()
    if region in known:
        return None
    return unknown_name_problem(region, known, "an AWS region where S3 is available", regions.source(), fix)


def iam_user_name(bucket: str) -> str:
    """The app user's name: `<bucket>-app`, shortened with a hash past IAM's 64 characters."""
    return suffixed_name(bucket, "app", IAM_USER_NAME_LIMIT)


def replica_bucket_name(bucket: str) -> str:
    """The replica bucket in `awsReplicaRegion`."""
    return derived_bucket_name(bucket, "replica")


def failover_user_name(bucket: str) -> str:
    """The failover user's name: `<bucket>-failover`, within IAM's 64 characters. A user of its
    own, so the everyday `<bucket>-app` credential never reaches the replica."""
    return suffixed_name(bucket, "failover", IAM_USER_NAME_LIMIT)


def replication_role_name(bucket: str) -> str:
    """The IAM role S3 assumes to replicate: `<bucket>-replication`, within IAM's 64 characters."""
    return suffixed_name(bucket, "replication", IAM_USER_NAME_LIMIT)


def secrets_manager_name(bucket: str) -> str:
    """The Secrets Manager secret holding the app's STORAGE_* values: `<bucket>/storage-env`."""
    return f"{bucket}/storage-env"


class AwsSpec(ProviderSpec):
    name = "aws"
    display_name = "AWS S3"
    component = "infra.providers.aws.component:AwsStorage"
    versioning = VersioningSupport.SWITCH
    bucket_types = ("aws:s3/bucket:Bucket",)
    credential_types = ("aws:iam/accessKey:AccessKey",)
    ignored_settings = {
        "endpoint": "the app uses AWS's own virtual-hosted URLs and the guide sets no STORAGE_S3_ENDPOINT for AWS",
    }
    credential_env = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
    credential_note = (
        "at preview already (the plugin validates credentials when it starts, and sts:GetCallerIdentity runs at "
        "preview): AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), or AWS_PROFILE"
    )
    plugin_package = "aws"
    plugin_required = (
        PluginKey(
            "region",
            ("AWS_REGION", "AWS_DEFAULT_REGION"),
            "pulumi/pulumi-aws provider/resources.go (Config `region`, EnvVars AWS_REGION, AWS_DEFAULT_REGION; "
            "preConfigureCallback refuses a provider without one, pulumi/pulumi-aws#2084)",
        ),
    )
    explicit_provider = True
    endpoint_host_suffix = ".amazonaws.com"

    def serves_host(self, host: str) -> bool:
        return host.endswith((".amazonaws.com", ".amazonaws.com.cn"))

    def endpoint_region(self, host: str) -> str | None:
        if host in _US_EAST_1_HOSTS or host.endswith(tuple("." + h for h in _US_EAST_1_HOSTS)):
            return "us-east-1"
        match = _HOST_REGION.search(host)
        return match.group(1) if match and match.end() == len(host) else None

    def bucket_name_problem(self, name: str) -> str | None:
        problem = dns_bucket_name_problem(name, 3, 63, allow_dots=True)
        if problem:
            return problem
        if ".." in name or ".-" in name or "-." in name:
            return "must not contain '..', '.-' or '-.'"
        try:
            ipaddress.IPv4Address(name)
            return "must not look like an IP address"
        except ValueError:
            pass
        if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
            return "uses a prefix or suffix AWS reserves (xn--, sthree-, -s3alias, --ol-s3, .mrap, --x-s3)"
        return None

    def bucket_import_id(self, bucket: str, region: str, options: Any) -> str:
        """`<bucket>@<region>`: the AWS provider imports a region-aware resource in the region after
        `@` (else in the provider's default region, which would then differ from the declared one)."""
        return f"{bucket}@{region}"

    def credentials_problem(self, names: tuple[str, ...]) -> str | None:
        if len(names) <= ACCESS_KEYS_PER_USER:
            return None
        return (
            f"lists {len(names)} generations ({', '.join(names)}) but AWS allows {ACCESS_KEYS_PER_USER} access keys "
            "per IAM user; keep only the old and the new one (remove the oldest that is not activeCredential)"
        )

    def parse_options(self, values: Mapping[str, Any], report: Report) -> AwsOptions:
        arn = values.get(KMS_KEY_ARN.name) or ""
        match = _KMS_ARN.fullmatch(arn) if arn else None
        if arn and not match:
            report.problem(
                KMS_KEY_ARN.name,
                f"{arn!r} is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<id>, or leave it empty for SSE-S3",
            )
        elif match and match.group(4) == "alias":
            report.problem(
                KMS_KEY_ARN.name,
                f"{arn!r} is an alias ARN; IAM grants kms:GenerateDataKey and kms:Decrypt on the key itself, "
                "so give the key's ARN (arn:aws:kms:<region>:<account>:key/<id>, `aws kms describe-key --key-id <alias>`)",
            )
        logging, days = parse_access_logging(values)
        replica = values.get(REPLICA_REGION.name) or ""
        if replica and (problem := region_problem(replica, "Leave it empty for no replica.")):
            report.problem(REPLICA_REGION.name, problem)
        elif replica and arn:
            report.problem(
                REPLICA_REGION.name,
                "cannot be combined with awsKmsKeyArn yet: SSE-KMS objects replicate only with a KMS key in the replica's "
                "region, which this package does not declare; use SSE-S3 (empty awsKmsKeyArn) or no replica",
            )
        return AwsOptions(
            replica_region=replica or None,
            kms_key_arn=arn or None,
            publish_secret=bool(values.get(PUBLISH_SECRET.name)),
            access_logging=logging,
            access_log_days=days,
        )

    def resolve_location(self, region: str, endpoint: str, options: Any, report: Report) -> Location | None:
        """`endpoint` is always empty here: settings refuse it for AWS (`ignored_settings`)."""
        ok = True
        if not region:
            report.missing(
                "region",
                "is required for aws, e.g. us-east-1: the stack's AWS provider takes its region from this setting "
                "(not from aws:region or AWS_REGION), and the AWS plugin refuses to start without one",
            )
            return None
        if problem := region_problem(region):
            report.problem("region", problem)
            return None
        arn = getattr(options, "kms_key_arn", None)
        match = _KMS_ARN.fullmatch(arn) if arn else None
        if match and match.group(2) != region:
            report.problem(
                KMS_KEY_ARN.name,
                f"is in region {match.group(2)} but the bucket is in {region}; S3 needs a KMS key in the bucket's region",
            )
            ok = False
        replica = getattr(options, "replica_region", None)
        if replica and replica == region:
            report.problem(
                REPLICA_REGION.name,
                f"is {replica}, the bucket's own region; a replica protects against a regional outage only in "
                "another region, e.g. us-west-2",
            )
            ok = False
        elif replica and replica in regions.s3_regions() and partition_for_region(replica) != partition_for_region(region):
            report.problem(
                REPLICA_REGION.name,
                f"is {replica}, in partition {partition_for_region(replica)}, but the bucket's region {region} is in "
                f"{partition_for_region(region)}; S3 replicates only within a partition, so pick a replica region there",
            )
            ok = False
        return Location(region=region, endpoint=None) if ok else None

    def check_versioning(self, options: Any, versioning: bool, report: Report) -> None:
        """S3 replication needs versioning on the source and the replica."""
        if getattr(options, "replica_region", None) and not versioning:
            report.problem(
                REPLICA_REGION.name,
                "needs versioning: S3 replicates only from and to versioned buckets; set versioning to true or "
                "remove awsReplicaRegion",
            )

    def bucket_name_warning(self, name: str) -> str | None:
        """Dots break TLS for virtual-hosted URLs, which the app uses on AWS."""
        if "." in name:
            return (
                f"bucket name {name!r} contains dots: HTTPS virtual-hosted URLs "
                f"({name}.s3.<region>.amazonaws.com) fail certificate checks; prefer hyphens"
            )
        return None
