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
from tests.support.doc_pages import page
from tests.support.plan_cli_support import PROD_AWS, copy_project, run_plan_cli

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


ENGINE_REFUSES: list[tuple[str, object, str]] = [
    # pulumi/pulumi pkg/resource/analyzer/config.go (parsePolicyPackConfig, validatePolicyPackConfig)
    # and its config_test.go (TestParsePolicyPackConfigFail), sdk/go/common/resource/plugin/analyzer_plugin.go
    # (Configure: every entry needs a valid level).
    ("missing", None, "no such file"),
    ("directory", "DIR", "is a directory"),
    ("not utf-8", b"\xff\xfe{", "not UTF-8"),
    ("malformed", b'{"storage-tags": ', "not valid JSON"),
    ("trailing comma", b'{"storage-tags": "advisory",}', "not valid JSON"),
    ("NaN", b'{"storage-lifecycle-soft-delete": {"maxDays": NaN}}', "NaN is not a JSON number"),
    ("beyond float64", b'{"storage-lifecycle-soft-delete": {"maxDays": 1e400}}', "beyond a 64-bit float"),
    ("a list", [], "must be a JSON object"),
    ("a string", "mandatory", "must be a JSON object"),
    ("deeply nested", b"[" * 100000, "nested too deeply"),
    ("unknown policy with properties", {"storage-cors-origin": {"allowedOriginPattern": "x"}}, "did you mean 'storage-cors-origins'"),
    ("all without a level", {"all": {"maxDays": 7}}, "all: needs a level"),
    ("bad level", {"storage-tags": "loud"}, "storage-tags: level 'loud'"),
    ("empty level", {"storage-tags": ""}, "storage-tags: level ''"),
    ("bad enforcementLevel", {"storage-tags": {"enforcementLevel": "loud"}}, "storage-tags.enforcementLevel"),
    ("enforcementLevel not a string", {"storage-tags": {"enforcementLevel": 1}}, "storage-tags.enforcementLevel: 1"),
    ("entry a number", {"storage-tags": 3}, "storage-tags: must be a level"),
    ("entry null", {"storage-tags": None}, "storage-tags: must be a level"),
    ("string days", {"storage-lifecycle-soft-delete": {"maxDays": "7"}}, "maxDays: '7' is not of type 'integer'"),
    ("boolean days", {"storage-lifecycle-soft-delete": {"maxDays": True}}, "maxDays: True is not of type 'integer'"),
    ("fractional days", {"storage-lifecycle-soft-delete": {"maxDays": 7.5}}, "maxDays: 7.5 is not of type 'integer'"),
    ("zero days", {"storage-lifecycle-abort-multipart": {"maxDays": 0}}, "maxDays: 0 is less than the minimum of 1"),
    ("env not object", {"storage-cors-origins": {"environments": {"dev": "x"}}}, "environments.dev: 'x' is not of type 'object'"),
    (
        "bad env override",
        {"storage-lifecycle-soft-delete": {"environments": {"dev": {"maxDays": -1}}}},
        "storage-lifecycle-soft-delete.environments.dev.maxDays: -1 is less than the minimum of 1",
    ),
    (
        "misspelt env override",
        {"storage-lifecycle-soft-delete": {"environments": {"dev": {"maxDay": 7}}}},
        "storage-lifecycle-soft-delete.environments.dev: Additional properties are not allowed ('maxDay' was unexpected)",
    ),
]


@pytest.mark.parametrize(("content", "expected"), [(c, e) for _, c, e in ENGINE_REFUSES], ids=[n for n, _, _ in ENGINE_REFUSES])
def test_what_the_engine_refuses_is_one_clean_error_with_exit_2(
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


ENGINE_ACCEPTS: list[tuple[str, bytes, str | None]] = [
    # (file, the warning printed for what the engine accepts and then ignores, or None)
    ("empty file", b"", None),  # parsePolicyPackConfig: "Gracefully allow empty content."
    ("blank file", b" \n\t\n", None),
    ("null", b"null", None),  # json.Unmarshal of null into a map leaves it empty
    ("all", b'{"all": "advisory"}', None),
    ("all as an object", b'{"all": {"enforcementLevel": "disabled"}}', None),
    ("remediate", b'{"storage-tags": "remediate", "storage-versioning": {"enforcementLevel": "remediate"}}', None),
    ("empty entry", b'{"storage-tags": {}}', None),  # "Don't bother including empty configs."
    ("integral float", b'{"storage-lifecycle-soft-delete": {"maxDays": 45.0}}', None),  # gojsonschema: an integer
    ("duplicate key, last wins", b'{"storage-tags": "loud", "storage-tags": "advisory"}', None),
    ("unknown policy with a level", b'{"storage-tag": "advisory"}', "'storage-tag' is not a policy of this pack (did you mean 'storage-tags'?)"),
    ("unknown empty policy", b'{"storage-tag": {}}', "'storage-tag' is not a policy of this pack"),
    ("unknown property", b'{"storage-lifecycle-soft-delete": {"maxDay": 7}}', "storage-lifecycle-soft-delete: unknown property 'maxDay'"),
]


@pytest.mark.parametrize(("content", "warning"), [(c, w) for _, c, w in ENGINE_ACCEPTS], ids=[n for n, _, _ in ENGINE_ACCEPTS])
def test_what_the_engine_accepts_is_accepted_and_what_it_ignores_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, warning: str | None
) -> None:
    path = tmp_path / "policy-config.json"
    path.write_bytes(content)
    assert main(["--stack", "prod", "--policy-pack-config", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"Policy pack config: {path}" in out
    if warning is None:
        assert err == ""
    else:
        assert err.startswith(f"warning: policy pack config {path}: ") and warning in err and "pulumi" in err


def test_every_problem_in_the_file_is_listed_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, {"storage-tag": {"x": 1}, "storage-lifecycle-abort-multipart": {"maxDays": "7"}, "storage-lifecycle-soft-delete": {"maxDays": 0}})
    assert main(["--stack", "prod", "--policy-pack-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert all(part in err for part in ("'storage-tag' is not a policy", "'7' is not of type", "0 is less than the minimum of 1")), err


BROKEN = {**UNPROTECTED_PROD, "raptscallions-storage:softDeleteDays": 45}
"""An unprotected production stack keeping soft-deleted files 45 days: two mandatory refusals."""


def levels(tmp_path: Path, config: object) -> tuple[int, set[tuple[str, str]]]:
    project = copy_project(tmp_path, BROKEN)
    result = run_plan_cli("--stack", "broken", "--json", "--project-dir", str(project), "--policy-pack-config", str(write(tmp_path, config)))
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, {(v["policy"], v["level"]) for v in json.loads(result.stdout)["policyVerdicts"]}


def test_all_sets_every_level_and_a_named_policy_overrides_it(tmp_path: Path) -> None:
    """applyConfig: `all`'s level first, then each policy's own entry (config.go; config_test.go
    "Specified config enforcement level used even if 'all' is present")."""
    assert levels(tmp_path, {"all": "disabled"}) == (0, set())
    code, found = levels(tmp_path, {"all": "advisory"})
    assert code == 0 and found >= {("storage-bucket-protected", "advisory"), ("storage-lifecycle-soft-delete", "advisory")}
    code, found = levels(tmp_path, {"all": "disabled", "storage-bucket-protected": {"enforcementLevel": "mandatory"}})
    assert code == 1 and {p for p, _ in found} == {"storage-bucket-protected"} and {lv for _, lv in found} == {"mandatory"}


def test_remediate_refuses_like_mandatory_for_a_pack_without_remediations(tmp_path: Path) -> None:
    """pulumi_policy `_PolicyAnalyzerServicer.AnalyzeStack`: "Stack policies cannot be remediated,
    so treat the level as mandatory"; our policies are all stack policies without a remediation."""
    code, found = levels(tmp_path, {"all": "advisory", "storage-lifecycle-soft-delete": "remediate"})
    assert code == 1 and ("storage-lifecycle-soft-delete", "mandatory") in found
    assert {lv for p, lv in found if p != "storage-lifecycle-soft-delete"} == {"advisory"}


def test_an_invalid_origin_pattern_is_the_packs_refusal_naming_the_knob(tmp_path: Path) -> None:
    """The engine checks only that allowedOriginPattern is a string; the pack then refuses the
    stack (no crash of the analyzer), naming the property and the stack's config file."""
    result = run_plan_cli("--stack", "prod", "--policy-pack-config", str(write(tmp_path, {"storage-cors-origins": {"allowedOriginPattern": "^(https"}})))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "[mandatory] storage-cors-origins" in result.stdout
    assert "not a valid regular expression" in result.stdout
    assert "set 'allowedOriginPattern' of policy storage-cors-origins in Pulumi.prod.policy.json" in result.stdout


def readme_example_config() -> str:
    """docs/policy-pack.md's example `--policy-pack-config` file, as a user would copy it."""
    return page("docs/policy-pack.md").split("sets a policy's level", 1)[1].split("```json", 1)[1].split("```", 1)[0]


def test_the_readmes_example_config_is_accepted(tmp_path: Path) -> None:
    example = readme_example_config()
    path = tmp_path / "readme-example.json"
    path.write_text(example)
    from infra.offline.policy_check import load_pack
    from infra.offline.policy_config import load_policy_config

    loaded = load_policy_config(path, load_pack()[1])
    assert loaded.raw == json.loads(example) and loaded.warnings == []


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
