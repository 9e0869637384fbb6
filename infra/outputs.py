"""Stack outputs: the `STORAGE_*` contract, so `pulumi stack output --shell` is a `.env`.

Below the providers: every component hands back a `StorageAccess`, and AWS also publishes
`app_environment` to Secrets Manager.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.guide import contract
from infra.settings.model import Settings


@dataclass(frozen=True)
class StorageAccess:
    """The values behind the `STORAGE_*` contract, as the component created them."""

    bucket: pulumi.Input[str]
    region: pulumi.Input[str]
    endpoint: pulumi.Input[str] | None
    """None where the app must use the SDK's default endpoint (AWS)."""
    access_key_id: pulumi.Input[str]
    secret_access_key: pulumi.Input[str]


def app_environment(settings: Settings, access: StorageAccess) -> dict[str, pulumi.Input]:
    """The app's STORAGE_* variables (the endpoint only where the provider needs one), and
    the contract's SDK settings with their fixed values, for every provider alike.

    Values are strings, as environment variables are; the secret key is a Pulumi secret.
    """
    environment: dict[str, pulumi.Input] = {
        contract.BACKEND: contract.BACKEND_VALUE,
        contract.BUCKET: access.bucket,
        contract.REGION: access.region,
        contract.ACCESS_KEY_ID: access.access_key_id,
        contract.SECRET_ACCESS_KEY: pulumi.Output.secret(access.secret_access_key),
        contract.SIGNED_URL_EXPIRATION: str(settings.app.signed_url_expiration_seconds),
        contract.MAX_FILE_SIZE: str(settings.app.max_file_size_bytes),
        contract.QUOTA: str(settings.app.quota_bytes),
    }
    if access.endpoint is not None:
        environment[contract.ENDPOINT] = access.endpoint
    for variable in contract.SDK_VARIABLES:
        environment[variable.name] = variable.default or ""
    return environment


def contract_outputs(
    settings: Settings, access: StorageAccess, failover: StorageAccess | None = None
) -> dict[str, pulumi.Input]:
    """Every contract variable (`app_environment`) plus the CORS origins, for the validator,
    and, with a replica the app can fail over to, its `contract.FAILOVER_OUTPUTS`."""
    outputs = app_environment(settings, access)
    outputs[contract.CORS_ORIGINS_OUTPUT] = list(settings.cors.allowed_origins)
    if failover is not None:
        outputs.update(failover_outputs(failover))
    return outputs


def failover_outputs(failover: StorageAccess) -> dict[str, pulumi.Input]:
    """The replica's bucket, region, endpoint (where there is one) and failover credential,
    under the names `contract.FAILOVER_OUTPUTS` gives them; the secret key a Pulumi secret."""
    values: dict[str, pulumi.Input | None] = {
        contract.BUCKET: failover.bucket,
        contract.REGION: failover.region,
        contract.ACCESS_KEY_ID: failover.access_key_id,
        contract.SECRET_ACCESS_KEY: pulumi.Output.secret(failover.secret_access_key),
        contract.ENDPOINT: failover.endpoint,
    }
    return {contract.FAILOVER_OUTPUTS[name]: value for name, value in values.items() if value is not None}
