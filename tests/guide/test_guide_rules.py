"""The guide's CORS and lifecycle rules: the documents, and the checks that guard them."""

from __future__ import annotations

import pytest

from infra.guide import cors, lifecycle
from tests.support.s3_documents import s3_cors_configuration, s3_lifecycle_configuration


def test_cors_document_matches_the_guides_policy() -> None:
    rule = cors.CorsRule(allowed_origins=("https://yourdomain.com",))
    assert s3_cors_configuration(rule) == {
        "CORSRules": [
            {
                "ID": "raptscallions-browser-uploads",
                "AllowedHeaders": ["*"],
                "AllowedMethods": ["GET", "PUT", "HEAD"],
                "AllowedOrigins": ["https://yourdomain.com"],
                "ExposeHeaders": ["ETag", "Content-Length"],
                "MaxAgeSeconds": 3600,
            }
        ]
    }


def test_lifecycle_document_has_the_guides_rules_and_version_cleanup() -> None:
    document = s3_lifecycle_configuration(lifecycle.LifecyclePolicy())
    rules = {rule["ID"]: rule for rule in document["Rules"]}
    assert rules["cleanup-soft-deleted"] == {
        "ID": "cleanup-soft-deleted",
        "Status": "Enabled",
        "Filter": {"Prefix": "deleted/"},
        "Expiration": {"Days": 30},
    }
    assert rules["cleanup-incomplete-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert rules["cleanup-incomplete-uploads"]["Filter"] == {}
    assert rules["cleanup-noncurrent-versions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rules["cleanup-noncurrent-versions"]["Expiration"] == {"ExpiredObjectDeleteMarker": True}


def test_lifecycle_without_versions_has_no_version_rule() -> None:
    document = s3_lifecycle_configuration(lifecycle.LifecyclePolicy(noncurrent_version_days=None))
    assert [rule["ID"] for rule in document["Rules"]] == ["cleanup-soft-deleted", "cleanup-incomplete-uploads"]


@pytest.mark.parametrize(
    ("origin", "production", "allowed"),
    [
        ("https://app.example.com", True, True),
        ("https://app.example.com:8443", True, True),
        ("https://app.example.com/", True, False),
        ("https://app.example.com/path", True, False),
        ("https://app.example.com?x=1", True, False),
        ("https://user:pw@app.example.com", True, False),
        ("app.example.com", True, False),
        ("ftp://app.example.com", True, False),
        ("http://app.example.com", False, False),
        ("http://localhost:3000", False, True),
        ("http://127.0.0.1:5173", False, True),
        ("http://[::1]:8080", False, True),
        ("http://localhost:3000", True, False),
        ("*", True, False),
        ("*", False, False),
        ("https://*.example.com", True, False),
        ("https://*.example.com", False, False),
        (" https://app.example.com", True, False),
        ("https://app.example.com:99999", True, False),
        ("", False, False),
    ],
)
def test_origin_rules(origin: str, production: bool, allowed: bool) -> None:
    assert (cors.origin_problem(origin, production=production) is None) is allowed


@pytest.mark.parametrize("prefix", ["", " ", "/", "deleted", "/deleted/", "a//b/", "//"])
def test_soft_delete_prefix_refuses_anything_that_is_not_a_folder(prefix: str) -> None:
    assert lifecycle.soft_delete_prefix_problem(prefix) is not None


@pytest.mark.parametrize("prefix", ["deleted/", "trash/deleted/", "soft-deleted/"])
def test_soft_delete_prefix_accepts_folders(prefix: str) -> None:
    assert lifecycle.soft_delete_prefix_problem(prefix) is None


def test_header_names() -> None:
    assert cors.header_problem("*") is None
    assert cors.header_problem("x-amz-*") is None
    assert cors.header_problem("Content-Type") is None
    assert cors.header_problem("bad header") is not None
    assert cors.header_problem("") is not None
