"""Collecting every settings problem before reporting, so users fix them all in one go."""

from __future__ import annotations

from dataclasses import dataclass, field

from infra import PROJECT


@dataclass(frozen=True)
class Problem:
    """One wrong or missing setting and how to put it right."""

    key: str
    message: str
    namespace: str = PROJECT
    """The config namespace of `key`: this project's, or a provider plugin's (`aws`)."""

    def __str__(self) -> str:
        return f"{self.namespace}:{self.key}: {self.message}"


@dataclass
class Report:
    """Problems and warnings gathered while reading a stack's settings."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def problem(self, key: str, message: str, namespace: str = PROJECT) -> None:
        self.problems.append(Problem(key, message, namespace))

    def missing(self, key: str, message: str, namespace: str = PROJECT) -> None:
        """`key` has no usable value: reported unless its written value was already refused
        (a padded region is one problem, not also "region is required")."""
        if not self.has_problem(key):
            self.problem(key, message, namespace)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def has_problem(self, key: str) -> bool:
        return any(p.key == key for p in self.problems)


class SettingsError(ValueError):
    """The stack's settings are invalid; the message lists every problem and the fix.

    Raised before any resource is declared. It carries no traceback-worthy detail:
    callers print `str(error)` and exit non-zero.
    """

    def __init__(self, stack: str, problems: list[Problem]) -> None:
        self.stack = stack
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        noun = "setting is" if count == 1 else "settings are"
        lines = [f"Stack '{self.stack}': {count} {noun} invalid, so nothing was declared:"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append(
            f"Fix each with `pulumi config set <key> <value> --stack {self.stack}` "
            f"(lists and maps: edit Pulumi.{self.stack}.yaml), then run again."
        )
        return "\n".join(lines)
