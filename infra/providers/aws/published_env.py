"""Optional: the app's STORAGE_* values as one AWS Secrets Manager secret (`awsPublishToSecretsManager`).

For platforms that inject secrets from Secrets Manager (ECS, EKS with External Secrets,
Lambda) instead of reading a `.env`. The secret's value is the JSON object of exactly the
variables `python -m infra.dotenv` writes, and follows the active credential; its
`secret_string` is a Pulumi secret. Reading it is the runtime's business: the app's own IAM
user gets no Secrets Manager permission.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from infra.outputs import StorageAccess, app_environment
from infra.providers.aws.scope import AwsScope
from infra.providers.aws.spec import secrets_manager_name
from infra.settings.model import Settings


def publish_app_environment(
    scope: AwsScope, name: str, settings: Settings, access: StorageAccess, tags: Mapping[str, str]
) -> tuple[aws.secretsmanager.Secret, aws.secretsmanager.SecretVersion]:
    """Declare the secret and its current version, children of the component, on its explicit provider."""
    environment = app_environment(settings, access)
    order = list(environment)
    secret = aws.secretsmanager.Secret(
        f"{name}-app-env",
        name=secrets_manager_name(settings.bucket_name),
        description=f"STORAGE_* variables of the RaptScallions app for bucket {settings.bucket_name} (stack {settings.stack})",
        region=settings.region,
        tags=dict(tags),
        opts=scope.opts(),
    )
    document = pulumi.Output.all(**environment).apply(lambda values: json.dumps({key: values[key] for key in order}))
    version = aws.secretsmanager.SecretVersion(
        f"{name}-app-env-version",
        secret_id=secret.id,
        region=settings.region,
        secret_string=pulumi.Output.secret(document),
        opts=scope.opts(),
    )
    return secret, version
