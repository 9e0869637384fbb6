"""Settings: defaults, every validation rule, and all problems reported at once."""

from __future__ import annotations

from typing import Any

import pytest

from infra.guide.cors import APP_METHODS
from infra.settings.model import Versioning
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from tests.support.settings_support import ACCOUNT, problems, settings_for


def keys_of(found: list[tuple[str, str]]) -> list[str]:
    return [key for key, _ in found]


def test_defaults_follow_the_guide() -> None:
    settings = settings_for()
    assert settings.cors.allowed_methods == APP_METHODS == ("GET", "PUT", "HEAD")
    assert settings.cors.allowed_headers == ("*",)
    assert settings.cors.expose_headers == ("ETag", "Content-Length")
    assert settings.cors.max_age_seconds == 3600
    assert settings.versioning is Versioning.ENABLED
    assert settings.lifecycle.soft_delete_prefix == "deleted/"
    assert settings.lifecycle.soft_delete_days == 30
    assert settings.lifecycle.abort_multipart_days == 7
    assert settings.lifecycle.noncurrent_version_days == 30
    assert settings.protect is True
    assert (settings.app.signed_url_expiration_seconds, settings.app.max_file_size_bytes, settings.app.quota_bytes) == (
        900,
        10485760,
        1073741824,
    )
    assert settings.environment == "prod" and settings.is_production
    assert settings.endpoint is None


def test_settings_are_immutable() -> None:
    settings = settings_for(tags='{"team": "platform"}')
    with pytest.raises(AttributeError):
        settings.bucket_name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.tags["team"] = "x"  # type: ignore[index]


def test_pulumi_string_values_are_parsed() -> None:
    settings = settings_for(
        versioning="false",
        softDeleteDays="14",
        corsAllowedOrigins='["https://a.example.com", "https://b.example.com"]',
        corsAllowedMethods='["get", "put"]',
    )
    assert settings.versioning is Versioning.DISABLED
    assert settings.lifecycle.noncurrent_version_days is None
    assert settings.lifecycle.soft_delete_days == 14
    assert settings.cors.allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert settings.cors.allowed_methods == ("GET", "PUT")


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        bucketName="Bad_Bucket",
        region="mars-1",
        corsAllowedOrigins=["*", "https://a.example.com/path"],
        softDeleteDays=0,
        abortIncompleteMultipartDays="soon",
        corsMaxAgeSeconds=999999,
        signedUrlExpirationSeconds=604801,
        bucketname="typo",
    )
    assert sorted(keys_of(found)) == sorted(
        [
            "bucketname",
            "bucketName",
            "corsAllowedOrigins",
            "corsAllowedOrigins",
            "corsMaxAgeSeconds",
            "softDeleteDays",
            "abortIncompleteMultipartDays",
            "signedUrlExpirationSeconds",
            "region",
        ]
    )


def test_error_message_names_keys_and_the_fix() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_for(softDeleteDays=-3)
    text = str(caught.value)
    assert "raptscallions-storage:softDeleteDays" in text
    assert "from 1 to 36500" in text
    assert "pulumi config set" in text and "--stack prod" in text


def test_unknown_key_gets_a_suggestion() -> None:
    found = problems(softDeleteDay=3)
    assert ("softDeleteDay", "is not a setting of this project; did you mean softDeleteDays?") in found


@pytest.mark.parametrize("provider", ["", "gcs", "AWS"])
def test_unknown_provider(provider: str) -> None:
    found = problems(provider=provider)
    assert keys_of(found) == ["provider"]
    assert "aws, backblaze, cloudflare, digitalocean" in found[0][1]


@pytest.mark.parametrize(
    ("provider", "name", "ok"),
    [
        ("aws", "raptscallions-prod", True),
        ("aws", "raptscallions.prod", True),
        ("aws", "ab", False),
        ("aws", "a" * 64, False),
        ("aws", "Raptscallions", False),
        ("aws", "under_score", False),
        ("aws", "-leading", False),
        ("aws", "double..dot", False),
        ("aws", "192.168.1.1", False),
        ("aws", "xn--bucket", False),
        ("aws", "bucket-s3alias", False),
        ("digitalocean", "raptscallions-prod", True),
        ("digitalocean", "with.dots", False),
        ("cloudflare", "raptscallions-prod", True),
        ("cloudflare", "trailing-", False),
        ("backblaze", "raptscallions-prod", True),
        ("backblaze", "short", False),
        ("backblaze", "b2-reserved", False),
        ("backblaze", "UpperCase1", False),
    ],
)
def test_bucket_names_follow_each_providers_rules(provider: str, name: str, ok: bool) -> None:
    if ok:
        assert settings_for(provider, bucketName=name).bucket_name == name
    else:
        assert keys_of(problems(provider, bucketName=name)) == ["bucketName"]


def test_dotted_aws_bucket_name_warns_about_tls() -> None:
    assert any("certificate" in w for w in settings_for(bucketName="raptscallions.prod").warnings)


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
@pytest.mark.parametrize("origin", ["*", "https://*.example.com"])
def test_star_and_wildcard_origins_refused_in_every_environment(stack: str, origin: str) -> None:
    """The policy pack refuses them everywhere, so settings do too (one behaviour)."""
    assert keys_of(problems(stack=stack, corsAllowedOrigins=[origin])) == ["corsAllowedOrigins"]


def test_localhost_http_origin_only_outside_prod() -> None:
    assert settings_for(stack="dev", corsAllowedOrigins=["http://localhost:3000"]).cors.allowed_origins
    assert keys_of(problems(corsAllowedOrigins=["http://localhost:3000"])) == ["corsAllowedOrigins"]
    assert keys_of(problems(stack="dev", corsAllowedOrigins=["http://app.example.com"])) == ["corsAllowedOrigins"]


def test_environment_setting_decides_production_not_the_stack_name() -> None:
    localhost = ["http://localhost:3000"]
    assert keys_of(problems(stack="blue", environment="production", corsAllowedOrigins=localhost)) == ["corsAllowedOrigins"]
    assert not settings_for(stack="prod", environment="qa", corsAllowedOrigins=localhost).is_production


@pytest.mark.parametrize(
    "origins", [[], "not json", '{"a": 1}', [1, 2], ["https://a.example.com", "https://a.example.com"]]
)
def test_bad_origin_lists(origins: Any) -> None:
    assert keys_of(problems(corsAllowedOrigins=origins)) == ["corsAllowedOrigins"]


def test_missing_required_settings() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({}, stack="prod")
    assert {p.key for p in caught.value.problems} == {"provider", "bucketName", "corsAllowedOrigins"}


def test_cors_methods_must_be_s3_methods() -> None:
    assert keys_of(problems(corsAllowedMethods=["GET", "PATCH"])) == ["corsAllowedMethods"]
    assert keys_of(problems(corsAllowedMethods=[])) == ["corsAllowedMethods"]
    assert keys_of(problems(corsAllowedMethods=["GET", "get"])) == ["corsAllowedMethods"]


def test_quota_must_hold_at_least_one_max_size_file() -> None:
    found = problems(maxFileSizeBytes=2000, quotaBytes=1000)
    assert keys_of(found) == ["quotaBytes"]


@pytest.mark.parametrize("value", ["yes", "1", 1, "TRUE ", None])
def test_booleans_are_strict(value: Any) -> None:
    if value in ("TRUE ",) or value is None:
        assert settings_for(versioning=value).versioning is Versioning.ENABLED
    else:
        assert keys_of(problems(versioning=value)) == ["versioning"]


def test_empty_soft_delete_prefix_is_refused() -> None:
    found = problems(softDeletePrefix="")
    assert keys_of(found) == ["softDeletePrefix"]
    assert "every object" in found[0][1]


def test_aws_refuses_an_endpoint_and_requires_a_region() -> None:
    assert keys_of(problems(endpoint="https://s3.amazonaws.com")) == ["endpoint"]
    assert keys_of(problems(region="")) == ["region"]


def test_aws_kms_key_must_be_an_arn_in_the_bucket_region() -> None:
    good = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert settings_for(awsKmsKeyArn=good).options.kms_key_arn == good
    assert keys_of(problems(awsKmsKeyArn="alias/mine")) == ["awsKmsKeyArn"]
    assert keys_of(problems(awsKmsKeyArn=good.replace("us-east-1", "eu-west-1"))) == ["awsKmsKeyArn"]
    alias = "arn:aws:kms:us-east-1:123456789012:alias/raptscallions"
    assert keys_of(problems(awsKmsKeyArn=alias)) == ["awsKmsKeyArn"], "IAM cannot grant key use through an alias ARN"


def test_digitalocean_endpoint_must_match_region() -> None:
    settings = settings_for("digitalocean")
    assert settings.endpoint == "https://nyc3.digitaloceanspaces.com"
    found = problems("digitalocean", endpoint="https://sfo3.digitaloceanspaces.com")
    assert keys_of(found) == ["endpoint"]
    assert "'sfo3'" in found[0][1] and "'nyc3'" in found[0][1]
    assert keys_of(problems("digitalocean", endpoint="https://raptscallions-prod.nyc3.digitaloceanspaces.com")) == [
        "endpoint"
    ]
    assert settings_for("digitalocean", endpoint="https://nyc3.digitaloceanspaces.com").region == "nyc3"
    assert keys_of(problems("digitalocean", region="")) == ["region"]


def test_cloudflare_location_account_and_versioning() -> None:
    settings = settings_for("cloudflare")
    assert settings.region == "auto"
    assert settings.endpoint == f"https://{ACCOUNT}.r2.cloudflarestorage.com"
    assert settings.versioning is Versioning.UNAVAILABLE
    assert settings.lifecycle.noncurrent_version_days is None
    assert any("no object versioning" in w for w in settings.warnings)
    assert settings_for("cloudflare", r2Jurisdiction="eu").endpoint == f"https://{ACCOUNT}.eu.r2.cloudflarestorage.com"
    assert keys_of(problems("cloudflare", region="us-east-1")) == ["region"]
    assert keys_of(problems("cloudflare", cloudflareAccountId=None)) == ["cloudflareAccountId"]
    assert keys_of(problems("cloudflare", r2LocationHint="mars")) == ["r2LocationHint"]


def test_backblaze_always_keeps_versions() -> None:
    assert settings_for("backblaze").versioning is Versioning.ALWAYS
    assert keys_of(problems("backblaze", versioning=False)) == ["versioning"]
    located = settings_for("backblaze", endpoint="https://s3.us-west-004.backblazeb2.com")
    assert (located.region, located.endpoint) == ("us-west-004", "https://s3.us-west-004.backblazeb2.com")
    assert keys_of(problems("backblaze", region="eu-central-003", endpoint="https://s3.us-west-004.backblazeb2.com")) == [
        "endpoint"
    ]


def test_provider_only_keys_are_refused_on_other_providers() -> None:
    found = problems("aws", cloudflareAccountId=ACCOUNT)
    assert found == [
        ("cloudflareAccountId", "applies only to provider cloudflare, not aws; remove it (`pulumi config rm cloudflareAccountId --stack prod`)")
    ]


def test_tags_are_validated() -> None:
    assert dict(settings_for(tags={"team": "platform"}).tags) == {"team": "platform"}
    assert keys_of(problems(tags={"aws:reserved": "x"})) == ["tags"]
    assert keys_of(problems(tags='["not", "a", "map"]')) == ["tags"]
    assert keys_of(problems(tags={"k": 1})) == ["tags"]


def test_protect_off_in_prod_warns() -> None:
    assert any("protect is off" in w for w in settings_for(protect=False).warnings)
