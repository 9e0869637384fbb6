"""Each provider's page (docs/providers/<name>.md) stays true to its spec and example stack."""

from __future__ import annotations

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from infra.providers import registry
from tests.support.doc_pages import headings, page

STACKS = [("aws", "prod"), ("digitalocean", "spaces-staging"), ("cloudflare", "staging"), ("backblaze", "b2-staging")]


def test_every_provider_has_a_page() -> None:
    assert sorted(provider for provider, _ in STACKS) == sorted(registry.NAMES)
    assert sorted(path.stem for path in (PROJECT_ROOT / "docs" / "providers").glob("*.md")) == sorted(registry.NAMES)


@pytest.mark.parametrize(("provider", "stack"), STACKS)
def test_provider_page_names_its_credentials_and_example_stack(provider: str, stack: str) -> None:
    spec = registry.get(provider)
    text = page(f"docs/providers/{provider}.md")
    assert headings(text)[0] == (1, spec.display_name)
    for variable in spec.credential_env:
        assert f"`{variable}`" in text, variable
    assert f"`Pulumi.{stack}.yaml`" in text and (PROJECT_ROOT / f"Pulumi.{stack}.yaml").exists()
    assert f"make plan STACK={stack}" in text
