"""`python -m infra.dotenv --failover`: the replica's `.env` from the outputs the program really
exports with `awsReplicaRegion` (read from the offline plan), next to the everyday `.env`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from dotenv import dotenv_values

from infra.dotenv.cli import main
from infra.guide import contract
from tests.support.examples_support import example_plan, example_settings

EXAMPLE = "aws-replica/Pulumi.prod.yaml"
SETTINGS = example_settings(EXAMPLE)
REPLICA_SECRET = "replica/secret+value=="


@pytest.fixture(scope="module")
def outputs() -> dict[str, Any]:
    """The replica stack's outputs, as `pulumi stack output --json --show-secrets` prints them."""
    plan = example_plan(EXAMPLE)
    assert plan.error is None
    return {**plan.outputs, "replicaSecretAccessKey": REPLICA_SECRET}


def write(tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Any], *extra: str) -> tuple[int, str, Path]:
    source, target = tmp_path / "outputs.json", tmp_path / "app.env"
    source.write_text(json.dumps(outputs))
    code = main(["--from-json", str(source), "--output", str(target), *extra], stdin=io.StringIO(""))
    captured = capsys.readouterr()
    assert REPLICA_SECRET not in captured.out + captured.err and "Traceback" not in captured.err
    return code, captured.out + captured.err, target


def test_failover_env_is_the_contract_on_the_replica(tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Any]) -> None:
    code, said, target = write(tmp_path, capsys, outputs, "--failover")
    assert code == 0, said
    env = dotenv_values(target)
    assert env[contract.BUCKET] == f"{SETTINGS['bucketName']}-replica" and env[contract.REGION] == SETTINGS["awsReplicaRegion"]
    assert env[contract.ACCESS_KEY_ID] == "FAKEACCESSKEY-storage-failover-key"
    assert env[contract.SECRET_ACCESS_KEY] == REPLICA_SECRET
    assert contract.ENDPOINT not in env
    # same variables, same app settings as the everyday file: the app needs only a restart
    assert list(env) == [n for n in contract.CONTRACT_NAMES if n != contract.ENDPOINT]
    for name in (contract.BACKEND, contract.SIGNED_URL_EXPIRATION, contract.MAX_FILE_SIZE, contract.QUOTA, *(v.name for v in contract.SDK_VARIABLES)):
        assert env[name] == outputs[name]
    assert "failover to the replica" in target.read_text().splitlines()[0]


def test_default_env_is_unchanged_by_the_replica_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Any]) -> None:
    code, said, target = write(tmp_path, capsys, outputs)
    assert code == 0, said
    env = dotenv_values(target)
    assert (env[contract.BUCKET], env[contract.REGION]) == (SETTINGS["bucketName"], SETTINGS["region"])
    assert env[contract.ACCESS_KEY_ID] == "FAKEACCESSKEY-storage-app-key"
    assert REPLICA_SECRET not in target.read_text() and "replica" not in target.read_text()


def test_failover_without_a_replica_is_refused_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Any]) -> None:
    everyday = {k: v for k, v in outputs.items() if k not in contract.FAILOVER_OUTPUTS.values()}
    code, said, target = write(tmp_path, capsys, everyday, "--failover")
    assert code == 1 and not target.exists()
    assert "replicaBucket" in said and "awsReplicaRegion" in said and "nothing was written" in said


def test_failover_with_a_masked_replica_secret_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Any]) -> None:
    code, said, target = write(tmp_path, capsys, {**outputs, "replicaSecretAccessKey": "[secret]"}, "--failover")
    assert code == 1 and not target.exists() and "--show-secrets" in said
