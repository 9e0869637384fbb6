"""The STORAGE_* contract and the app's permissions match the reference guide itself."""

from __future__ import annotations

import re

from infra.guide import contract, permissions
from tests.support.guide_support import guide_text


def guide_table() -> dict[str, tuple[bool, str | None]]:
    """The guide's 'Environment Variables Reference' rows: name -> (required, default)."""
    section = guide_text().split("## Environment Variables Reference", 1)[1]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `(STORAGE_[A-Z0-9_]+)` \| (Yes|No) \| (.+?) \|", line)
        if match:
            default = match.group(3).strip()
            rows[match.group(1)] = (match.group(2) == "Yes", None if default == "—" else default.strip("`"))
    return rows


def test_contract_is_exactly_the_guides_table() -> None:
    table = guide_table()
    assert len(table) == 9
    storage_rows = [v for v in contract.CONTRACT if v.kind == contract.STORAGE]
    assert {v.name: (v.required, v.default) for v in storage_rows} == table
    assert all(v.name.startswith("STORAGE_") for v in storage_rows)
    assert tuple(v.name for v in storage_rows) == contract.STORAGE_NAMES


def test_sdk_rows_are_the_js_sdks_checksum_switches_not_guide_rows() -> None:
    """The SDK rows are not in the guide's table; they are optional, not secret, with one fixed value."""
    sdk = {v.name: v for v in contract.SDK_VARIABLES}
    assert set(sdk) == {"AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION"}
    assert not set(sdk) & set(guide_table())
    assert all(not v.required and not v.secret and v.default == "WHEN_REQUIRED" for v in sdk.values())


def test_only_the_secret_access_key_is_secret() -> None:
    assert {"STORAGE_S3_SECRET_ACCESS_KEY"} == contract.SECRET_NAMES


def test_permission_set_is_the_guides_iam_statement() -> None:
    statement = re.search(r'"Action": \[(.*?)\]', guide_text(), re.S)
    assert statement is not None
    guide_actions = set(re.findall(r'"(s3:[A-Za-z]+)"', statement.group(1)))
    assert guide_actions == permissions.APP_ACTIONS


def test_app_policy_scopes_object_and_bucket_actions_to_one_bucket() -> None:
    document = permissions.app_policy_document("raptscallions-prod")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AppObjectAccess",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                "Resource": ["arn:aws:s3:::raptscallions-prod/*"],
            },
            {
                "Sid": "AppBucketAccess",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": ["arn:aws:s3:::raptscallions-prod"],
            },
        ],
    }
    assert permissions.app_policy_document("b", "aws-cn")["Statement"][1]["Resource"] == ["arn:aws-cn:s3:::b"]

