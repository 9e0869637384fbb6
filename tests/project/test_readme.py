"""README.md stays true: its commands exist and its policy table matches the pack."""

from __future__ import annotations

import re

from infra.offline.stack_files import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_commands_are_make_targets_that_exist() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    for target in re.findall(r"^make ([\w-]+)", README, re.M):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert re.search(r"^make test$", (PROJECT_ROOT / ".ci" / "run").read_text(), re.M)


def test_make_test_prepares_every_server_and_client_the_suite_uses() -> None:
    """A fresh clone's `make test` runs everything: nothing depends on `.ci/run` having run first."""
    from tests.support.makefile_support import make_prerequisites

    prerequisites = make_prerequisites(PROJECT_ROOT / "Makefile", "test")
    assert {"$(STAMP)", "localstack", "node-packages", "rgw", "chromium"} <= prerequisites
    ci = [line for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "make test" and not any("scripts/" in line for line in ci), ci


def test_policy_table_lists_every_policy_with_its_level() -> None:
    from infra.offline.policy_check import load_pack

    _, policies = load_pack()
    for policy in policies:
        assert f"| `{policy.name}` | {policy.enforcement_level.value} |" in README, policy.name


def test_every_repository_path_the_documentation_names_exists() -> None:
    """A moved module or test leaves no stale pointer behind in README.md or docs/."""
    pages = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))]
    named = {
        (page.relative_to(PROJECT_ROOT), path)
        for page in pages
        for path in re.findall(r"(?<![\w./-])((?:tests|infra|scripts|policies|benchmarks|examples|docs)/[\w./-]*\w)", page.read_text())
    }
    assert sorted((str(page), path) for page, path in named if not (PROJECT_ROOT / path).exists()) == []
