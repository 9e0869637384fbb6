"""Every independent bad setting is named in one go, whatever else is wrong; and a CORS header
list the signed PUT's preflight cannot pass is refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.settings.problems import SettingsError
from infra.stack.load import load_settings

ORIGINS = '["https://app.example.com"]'
VALID: dict[str, dict[str, str]] = {
    "aws": {"provider": "aws", "bucketName": "raptscallions-all", "region": "us-east-1"},
    "digitalocean": {"provider": "digitalocean", "bucketName": "raptscallions-all", "region": "nyc3"},
    "backblaze": {"provider": "backblaze", "bucketName": "raptscallions-all", "region": "us-west-004"},
    "cloudflare": {"provider": "cloudflare", "bucketName": "raptscallions-all", "cloudflareAccountId": "0" * 32},
}

# Bad whatever the provider and whatever else is bad (bucketName: valid for no provider).
GENERIC_BAD: dict[str, str] = {
    "bucketName": "Bad_Name!",
    "environment": "Not An Env",
    "corsAllowedOrigins": '["ftp://files.example.com"]',
    "corsAllowedMethods": '["PATCH"]',
    "corsAllowedHeaders": "[]",
    "corsExposeHeaders": '["bad header"]',
    "corsMaxAgeSeconds": "1:00",
    "versioning": "yes",
    "softDeletePrefix": "/deleted",
    "softDeleteDays": "0",
    "abortIncompleteMultipartDays": "0",
    "noncurrentVersionDays": "-1",
    "protect": "maybe",
    "signedUrlExpirationSeconds": "0",
    "maxFileSizeBytes": "ten",
    "quotaBytes": "1e9",
    "tags": '{"aws:reserved": "x"}',
    "adoptExistingBucket": "on",
    "notASetting": "x",
}
# Bad for this provider whatever else is bad, including a sibling's region or account.
PROVIDER_BAD: dict[str, dict[str, str]] = {
    "aws": {"region": "Not A Region", "endpoint": "https://s3.example.com", "awsKmsKeyArn": "nope",
            "cloudflareAccountId": "f" * 32},
    "digitalocean": {"region": "NYC", "endpoint": "https://evil.example.com/x", "awsKmsKeyArn": "nope"},
    "backblaze": {"region": "zz", "endpoint": "https://evil.example.com", "b2BucketId": "nope"},
    "cloudflare": {"cloudflareAccountId": "xyz", "endpoint": "https://evil.example.com", "region": "us-east-1",
                   "r2LocationHint": "mars", "r2Jurisdiction": "moon"},
}


def problem_keys(raw: dict[str, Any]) -> set[str]:
    with pytest.raises(SettingsError) as error:
        load_settings({"corsAllowedOrigins": ORIGINS, **raw}, stack="dev")
    return {problem.key for problem in error.value.problems}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"provider": "azure", "bucketName": "Bad_Name!"}, {"provider", "bucketName"}),
        ({"bucketName": "Bad_Name!"}, {"provider", "bucketName"}),
        ({**VALID["digitalocean"], "region": "NYC", "endpoint": "https://evil.example.com"}, {"region", "endpoint"}),
        ({**VALID["digitalocean"], "region": "", "endpoint": "https://cdn.example.com"}, {"region", "endpoint"}),
        ({**VALID["cloudflare"], "cloudflareAccountId": "xyz", "endpoint": "https://evil.example.com"},
         {"cloudflareAccountId", "endpoint"}),
        ({**VALID["cloudflare"], "region": "eu", "endpoint": "https://evil.example.com"}, {"region", "endpoint"}),
        ({**VALID["backblaze"], "region": "zz", "endpoint": "https://evil.example.com"}, {"region", "endpoint"}),
        ({**VALID["aws"], "region": "zz", "endpoint": "https://evil.example.com"}, {"region", "endpoint"}),
    ],
)
def test_both_problems_of_a_pair_are_named(raw: dict[str, str], expected: set[str]) -> None:
    assert problem_keys(raw) == expected


def test_a_bucket_name_some_provider_accepts_is_not_blamed_without_a_provider() -> None:
    assert problem_keys({"provider": "azure", "bucketName": "ab.c"}) == {"provider"}  # 4 chars: AWS-valid, B2 not


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_independent_bad_key_is_named_whatever_else_is_bad(data: st.DataObject) -> None:
    provider = data.draw(st.sampled_from([*sorted(VALID), "azure"]), label="provider")
    pool = dict(GENERIC_BAD) | (PROVIDER_BAD.get(provider, {}))
    chosen = data.draw(st.sets(st.sampled_from(sorted(pool)), min_size=1), label="bad keys")
    raw = {**VALID.get(provider, {"provider": provider, "bucketName": "raptscallions-all"})}
    raw.update({key: pool[key] for key in chosen})
    expected = set(chosen) | ({"provider"} if provider == "azure" else set())
    assert expected <= problem_keys(raw)


@pytest.mark.parametrize("headers", ["[]", '["x-amz-meta-owner"]', '["content-*"]', '["Content-Length"]'])
def test_a_header_list_without_content_type_is_refused(headers: str) -> None:
    assert problem_keys({**VALID["aws"], "corsAllowedHeaders": headers}) == {"corsAllowedHeaders"}


@pytest.mark.parametrize("headers", ['["*"]', '["Content-Type"]', '["content-type", "x-amz-meta-owner"]'])
def test_a_header_list_covering_content_type_is_accepted(headers: str) -> None:
    settings_ = load_settings({**VALID["aws"], "corsAllowedOrigins": ORIGINS, "corsAllowedHeaders": headers}, stack="dev")
    assert "content-type" in {h.lower() for h in settings_.cors.allowed_headers} | ({"content-type"} if "*" in headers else set())


def test_no_etag_exposed_or_no_put_is_a_warning_not_a_refusal() -> None:
    result = load_settings(
        {**VALID["aws"], "corsAllowedOrigins": ORIGINS, "corsExposeHeaders": "[]", "corsAllowedMethods": '["GET"]'}, stack="dev"
    )
    assert any("ETag" in w for w in result.warnings) and any("PUT" in w for w in result.warnings)
