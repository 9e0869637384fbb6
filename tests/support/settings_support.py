"""Settings of a valid stack of each provider, with changes: what a settings test starts from."""

from __future__ import annotations

from typing import Any

import pytest

from infra.settings.problems import SettingsError
from infra.stack.load import load_settings

ACCOUNT = "0123456789abcdef0123456789abcdef"


ORIGIN = ["https://app.example.com"]


BASE: dict[str, dict[str, Any]] = {
    "aws": {"provider": "aws", "bucketName": "raptscallions-prod", "region": "us-east-1"},
    "digitalocean": {"provider": "digitalocean", "bucketName": "raptscallions-prod", "region": "nyc3"},
    "backblaze": {"provider": "backblaze", "bucketName": "raptscallions-prod"},
    "cloudflare": {"provider": "cloudflare", "bucketName": "raptscallions-prod", "cloudflareAccountId": ACCOUNT},
}


def settings_for(base: str = "aws", stack: str = "prod", **changes: Any):
    """Settings of a valid `base` stack with `changes` applied (None removes a key)."""
    raw = {**BASE[base], "corsAllowedOrigins": ORIGIN, **changes}
    return load_settings({k: v for k, v in raw.items() if v is not None}, stack=stack)


def problems(base: str = "aws", stack: str = "prod", **changes: Any) -> list[tuple[str, str]]:
    """The (key, message) problems that `changes` cause on a valid `base` stack."""
    with pytest.raises(SettingsError) as caught:
        settings_for(base, stack, **changes)
    return [(p.key, p.message) for p in caught.value.problems]
