"""SSE-KMS: the app user gets exactly kms:GenerateDataKey and kms:Decrypt on exactly the bucket's key.

moto enforces IAM for the KMS actions it models but matches a statement's Resource only
against "*" (it passes no key ARN to its IAM check), and its S3 never calls KMS as the
caller. So the key scope is judged on the document and by the policy pack; the action
list is judged on moto with the statement's resource widened to "*".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.guide.permissions import KMS_ACTIONS, KMS_SID, app_policy_document
from infra.offline.harness import Plan
from tests.support.examples_support import example_plan, example_settings
from tests.support.policy_support import edit, only, set_policy_statement, violations
from tests.support.s3_servers import Server, moto_server

EXAMPLE = "aws-kms/Pulumi.prod.yaml"
"""The SSE-KMS use case (examples/aws-kms), rendered as written."""
BUCKET, KEY = (example_settings(EXAMPLE)[key] for key in ("bucketName", "awsKmsKeyArn"))
OTHER_KEY = "arn:aws:kms:us-east-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
RULE = "storage-credential-least-privilege"


@pytest.fixture(scope="module")
def kms_plan() -> Plan:
    return example_plan(EXAMPLE)


def statements(plan: Plan) -> list[dict[str, Any]]:
    return json.loads(plan.one(USER_POLICY).inputs["policy"])["Statement"]


def test_kms_key_adds_exactly_one_statement_on_exactly_that_key(kms_plan: Plan, prod_plan: Plan) -> None:
    found = statements(kms_plan)
    assert found[:2] == app_policy_document(BUCKET)["Statement"] and len(statements(prod_plan)) == 2
    assert found[2:] == [
        {"Sid": KMS_SID, "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": [KEY]}
    ]
    assert not any(s["Action"][0].startswith("kms:") for s in statements(prod_plan)), "SSE-S3: no KMS permission"


def test_the_pack_accepts_the_components_kms_statement(kms_plan: Plan) -> None:
    assert RULE not in violations(kms_plan)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Action": ["kms:*"]}, "action 'kms:*' is a wildcard"),
        ({"Action": [*KMS_ACTIONS, "kms:Encrypt"]}, "action 'kms:Encrypt' is not one the SSE-KMS needs"),
        ({"Action": [*KMS_ACTIONS, "kms:CreateGrant"]}, "action 'kms:CreateGrant'"),
        ({"Action": [*KMS_ACTIONS, "s3:PutObject"]}, "action 's3:PutObject' is not one the SSE-KMS needs"),
        ({"Resource": [OTHER_KEY]}, f"KMS resource '{OTHER_KEY}' is not the bucket's key"),
        ({"Resource": ["*"]}, "KMS resource '*'"),
        ({"Resource": ["arn:aws:kms:us-east-1:123456789012:alias/app"]}, "is not the bucket's key"),
    ],
)
def test_the_pack_refuses_any_other_kms_action_or_key(kms_plan: Plan, fields: dict[str, Any], expected: str) -> None:
    messages = only(violations(edit(kms_plan, USER_POLICY, set_policy_statement(2, **fields))), RULE)
    assert any(expected in m for m in messages), messages


def test_a_kms_grant_without_sse_kms_is_refused(prod_plan: Plan) -> None:
    def add_kms(inputs: dict[str, Any]) -> None:
        document = json.loads(inputs["policy"])
        document["Statement"].append({"Effect": "Allow", "Action": list(KMS_ACTIONS), "Resource": [KEY]})
        inputs["policy"] = json.dumps(document)

    messages = only(violations(edit(prod_plan, USER_POLICY, add_kms)), RULE)
    assert any("the bucket uses no KMS key" in m for m in messages), messages


@pytest.fixture(scope="module")
def moto() -> Iterator[Server]:
    with moto_server() as server:
        yield server


def kms_outcomes(server: Server, user: str, policy: dict[str, Any]) -> dict[str, bool]:
    """Which KMS calls the user holding `policy` may make on a real (moto) key: name -> allowed."""
    admin = server.client("kms")
    key = admin.create_key()["KeyMetadata"]["Arn"]
    blob = admin.encrypt(KeyId=key, Plaintext=b"data key")["CiphertextBlob"]
    kms = server.client("kms", server.iam_user(user, policy))
    calls = {
        "GenerateDataKey": lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256"),
        "Decrypt": lambda: kms.decrypt(CiphertextBlob=blob),
        "Encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=b"x"),
        "DescribeKey": lambda: kms.describe_key(KeyId=key),
        "CreateGrant": lambda: kms.create_grant(KeyId=key, GranteePrincipal="arn:aws:iam::123456789012:root", Operations=["Decrypt"]),
    }
    outcomes = {}
    for name, call in calls.items():
        try:
            call()
            outcomes[name] = True
        except Exception as error:  # noqa: BLE001 - only a 403 counts as refused
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403, error  # type: ignore[attr-defined]
            outcomes[name] = False
    return outcomes


def test_moto_allows_the_kms_statement_exactly_its_two_actions(moto: Server) -> None:
    document = app_policy_document(BUCKET, kms_key_arn=KEY)
    document["Statement"][2]["Resource"] = ["*"]  # moto matches KMS resources against "*" only (module docstring)
    outcomes = kms_outcomes(moto, "kms-app", document)
    assert outcomes == {"GenerateDataKey": True, "Decrypt": True, "Encrypt": False, "DescribeKey": False, "CreateGrant": False}


def test_moto_refuses_kms_to_the_sse_s3_policy(moto: Server) -> None:
    outcomes = kms_outcomes(moto, "sse-s3-app", app_policy_document(BUCKET))
    assert not any(outcomes.values()), outcomes
