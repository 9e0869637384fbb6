"""The AWS regions where S3 can hold a bucket, read offline from botocore's endpoint data.

Source: botocore's `data/endpoints.json` (the AWS SDK for Python's own partition and endpoint
table), the regions listed under each counted partition that have an `s3` endpoint. The file
is read directly (as botocore's loader would, `.json` or `.json.gz`): importing
`botocore.loaders` alone costs about 0.12 s, a seventh of an AWS plan; tests/settings/test_regions.py
checks the result against botocore's public `Session.get_available_regions`. Opt-in regions (af-south-1, ap-east-1, me-south-1, ...) are listed
there like the others; whether the account has enabled one is not something offline data can
tell, so `pulumi up` in a region the account has not enabled still fails at AWS.

Partitions counted: `aws`, `aws-cn` and `aws-us-gov`, the ones `partition_for_region` writes
ARNs for and an ordinary account reaches from a CI runner. Left out: the isolated partitions
(`aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`: air-gapped, not reachable from GitHub's
runners) and `aws-eusc` (European Sovereign Cloud: its ARNs use partition `aws-eusc`, which
the policies this package writes do not); adding one means adding it to `PARTITIONS` and
checking the ARNs.

Updating: the list is botocore's, so it changes when the `botocore` pin in requirements.txt
is raised (Dependabot opens that pull request; `tests/settings/test_regions.py` then checks the
guide's regions against the new data). Nothing here is typed by hand. The AWS Pulumi
plugin (Terraform's AWS provider) also validates the region against its SDK's list, so a
region botocore does not know yet is very likely refused by the plugin too.

Loaded on first use, not at import: only AWS stacks pay for reading the file.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
SERVICE = "s3"


@functools.cache
def s3_regions() -> Mapping[str, str]:
    """Region name -> its partition, for every S3 region of the counted partitions."""
    regions: dict[str, str] = {}
    for partition in _endpoint_data()["partitions"]:
        if partition["partition"] not in PARTITIONS:
            continue
        with_s3 = partition["services"].get(SERVICE, {}).get("endpoints", {})
        regions.update({name: partition["partition"] for name in partition["regions"] if name in with_s3})
    return MappingProxyType(regions)


def _endpoint_data() -> dict:
    data = resources.files("botocore") / "data"
    plain, packed = data / "endpoints.json", data / "endpoints.json.gz"
    return json.loads(plain.read_bytes() if plain.is_file() else gzip.decompress(packed.read_bytes()))


@functools.cache
def source() -> str:
    """Where the list comes from, with the version, for error messages."""
    import botocore

    return f"botocore {botocore.__version__} endpoint data, partitions {', '.join(PARTITIONS)}"
