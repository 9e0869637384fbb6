"""`storage-credential-age` (advisory): the active credential generation, dated by its name,
older than `maxAgeDays` (default 90) is reported with the rotation runbook as the fix; in
process and over the analyzer gRPC protocol."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.offline.harness import run_plan
from infra.offline.policy_check import analyze_plan
from tests.support.policy_support import only, over_grpc, preview_shaped, violations


def with_active(stack: str, name: str):
    plan = run_plan(stack, config_overrides={"credentials": [{"name": name}], "activeCredential": name})
    assert plan.error is None
    return plan


def test_an_old_dated_generation_is_advised_with_the_runbook() -> None:
    plan = with_active("prod", "2020-01")
    [message] = only(violations(plan), "storage-credential-age")
    assert "'2020-01'" in message and "more than 90" in message and "Rotating the app credential" in message
    [verdict] = analyze_plan(plan)
    assert verdict.level == "advisory" and verdict.urn == plan.one("raptscallions:storage:AwsStorage").urn


def test_this_months_generation_and_undated_names_pass() -> None:
    this_month = datetime.now(UTC).strftime("%Y-%m")
    assert violations(with_active("prod", this_month)) == {}
    assert violations(with_active("prod", "blue")) == {}
    assert violations(run_plan("prod")) == {}  # the `default` generation


def test_max_age_is_configurable_per_environment() -> None:
    plan = with_active("spaces-staging", "2020-01")
    assert "storage-credential-age" in violations(plan)
    assert violations(plan, {"storage-credential-age": {"maxAgeDays": 36500}}) == {}
    per_env = {"storage-credential-age": {"maxAgeDays": 36500, "environments": {"staging": {"maxAgeDays": 30}}}}
    assert "storage-credential-age" in violations(plan, per_env)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("2026-11", (2026, 11, 1)), ("2026-11-15", (2026, 11, 15)), ("2026-13", None), ("default", None), ("2026-11-x", None)],
)
def test_generation_names_that_are_dates(name: str, expected: tuple[int, int, int] | None) -> None:
    from infra.offline.policy_check import load_pack

    load_pack()  # puts the pack's directory on sys.path, as the engine runs it
    from storage_policies.checks import generation_date

    found = generation_date(name)
    assert (found.timetuple()[:3] if found else None) == expected


def test_credential_age_over_grpc(analyzer) -> None:
    plan = preview_shaped(with_active("prod", "2020-01"))
    remote = over_grpc(analyzer, plan)
    assert [(v.policy, v.level) for v in remote] == [("storage-credential-age", "advisory")]
    assert sorted(remote, key=str) == sorted(analyze_plan(plan), key=str)
