"""The failover `.env`: the app's contract pointed at the replica (`python -m infra.dotenv --failover`).

A stack with a replica the app can fail over to exports, beside the contract, the replica's
bucket, region and failover credential (`contract.FAILOVER_OUTPUTS`). The failover `.env` is
the same contract with those values in place of the primary's: same variable names, same app
settings, so the app needs no change, only a restart with the other file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.dotenv.values import DotenvError
from infra.guide import contract

SOURCE_SUFFIX = ", failover to the replica"
"""Ends the source named in a failover file's header, so the validator's rewrite advice keeps `--failover`."""


def failover_outputs(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """`outputs` with each contract variable replaced by its failover output; the primary's
    endpoint is dropped unless the replica has one. Refused when the stack exports no replica."""
    missing = [
        output for name, output in contract.FAILOVER_OUTPUTS.items() if name != contract.ENDPOINT and output not in outputs
    ]
    if missing:
        raise DotenvError(
            f"--failover: the stack exports no {', '.join(missing)}: it declares no replica the app can fail over to "
            "(AWS: set awsReplicaRegion and run `pulumi up`)"
        )
    switched = {name: value for name, value in outputs.items() if name != contract.ENDPOINT}
    for name, output in contract.FAILOVER_OUTPUTS.items():
        if output in outputs:
            switched[name] = outputs[output]
    return switched
