"""Optional publishing of the app's STORAGE_* values as one AWS Secrets Manager secret."""

from __future__ import annotations

import json
from typing import Any

from infra.guide import contract
from infra.offline.harness import Plan, run_stack_file
from infra.plan import plan_as_dict
from tests.support.examples_support import EXAMPLES, example_plan, example_settings, rotation_step
from tests.support.plans import shipped_plan
from tests.support.policy_support import mandatory
from tests.support.settings_support import problems

SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
EXAMPLE = "aws-secrets-manager/Pulumi.prod.yaml"
"""The Secrets Manager use case (examples/aws-secrets-manager), rendered as written."""
SETTINGS = example_settings(EXAMPLE)


def published(plan: Plan) -> dict[str, Any]:
    """The JSON document the secret version holds."""
    value = plan.one(VERSION).inputs["secretString"]
    if isinstance(value, dict):  # still wrapped as a secret by the deserializer
        value = value["value"]
    return json.loads(value)


def test_absent_by_default() -> None:
    plan = shipped_plan("prod")
    assert not [r for r in plan.resources if r.type.startswith("aws:secretsmanager/")]


def test_publishes_exactly_the_app_environment_as_a_secret() -> None:
    plan = example_plan(EXAMPLE)
    assert plan.error is None, plan.error
    secret, version = plan.one(SECRET), plan.one(VERSION)
    component = plan.one("raptscallions:storage:AwsStorage")
    assert secret.parent == component.urn and version.parent == component.urn
    assert secret.inputs["name"] == f"{SETTINGS['bucketName']}/storage-env"
    assert secret.inputs["region"] == version.inputs["region"] == SETTINGS["region"]
    assert secret.inputs["tags"]["managed-by"] == "pulumi/raptscallions-storage"
    assert secret.urn in version.property_dependencies["secretId"]
    assert "secretString" in version.secret_inputs, "the published values travel as a Pulumi secret"
    expected = {k: v for k, v in plan.outputs.items() if k in contract.CONTRACT_NAMES}
    assert published(plan) == expected
    assert list(published(plan)) == [n for n in contract.CONTRACT_NAMES if n in expected]
    assert plan.secret_outputs == {contract.SECRET_ACCESS_KEY}
    rendered = json.dumps(plan_as_dict(plan, []))
    assert expected[contract.SECRET_ACCESS_KEY] not in rendered, "`python -m infra.plan --json` masks it"
    assert mandatory(plan) == []


def test_the_published_key_follows_the_active_credential() -> None:
    plan = run_stack_file(EXAMPLES / EXAMPLE, config_overrides=rotation_step(2))  # the switch to 2027-05
    assert plan.error is None, plan.error
    assert published(plan)[contract.ACCESS_KEY_ID] == "FAKEACCESSKEY-storage-app-key-2027-05"
    assert published(plan)[contract.SECRET_ACCESS_KEY] == "fake-secret-for-storage-app-key-2027-05"


def test_the_app_user_gets_no_secrets_manager_permission() -> None:
    plan = example_plan(EXAMPLE)
    assert plan.of_type(SECRET) and "secretsmanager" not in plan.one("aws:iam/userPolicy:UserPolicy").inputs["policy"]


def test_aws_only() -> None:
    [(key, message)] = problems("digitalocean", awsPublishToSecretsManager=True)
    assert key == "awsPublishToSecretsManager" and "applies only to provider aws" in message
