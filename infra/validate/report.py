"""The guide's boxed report (drawn with rich; no colour codes when not a TTY) and JSON.

Every string leaving the validator passes `Redactor`: the secret access key and any
signature or credential in a URL query are replaced, whatever produced the text.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from typing import Any

from infra.guide.troubleshooting import TROUBLESHOOTING
from infra.validate.runner import FAILED, INTERRUPTED, NOT_RUN, PASSED, SKIPPED, CheckResult, Outcome

TITLE = "S3 Production Validation Report"
WIDTH = 68
MASK = "[redacted]"
_SIGNED_QUERY = re.compile(
    r"(?i)\b(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)=[^&\s\"']+"
)
ICONS = {PASSED: "✅", FAILED: "❌", INTERRUPTED: "❌", SKIPPED: "➖", NOT_RUN: "➖"}


class Redactor:
    """Removes secrets from text about to be printed."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _SIGNED_QUERY.sub(lambda m: f"{m.group(1)}={MASK}", text)

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        return value


def _duration(ms: float | None) -> str:
    if ms is None:
        return ""
    return f"({ms / 1000:.1f}s)" if ms >= 10000 else f"({ms:.0f}ms)"


def summary_line(outcome: Outcome) -> str:
    counts = {
        status: sum(r.status == status for r in outcome.results)
        for status in (PASSED, FAILED, INTERRUPTED, SKIPPED, NOT_RUN)
    }
    total = len(outcome.results)
    took = _duration(outcome.duration_ms).strip("()")
    if counts[PASSED] == total:
        return f"All {total} checks passed in {took}"
    parts = [f"{counts[s]} {s}" for s in (PASSED, FAILED, INTERRUPTED, SKIPPED, NOT_RUN) if counts[s]]
    return f"{', '.join(parts)} of {total} checks in {took}"


def verdict_line(outcome: Outcome) -> str:
    if outcome.interrupted:
        return "✗ Interrupted: the checks did not finish."
    if outcome.exit_code == 2:
        return "✗ Configuration is incomplete or invalid: nothing was contacted."
    if not outcome.ok:
        return "✗ S3 storage is NOT ready: fix the failed checks above."
    if any(r.status != PASSED for r in outcome.results):
        return "✓ Every check that ran passed; the skipped ones prove nothing."
    return "✓ S3 storage is ready for production!"


def render_text(outcome: Outcome, redact: Redactor, *, terminal: bool, width: int | None = None) -> str:
    """The guide's report as text (ANSI colour only when `terminal`)."""
    from rich import box
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=terminal,
        no_color=not terminal,
        width=max(width or 80, WIDTH + 4),
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    header = Table(box=box.DOUBLE, width=WIDTH)
    header.add_column(Text(TITLE, style="bold", justify="center"), justify="left")
    target = outcome.target
    rows = [
        ("Provider", target.provider if target else "unknown"),
        ("Bucket", target.bucket if target else "unknown"),
        ("Region", target.region if target else "unknown"),
    ]
    if target and target.endpoint:
        rows.append(("Endpoint", target.endpoint))
    rows.append(("Source", outcome.source))
    for label, value in rows:
        header.add_row(Text(redact(f" {label + ':':<10}{value}")))
    console.print(header)
    console.print()
    styles = {PASSED: "green", FAILED: "red", INTERRUPTED: "red", SKIPPED: "yellow", NOT_RUN: "dim"}
    for result in outcome.results:
        line = Text(f"  {ICONS[result.status]} ")
        line.append(f"{result.name:<20} ")
        line.append(f"{result.status.upper():<11}", style=styles[result.status])
        line.append(_duration(result.duration_ms))
        if result.status in (SKIPPED, NOT_RUN) and result.detail:
            line.append(f"  {redact(result.detail)}", style="dim")
        console.print(line)
        for indent, text, style in _failure_lines(result):
            console.print(Padding(Text(redact(text), style=style), (0, 0, 0, indent), expand=False))
    console.print("─" * WIDTH)
    console.print(Text(f"  {summary_line(outcome)}"))
    notes = [n for r in outcome.results for n in r.notes]
    if outcome.left_behind:
        notes.append(
            "Probe object(s) may remain; delete them by hand: "
            + ", ".join(outcome.left_behind)
            + " (a delete failed or ran out of time, or an upload got no answer and may still be stored)"
        )
    for note in notes:
        console.print(Text(redact(f"  Note: {note}")))
    console.print()
    console.print(Text(f"  {verdict_line(outcome)}", style="bold green" if outcome.ok else "bold red"))
    return redact("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")


def _failure_lines(result: CheckResult) -> list[tuple[int, str, str]]:
    """(indent, text, style) lines under a failed check: the error, then the guide's hints."""
    if result.failure is None:
        return []
    failure = result.failure
    first, *more = failure.message.splitlines()
    lines = [(5, f"Error: {first}", "red")] + [(7, f"- {line}", "red") for line in more]
    lines.append((5, "Possible causes:" if failure.causes is None else "Cause:", ""))
    lines += [(7, f"- {cause}", "") for cause in failure.shown_causes]
    lines.append((5, f"Fix: {failure.shown_fix}", ""))
    return lines


def as_dict(outcome: Outcome, redact: Redactor) -> dict[str, Any]:
    """The report for machines (`--json`)."""
    target = outcome.target
    data = {
        "ok": outcome.ok,
        "exitCode": outcome.exit_code,
        "interrupted": outcome.interrupted,
        "source": outcome.source,
        "target": None
        if target is None
        else {
            "provider": target.provider,
            "bucket": target.bucket,
            "region": target.region,
            "endpoint": target.endpoint,
            "origins": list(target.origins),
        },
        "checks": [
            {
                "id": r.id,
                "name": r.name,
                "status": r.status,
                "durationMs": r.duration_ms,
                "detail": r.detail,
                "notes": list(r.notes),
                "error": None
                if r.failure is None
                else {
                    "class": r.failure.code,
                    "message": r.failure.message,
                    "title": TROUBLESHOOTING[r.failure.error_class].title,
                    "causes": list(r.failure.shown_causes),
                    "fix": r.failure.shown_fix,
                },
            }
            for r in outcome.results
        ],
        "leftBehind": outcome.left_behind,
        "summary": summary_line(outcome),
        "durationMs": outcome.duration_ms,
    }
    return redact.deep(data)


def render_json(outcome: Outcome, redact: Redactor) -> str:
    return json.dumps(as_dict(outcome, redact), indent=2, ensure_ascii=False)
