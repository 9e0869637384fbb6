"""The guide's Region Matching rule in the validator's Configuration check.

The guide (production-s3-setup.md, DigitalOcean Spaces, "Region Matching"): "The region in
`STORAGE_S3_REGION` must match the datacenter in your endpoint URL (e.g., `nyc3` in both)".
Checked for every provider whose endpoint names a region (Spaces, B2, AWS in each endpoint
form AWS documents); R2's endpoint names none and its region is `auto` (the guide's "Auto
Region"; R2 also takes `us-east-1`, Cloudflare's S3 API compatibility page).
"""

from __future__ import annotations

import pytest

from infra.guide import contract
from infra.validate.config import ConfigurationProblems, load_target
from infra.validate.inputs import Inputs
from tests.support.validate_run import validate

SECRET = "not-a-real-secret-region-matching"
R2 = "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com"


def env(region: str, endpoint: str) -> dict[str, str]:
    return {
        contract.BACKEND: contract.BACKEND_VALUE,
        contract.BUCKET: "raptscallions-prod",
        contract.REGION: region,
        contract.ACCESS_KEY_ID: "AKIDREGIONMATCHING",
        contract.SECRET_ACCESS_KEY: SECRET,
        contract.ENDPOINT: endpoint,
    }


MISMATCHES = [
    ("nyc3", "https://fra1.digitaloceanspaces.com", "fra1"),
    ("fra1", "https://nyc3.digitaloceanspaces.com", "nyc3"),
    ("sgp1", "https://raptscallions-prod.ams3.digitaloceanspaces.com", "ams3"),
    ("nyc3", "https://raptscallions-prod.sfo3.cdn.digitaloceanspaces.com", "sfo3"),
    ("us-east-1", "https://nyc3.digitaloceanspaces.com", "nyc3"),
    ("us-west-004", "https://s3.us-west-002.backblazeb2.com", "us-west-002"),
    ("us-west-004", "https://s3.eu-central-003.backblazeb2.com", "eu-central-003"),
    ("eu-central-003", "https://s3.us-east-005.backblazeb2.com", "us-east-005"),
    ("us-east-1", "https://s3.ca-east-006.backblazeb2.com", "ca-east-006"),
    ("us-east-1", "https://s3.eu-west-1.amazonaws.com", "eu-west-1"),
    ("eu-west-1", "https://s3.amazonaws.com", "us-east-1"),
    ("eu-west-1", "https://s3-external-1.amazonaws.com", "us-east-1"),
    ("us-east-1", "https://s3-eu-west-1.amazonaws.com", "eu-west-1"),
    ("us-west-2", "https://s3.dualstack.us-east-2.amazonaws.com", "us-east-2"),
    ("us-east-1", "https://s3-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    ("us-east-2", "https://s3-fips.dualstack.us-east-1.amazonaws.com", "us-east-1"),
    ("eu-west-1", "https://raptscallions-prod.s3.eu-central-1.amazonaws.com", "eu-central-1"),
    ("us-east-1", "https://bucket.vpce-1a2b3c4d-5e6f.s3.us-east-2.vpce.amazonaws.com", "us-east-2"),
    ("cn-north-1", "https://s3.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
    ("eu-west-1", R2, "auto"),
    ("wnam", R2, "auto"),
    ("nyc3", R2.replace(".r2.", ".eu.r2."), "auto"),
]

MATCHES = [
    ("nyc3", "https://nyc3.digitaloceanspaces.com"),
    ("fra1", "https://fra1.digitaloceanspaces.com/"),
    ("ams3", "https://raptscallions-prod.ams3.digitaloceanspaces.com"),
    ("us-west-004", "https://s3.us-west-004.backblazeb2.com"),
    ("eu-central-003", "https://s3.eu-central-003.backblazeb2.com"),
    ("eu-west-1", "https://s3.eu-west-1.amazonaws.com"),
    ("eu-west-1", "https://s3-eu-west-1.amazonaws.com"),
    ("us-east-1", "https://s3.amazonaws.com"),
    ("us-east-2", "https://s3.dualstack.us-east-2.amazonaws.com"),
    ("us-gov-west-1", "https://s3-fips.us-gov-west-1.amazonaws.com"),
    ("ap-southeast-5", "https://s3.ap-southeast-5.amazonaws.com"),
    ("cn-north-1", "https://s3.cn-north-1.amazonaws.com.cn"),
    ("auto", R2),
    ("us-east-1", R2),
    ("us-east-1", "http://127.0.0.1:9000"),
    ("anything", "https://minio.example.internal"),
]


@pytest.mark.parametrize(("region", "endpoint", "named"), MISMATCHES)
def test_a_region_the_endpoint_contradicts_fails_configuration_naming_both(region: str, endpoint: str, named: str) -> None:
    run = validate(env(region, endpoint), "--json")
    assert run.code == 2, run.out
    check = run.check("configuration")
    assert check["status"] == "failed" and check["error"]["class"] == "configuration"
    message = check["error"]["message"]
    assert f"{contract.REGION} {region!r} does not match {contract.ENDPOINT} {endpoint}" in message
    assert repr(named) in message
    assert {c["status"] for c in run.report["checks"][1:]} == {"not run"}, "nothing may be contacted"
    assert SECRET not in run.out


@pytest.mark.parametrize(("region", "endpoint"), MATCHES)
def test_a_region_matching_the_endpoint_passes(region: str, endpoint: str) -> None:
    target = load_target(Inputs(env(region, endpoint), "test"))
    assert target.region == region


def test_region_mismatch_is_listed_with_every_other_problem() -> None:
    values = env("nyc3", "https://fra1.digitaloceanspaces.com")
    values[contract.BACKEND] = "local"
    with pytest.raises(ConfigurationProblems) as caught:
        load_target(Inputs(values, "test"))
    assert len(caught.value.problems) == 2
    assert any("'fra1'" in p and "'nyc3'" in p for p in caught.value.problems)
