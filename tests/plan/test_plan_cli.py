"""`python -m infra.plan` as a user runs it: exit codes, JSON, masked secrets, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.examples_support import EXAMPLES, example_settings
from tests.support.plan_cli_support import PROD_AWS, copy_project, run_plan_cli


def test_json_lists_resources_and_masks_the_secret() -> None:
    result = run_plan_cli("--stack", "prod", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    types = {r["type"] for r in plan["resources"]}
    assert {"aws:s3/bucket:Bucket", "aws:iam/accessKey:AccessKey", "aws:iam/userPolicy:UserPolicy"} <= types
    assert plan["outputs"]["STORAGE_S3_SECRET_ACCESS_KEY"] == "[secret]"
    assert plan["secretOutputs"] == ["STORAGE_S3_SECRET_ACCESS_KEY"]
    assert "fake-secret" not in result.stdout


def test_text_tree_shows_protected_bucket_and_outputs() -> None:
    result = run_plan_cli("--stack", "prod")
    assert result.returncode == 0, result.stderr
    assert "aws:s3/bucket:Bucket  storage-bucket [protected]" in result.stdout
    assert "STORAGE_S3_SECRET_ACCESS_KEY=[secret]" in result.stdout
    assert "fake-secret" not in result.stdout


def test_bad_setting_exits_non_zero_naming_the_key_without_traceback(tmp_path: Path) -> None:
    project = copy_project(
        tmp_path,
        {
            "raptscallions-storage:provider": "aws",
            "raptscallions-storage:bucketName": "raptscallions-prod",
            "raptscallions-storage:region": "us-east-1",
            "raptscallions-storage:corsAllowedOrigins": ["https://app.example.com/"],
            "raptscallions-storage:softDeleteDays": 0,
        },
    )
    result = run_plan_cli("--stack", "broken", "--project-dir", str(project))
    assert result.returncode == 1
    assert "raptscallions-storage:corsAllowedOrigins" in result.stdout
    assert "raptscallions-storage:softDeleteDays" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    json_result = run_plan_cli("--stack", "broken", "--project-dir", str(project), "--json")
    assert json_result.returncode == 1
    assert json.loads(json_result.stdout)["resources"] == []


def test_unknown_stack_and_malformed_file(tmp_path: Path) -> None:
    missing = run_plan_cli("--stack", "nope")
    assert missing.returncode == 2 and "Pulumi.nope.yaml" in missing.stderr and "prod" in missing.stderr
    project = copy_project(tmp_path, {})
    (project / "Pulumi.broken.yaml").write_text("config: [unclosed")
    malformed = run_plan_cli("--stack", "broken", "--project-dir", str(project))
    assert malformed.returncode == 2 and "not valid YAML" in malformed.stderr
    assert "Traceback" not in malformed.stderr


def test_policy_violation_fails_the_plan_with_the_verdict(tmp_path: Path) -> None:
    project = copy_project(
        tmp_path,
        {**PROD_AWS, "raptscallions-storage:protect": False},
    )
    result = run_plan_cli("--stack", "broken", "--project-dir", str(project))
    assert result.returncode == 1
    assert "[mandatory] storage-bucket-protected: aws:s3/bucket:Bucket  storage-bucket" in result.stdout
    assert "raptscallions-storage:protect" in result.stdout
    verdicts = json.loads(run_plan_cli("--stack", "broken", "--project-dir", str(project), "--json").stdout)["policyVerdicts"]
    # the app bucket and its access-log bucket
    assert [(v["policy"], v["level"]) for v in verdicts] == [("storage-bucket-protected", "mandatory")] * 2


def test_shipped_prod_plan_passes_every_policy() -> None:
    result = run_plan_cli("--stack", "prod")
    assert result.returncode == 0
    assert "Policies (pack raptscallions-storage): all passed" in result.stdout


def test_plan_of_the_kms_example_shows_the_kms_statement_and_passes_the_pack() -> None:
    """`--stack-file` renders a stack file kept outside the project root, here examples/aws-kms."""
    example = "aws-kms/Pulumi.prod.yaml"
    key = example_settings(example)["awsKmsKeyArn"]
    result = run_plan_cli("--stack-file", str(EXAMPLES / example), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    plan = json.loads(result.stdout)
    assert plan["stack"] == "prod" and plan["policyVerdicts"] == []
    assert plan["outputs"]["STORAGE_S3_BUCKET"] == example_settings(example)["bucketName"]
    [user_policy] = [r for r in plan["resources"] if r["type"] == "aws:iam/userPolicy:UserPolicy"]
    statements = json.loads(user_policy["inputs"]["policy"])["Statement"]
    assert statements[-1] == {
        "Sid": "AppKmsKeyUse",
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": [key],
    }


def test_stack_file_is_named_like_a_stack_file_and_not_compared_with_a_revision(tmp_path: Path) -> None:
    misnamed = tmp_path / "prod.yaml"
    misnamed.write_text((EXAMPLES / "aws/Pulumi.prod.yaml").read_text())
    result = run_plan_cli("--stack-file", str(misnamed))
    assert result.returncode == 2 and "a stack file is named Pulumi.<stack>.yaml" in result.stderr
    missing = run_plan_cli("--stack-file", str(tmp_path / "Pulumi.prod.yaml"))
    assert missing.returncode == 2 and "no stack file" in missing.stderr
    against = run_plan_cli("--stack-file", str(EXAMPLES / "aws/Pulumi.prod.yaml"), "--against", "HEAD")
    assert against.returncode == 2 and "--against" in against.stderr
    both = run_plan_cli("--stack", "prod", "--stack-file", str(EXAMPLES / "aws/Pulumi.prod.yaml"))
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`python -m infra.plan --stack prod | head -3`: the plan ends quietly when the pipe closes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.plan", "--stack", "prod"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    try:
        assert process.stdout is not None and process.stdout.read(10)
        process.stdout.close()
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
