"""README.md and the reference pages stay true: the commands exist, the policy table
(docs/policy-pack.md) matches the pack, and every path they name exists. The settings tables are
generated (`python -m infra.reference`, tests/settings/test_reference.py)."""

from __future__ import annotations

import re

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.doc_pages import page, pages

README = page("README.md")
SETTINGS = page("docs/settings.md")
POLICY_PACK = page("docs/policy-pack.md")


def test_make_commands_in_the_docs_are_targets_that_exist() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    targets = {target for path in pages() for target in re.findall(r"(?:^|`)make (\w[\w-]*)", path.read_text(encoding="utf-8"), re.M)}
    assert {"plan", "test"} <= targets
    for target in targets:
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
        assert f"| `{policy.name}` | {policy.enforcement_level.value} |" in POLICY_PACK, policy.name


def test_every_repository_path_the_documentation_names_exists() -> None:
    """A moved module or test leaves no stale pointer behind in README.md or docs/."""
    pages = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))]
    named = {
        (page.relative_to(PROJECT_ROOT), path)
        for page in pages
        for path in re.findall(r"(?<![\w./-])((?:tests|infra|scripts|policies|benchmarks|examples|docs)/[\w./-]*\w)", page.read_text())
    }
    assert sorted((str(page), path) for page, path in named if not (PROJECT_ROOT / path).exists()) == []


def test_no_page_repeats_a_settings_default_beside_its_name() -> None:
    """A default is written once, in the schema; pages name the setting and link the generated
    table (docs/settings.md), so changing a default is one edit."""
    from infra.reference import default_text
    from infra.settings.keys import ALL_KEYS

    found = []
    for path in pages():
        text = re.sub(r"<!-- BEGIN GENERATED.*?END GENERATED[^>]*-->", "", path.read_text(encoding="utf-8"), flags=re.S)
        for key in ALL_KEYS:
            if key.default in ("", None, [], {}):
                continue
            shown = default_text(key).strip("`")
            if re.search(rf"`{key.name}`\s*\(\s*`?{re.escape(shown)}`?\s*\)", text):
                found.append(f"{path.relative_to(PROJECT_ROOT)}: {key.name} ({shown})")
    assert found == []
