"""`python -m infra.plan --policy-pack-config FILE`: the pack judges the offline plan with the
same configuration `pulumi preview --policy-pack-config FILE` would give it, and a file
that cannot be used is one clean error (exit 2) before anything runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from infra.plan import main
from tests.test_plan_cli import PROD_AWS, copy_project, run_plan_cli

UNPROTECTED_PROD = {**PROD_AWS, "raptscallions-storage:protect": False}


def write(tmp_path: Path, config: object) -> Path:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config))
    return path


def test_a_config_tightens_the_offline_verdicts(tmp_path: Path) -> None:
    strict = write(tmp_path, {"storage-cors-origins": {"allowedOriginPattern": r"^https://admin\."}})
    result = run_plan_cli("--stack", "prod", "--json", "--policy-pack-config", str(strict))
    assert result.returncode == 1, result.stderr
    verdicts = json.loads(result.stdout)["policyVerdicts"]
    assert [(v["policy"], v["level"]) for v in verdicts] == [("storage-cors-origins", "mandatory")]
    assert "does not match the allowed origin pattern" in verdicts[0]["message"]


def test_a_config_sets_levels_and_per_environment_properties(tmp_path: Path) -> None:
    project = copy_project(tmp_path, UNPROTECTED_PROD)
    assert run_plan_cli("--stack", "broken", "--project-dir", str(project)).returncode == 1
    relaxed = write(
        tmp_path,
        {
            "storage-bucket-protected": "advisory",
            "storage-lifecycle-soft-delete": {"environments": {"prod": {"maxDays": 7}}},
        },
    )
    result = run_plan_cli("--stack", "broken", "--project-dir", str(project), "--policy-pack-config", str(relaxed))
    assert result.returncode == 1, result.stdout  # advisory now, but softDeleteDays 30 > 7 in prod
    assert "[advisory] storage-bucket-protected" in result.stdout
    assert "[mandatory] storage-lifecycle-soft-delete" in result.stdout


BAD_FILES: list[tuple[str, object, str]] = [
    ("missing", None, "no such file"),
    ("directory", "DIR", "is a directory"),
    ("not utf-8", b"\xff\xfe{", "not UTF-8"),
    ("malformed", b'{"storage-tags": ', "not valid JSON"),
    ("trailing comma", b'{"storage-tags": "advisory",}', "not valid JSON"),
    ("a list", [], "must be a JSON object"),
    ("a string", "mandatory", "must be a JSON object"),
    ("deeply nested", b"[" * 100000, "nested too deeply"),
    ("unknown policy", {"storage-cors-origin": {}}, "did you mean 'storage-cors-origins'"),
    ("bad level", {"storage-tags": "loud"}, "storage-tags: level 'loud'"),
    ("bad enforcementLevel", {"storage-tags": {"enforcementLevel": "remediate"}}, "storage-tags.enforcementLevel"),
    ("entry a number", {"storage-tags": 3}, "storage-tags: must be a level"),
    ("unknown property", {"storage-lifecycle-soft-delete": {"maxDay": 7}}, "unknown property 'maxDay'"),
    ("string days", {"storage-lifecycle-soft-delete": {"maxDays": "7"}}, "maxDays: must be a JSON integer"),
    ("boolean days", {"storage-lifecycle-soft-delete": {"maxDays": True}}, "maxDays: must be a JSON integer"),
    ("zero days", {"storage-lifecycle-abort-multipart": {"maxDays": 0}}, "maxDays: must be at least 1"),
    ("bad regex", {"storage-cors-origins": {"allowedOriginPattern": "^(https"}}, "not a valid regular expression"),
    ("env not object", {"storage-cors-origins": {"environments": {"dev": "x"}}}, "environments.dev: must be an object"),
    (
        "bad env override",
        {"storage-lifecycle-soft-delete": {"environments": {"dev": {"maxDays": -1}}}},
        "storage-lifecycle-soft-delete.environments.dev.maxDays: must be at least 1",
    ),
]


@pytest.mark.parametrize(("content", "expected"), [(c, e) for _, c, e in BAD_FILES], ids=[n for n, _, _ in BAD_FILES])
def test_an_unusable_file_is_one_clean_error_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, expected: str
) -> None:
    path = tmp_path / "policy-config.json"
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(json.dumps(content))
    assert main(["--stack", "prod", "--policy-pack-config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: policy pack config {path}: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_every_problem_in_the_file_is_listed_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, {"storage-tag": "advisory", "storage-tags": "loud", "storage-lifecycle-soft-delete": {"maxDays": 0}})
    assert main(["--stack", "prod", "--policy-pack-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert all(part in err for part in ("'storage-tag' is not a policy", "level 'loud'", "maxDays: must be at least 1"))


def readme_example_config() -> str:
    """The README's example `--policy-pack-config` file, as a user would copy it."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    return readme.split("sets a policy's level", 1)[1].split("```json", 1)[1].split("```", 1)[0]


def test_the_readmes_example_config_is_accepted(tmp_path: Path) -> None:
    example = readme_example_config()
    path = tmp_path / "readme-example.json"
    path.write_text(example)
    from infra.offline.policy_check import load_pack
    from infra.offline.policy_config import load_policy_config

    assert load_policy_config(path, load_pack()[1]) == json.loads(example)


CLEAN_RUNS = 3


def test_the_plan_with_a_policy_config_exits_without_a_traceback(tmp_path: Path) -> None:
    """`python -m infra.plan --policy-pack-config FILE` used to end 1 run in 4 with `Exception
    ignored in: BaseEventLoop.__del__ ... ValueError: Invalid file descriptor: -1`: the mock
    monitor left an unclosed event loop on each executor thread (infra/offline/harness.py,
    `_thread_event_loop`). Runs with `-W always::ResourceWarning` show such a loop every time
    ("unclosed event loop"), not only when interpreter exit finalizes it in the wrong order."""
    config = write(tmp_path, json.loads(readme_example_config()))
    command = ["-m", "infra.plan", "--stack", "prod", "--policy-pack-config", str(config)]
    processes = [
        subprocess.Popen(
            [sys.executable, *flags, *command],
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flags in [()] * CLEAN_RUNS + [("-W", "always::ResourceWarning")] * CLEAN_RUNS
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        for sign in ("Traceback", "Exception ignored", "ResourceWarning", "Error"):
            assert sign not in err, err
