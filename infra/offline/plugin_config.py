"""What the real provider plugins would refuse: required configuration the offline mocks never ask for.

Pulumi's mocks accept any resource on any provider. The real engine configures each provider
plugin before the first resource or invoke that uses it, and the plugin refuses to start
without its required keys (the AWS plugin without a region: pulumi/pulumi-aws#2084). This
module judges the recorded plan as the plugins would: for each resource and invoke of a
package with required keys (`ProviderSpec.plugin_required`), the provider it would use must
have them, from its inputs (an explicit provider) or from the stack's `<package>:<key>`
config (the default provider).

The environment is deliberately not consulted: the real default provider would also take
AWS_REGION from the deployer's shell, but then the stack would deploy differently from
machine to machine, and CI (no cloud environment) would disagree with a laptop. The message
names the environment variables anyway, so the user recognizes the plugin's own error.
Credentials are never demanded here (`credential_notes` lists them for the plan's output).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from infra.offline.records import DeclaredResource, Plan
from infra.providers import registry
from infra.providers.spec import PluginKey, ProviderSpec

PROVIDER_TYPE_PREFIX = "pulumi:providers:"


@dataclass(frozen=True)
class PluginProblem:
    """One required key missing from one provider, and everything that would fail for it."""

    package: str
    key: PluginKey
    provider: str
    """`default` or the explicit provider's name."""
    users: tuple[str, ...]

    def __str__(self) -> str:
        env = " or ".join(self.key.env)
        if self.provider == "default":
            where = (
                f"they use Pulumi's default {self.package} provider, which gets no {self.key.key} from this package's "
                f"settings (stack config {self.package}:{self.key.key}, or {env} in the deployer's environment); "
                f"declare them with the component's explicit provider, built from the settings"
            )
        else:
            where = f"their explicit provider {self.provider!r} was declared without a {self.key.key} input"
        return (
            f"{self.package}:{self.key.key} (environment: {env}): the {self.package} plugin refuses to start without it, "
            f"so `pulumi preview` would fail for {', '.join(self.users)}: {where} [{self.key.source}]"
        )


def is_provider(resource: DeclaredResource) -> bool:
    return resource.type.startswith(PROVIDER_TYPE_PREFIX)


def _provider_urn(reference: str) -> str:
    """`<urn>::<id>` -> `<urn>`; "" stays "" (the default provider)."""
    return reference.rsplit("::", 1)[0] if reference else ""


def plugin_problems(plan: Plan, config: Mapping[str, str]) -> list[PluginProblem]:
    """Every required plugin key the plan's providers lack, grouped by provider."""
    providers = {r.urn: r for r in plan.resources if is_provider(r)}
    found: list[PluginProblem] = []
    for spec in registry.all_specs():
        if spec.plugin_package and spec.plugin_required:
            found += _problems_of(spec, plan, providers, config)
    return found


def _problems_of(
    spec: ProviderSpec, plan: Plan, providers: Mapping[str, DeclaredResource], config: Mapping[str, str]
) -> list[PluginProblem]:
    package = spec.plugin_package
    users: dict[str, list[str]] = {}
    for resource in plan.resources:
        if resource.custom and not is_provider(resource) and resource.type.startswith(f"{package}:"):
            users.setdefault(_provider_urn(resource.provider), []).append(f"{resource.type} {resource.name}")
    for invoke in plan.invokes:
        if invoke.token.startswith(f"{package}:"):
            users.setdefault(_provider_urn(invoke.provider), []).append(f"invoke {invoke.token}")
    problems = []
    for urn, names in users.items():
        explicit = providers.get(urn)
        values = explicit.inputs if explicit else {
            key.partition(":")[2]: value for key, value in config.items() if key.startswith(f"{package}:")
        }
        for key in spec.plugin_required:
            if not values.get(key.key):
                label = explicit.name if explicit else (urn or "default")
                problems.append(PluginProblem(package, key, label, tuple(dict.fromkeys(names))))
    return problems


def refusal(stack: str, problems: list[PluginProblem]) -> str:
    """The plan's error: every missing key at once, naming the key and its environment variables."""
    lines = [f"Stack '{stack}': the provider plugins would refuse {len(problems)} provider configuration(s), so nothing would deploy:"]
    lines += [f"  - {problem}" for problem in problems]
    return "\n".join(lines)


def credential_notes(plan: Plan) -> list[str]:
    """Which credentials the real `pulumi preview` / `up` reads from the environment, per provider
    the plan uses. Never required offline: CI runs the plan without cloud secrets."""
    used = {r.inputs.get("provider") for r in plan.resources if not r.custom}
    return [f"{spec.display_name}: {spec.credential_note}" for spec in registry.all_specs() if spec.name in used and spec.credential_note]
