"""README's provider sections stay true to the specs and the example stacks."""

from __future__ import annotations

import re

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from infra.providers import registry

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^#{{2,3}} |\Z)", README, re.M | re.S)
    assert match, f"README has no '### {title}' section"
    return match.group(1)


@pytest.mark.parametrize(("provider", "stack"), [("digitalocean", "spaces-staging"), ("cloudflare", "staging"), ("backblaze", "b2-staging")])
def test_provider_section_names_its_credentials_and_example_stack(provider: str, stack: str) -> None:
    spec = registry.get(provider)
    text = section(spec.display_name)
    for variable in spec.credential_env:
        assert f"`{variable}`" in text, variable
    assert f"`Pulumi.{stack}.yaml`" in text and (PROJECT_ROOT / f"Pulumi.{stack}.yaml").exists()
    assert f"make plan STACK={stack}" in text
