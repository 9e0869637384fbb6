"""Settings for credential rotation: generations, the active one, and every refusal."""

from __future__ import annotations

from typing import Any

import pytest

from infra.settings.model import DEFAULT_CREDENTIAL, Credential
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from tests.support.settings_support import problems, settings_for

ROTATION_STEPS: list[dict[str, Any]] = [
    {"credentials": [{"name": DEFAULT_CREDENTIAL}, {"name": "2027-05"}], "activeCredential": DEFAULT_CREDENTIAL},
    {"credentials": [{"name": DEFAULT_CREDENTIAL}, {"name": "2027-05"}], "activeCredential": "2027-05"},
    {"credentials": [{"name": "2027-05"}], "activeCredential": "2027-05"},
]


def test_unset_means_one_default_generation() -> None:
    settings = settings_for()
    assert settings.credentials == (Credential(DEFAULT_CREDENTIAL),)
    assert settings.active_credential == DEFAULT_CREDENTIAL


@pytest.mark.parametrize("provider", ["aws", "digitalocean", "backblaze", "cloudflare"])
@pytest.mark.parametrize("step", ROTATION_STEPS)
def test_every_rotation_step_is_accepted_on_every_provider(provider: str, step: dict[str, Any]) -> None:
    settings = settings_for(provider, **step)
    assert [c.name for c in settings.credentials] == [item["name"] for item in step["credentials"]]
    assert settings.active_credential == step["activeCredential"]


def test_pulumi_json_strings_and_unquoted_yaml_numbers_are_read() -> None:
    settings = settings_for(credentials='[{"name": "2026-11"}, {"name": 2027}]', activeCredential="2027")
    assert [c.name for c in settings.credentials] == ["2026-11", "2027"]


def test_removing_the_active_generation_says_switch_first() -> None:
    [(key, message)] = problems(credentials=[{"name": "2027-05"}], activeCredential="2026-11")
    assert key == "activeCredential"
    assert "put it back" in message and "the app" in message
    assert "Switch activeCredential first (`pulumi config set activeCredential 2027-05`)" in message
    assert message.index("Switch activeCredential first") < message.index("then remove '2026-11'")


def test_a_mistyped_active_name_gets_a_suggestion() -> None:
    [(key, message)] = problems(credentials=[{"name": "2026-11"}, {"name": "2027-05"}], activeCredential="2027-5")
    assert key == "activeCredential" and "did you mean '2027-05'?" in message


@pytest.mark.parametrize(
    ("changes", "key", "words"),
    [
        ({"credentials": []}, "credentials", "empty list"),
        ({"activeCredential": "2027-05"}, "activeCredential", "credentials is not set"),
        ({"credentials": [{"name": "2027-05"}]}, "activeCredential", "is required with credentials"),
        ({"credentials": [{"name": "a"}, {"name": "a"}], "activeCredential": "a"}, "credentials", "twice"),
        ({"credentials": [{"name": "Prod_Key"}], "activeCredential": "Prod_Key"}, "credentials", "not a generation name"),
        ({"credentials": [{"name": "x" * 32}], "activeCredential": "x" * 32}, "credentials", "not a generation name"),
        ({"credentials": [{"id": "a"}], "activeCredential": "a"}, "credentials", "no name"),
        ({"credentials": [{"name": "a", "expires": "2027"}], "activeCredential": "a"}, "credentials", "unknown field"),
        ({"credentials": ["2027-05"], "activeCredential": "2027-05"}, "credentials", "object"),
        ({"credentials": "2027-05", "activeCredential": "2027-05"}, "credentials", "list"),
    ],
)
def test_refusals(changes: dict[str, Any], key: str, words: str) -> None:
    found = problems(**changes)
    assert key in [k for k, _ in found], found
    assert any(words in message for k, message in found if k == key), found


def test_aws_allows_two_generations_and_the_limit_lives_in_the_aws_spec() -> None:
    three = [{"name": "a"}, {"name": "b"}, {"name": "c"}]
    [(key, message)] = problems("aws", credentials=three, activeCredential="b")
    assert key == "credentials" and "2 access keys per IAM user" in message
    for provider in ("digitalocean", "cloudflare", "backblaze"):
        assert len(settings_for(provider, credentials=three, activeCredential="b").credentials) == 3


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "provider": "aws",
                "bucketName": "raptscallions-prod",
                "region": "us-east-1",
                "corsAllowedOrigins": ["http://insecure.example.com"],
                "credentials": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
                "activeCredential": "z",
            },
            stack="prod",
        )
    keys = {p.key for p in caught.value.problems}
    assert keys == {"corsAllowedOrigins", "credentials", "activeCredential"}
    assert "pulumi config set" in str(caught.value)
